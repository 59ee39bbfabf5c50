using System.Text.RegularExpressions;

namespace Marketplace.Domain.Companies;

// api.md "Conventions": certification codes are upper-cased, then must match the pattern,
// and are compared ordinally.
public static partial class Certification
{
    public static bool IsValid(string? code) => code is not null && Pattern().IsMatch(Normalize(code));

    public static string Normalize(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        return code.ToUpperInvariant();
    }

    // \z, not $: $ also matches before a final newline.
    [GeneratedRegex(@"^[A-Z0-9][A-Z0-9._-]{0,31}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
