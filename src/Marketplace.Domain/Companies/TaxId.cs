namespace Marketplace.Domain.Companies;

// Russian INN (api.md: taxId; domain.md "Codes"): 10 digits for an organisation, 12 for an
// individual entrepreneur; each check digit = (weighted sum mod 11) mod 10.
public static class TaxId
{
    private static readonly int[] Weights10 = [2, 4, 10, 3, 5, 9, 4, 6, 8];
    private static readonly int[] Weights11 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
    private static readonly int[] Weights12 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];

    public static bool IsValid(string? inn)
    {
        if (inn is null || (inn.Length != 10 && inn.Length != 12))
        {
            return false;
        }

        foreach (var c in inn)
        {
            // char.IsDigit would accept Arabic-Indic and other Unicode digits.
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return inn.Length == 10
            ? CheckDigit(inn, Weights10) == inn[9] - '0'
            : CheckDigit(inn, Weights11) == inn[10] - '0' && CheckDigit(inn, Weights12) == inn[11] - '0';
    }

    public static string Generate(Random rng, bool individual = false)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var digits = new char[individual ? 12 : 10];
        // The first two digits are a region code (01..99), never 00.
        var region = rng.Next(1, 100);
        digits[0] = (char)('0' + region / 10);
        digits[1] = (char)('0' + region % 10);
        var body = individual ? 10 : 9;
        for (var i = 2; i < body; i++)
        {
            digits[i] = (char)('0' + rng.Next(10));
        }

        if (individual)
        {
            digits[10] = (char)('0' + CheckDigit(digits, Weights11));
            digits[11] = (char)('0' + CheckDigit(digits, Weights12));
        }
        else
        {
            digits[9] = (char)('0' + CheckDigit(digits, Weights10));
        }

        return new string(digits);
    }

    private static int CheckDigit(ReadOnlySpan<char> digits, int[] weights)
    {
        var sum = 0;
        for (var i = 0; i < weights.Length; i++)
        {
            sum += (digits[i] - '0') * weights[i];
        }

        return sum % 11 % 10;
    }
}
