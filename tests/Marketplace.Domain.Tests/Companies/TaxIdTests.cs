using Marketplace.Domain.Companies;

namespace Marketplace.Domain.Tests.Companies;

public sealed class TaxIdTests
{
    // 7707083893 Sberbank, 7736050003 Gazprom, 7728168971 Alfa-Bank, 7702070139 VTB; 500100732259 is a
    // common 12-digit example. 4027010050, 773173084809 and 402712340080 were built so that a weighted
    // sum is 10 mod 11: their check digit is 0 only through the final "mod 10".
    private static readonly string[] Ten = ["7707083893", "7736050003", "7728168971", "7702070139", "4027010050"];
    private static readonly string[] Twelve = ["500100732259", "773173084809", "402712340080"];

    public static TheoryData<string> ValidTen => new(Ten);

    public static TheoryData<string> ValidTwelve => new(Twelve);

    public static TheoryData<string> WrongCheckDigits()
    {
        var data = new TheoryData<string>();
        foreach (var inn in Ten.Concat(Twelve))
        {
            // The 10-digit INN has one check digit (last); the 12-digit one has two (last two).
            var checkPositions = inn.Length == 10 ? new[] { 9 } : [10, 11];
            foreach (var position in checkPositions)
            {
                foreach (var digit in "0123456789".Where(d => d != inn[position]))
                {
                    data.Add(string.Concat(inn.AsSpan(0, position), digit.ToString(), inn.AsSpan(position + 1)));
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ValidTen))]
    public void Ten_digit_inn_with_correct_check_digit_is_valid(string inn) => Assert.True(TaxId.IsValid(inn));

    [Theory]
    [MemberData(nameof(ValidTwelve))]
    public void Twelve_digit_inn_with_correct_check_digits_is_valid(string inn) => Assert.True(TaxId.IsValid(inn));

    [Theory]
    [MemberData(nameof(WrongCheckDigits))]
    public void Inn_with_any_wrong_check_digit_is_invalid(string inn) => Assert.False(TaxId.IsValid(inn));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("770708389")]
    [InlineData("77070838930")]
    [InlineData("5001007322590")]
    [InlineData("7707O83893")]
    [InlineData("77070838a3")]
    [InlineData(" 7707083893")]
    [InlineData("7707083893 ")]
    [InlineData("7707083893\n")]
    [InlineData("7707-083893")]
    [InlineData("+707083893")]
    [InlineData("٧٧٠٧٠٨٣٨٩٣")]
    // Arabic-Indic digit minus '0' is congruent to its value mod 11: only the ASCII check rejects these.
    [InlineData("٧707083893")]
    [InlineData("٧٧٠٧٠٨٣٨٩3")]
    [InlineData("٥00100732259")]
    [InlineData("７７０７０８３８９３")]
    public void Inn_of_wrong_length_or_with_non_ascii_digits_is_invalid(string? inn) => Assert.False(TaxId.IsValid(inn));

    [Theory]
    [InlineData(false, 10)]
    [InlineData(true, 12)]
    public void Generated_inns_are_valid_for_1000_seeds(bool individual, int length)
    {
        for (var seed = 0; seed < 1000; seed++)
        {
            var inn = TaxId.Generate(new Random(seed), individual);
            Assert.Equal(length, inn.Length);
            Assert.True(TaxId.IsValid(inn), $"seed {seed}: {inn}");
            Assert.NotEqual("00", inn[..2]);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Generation_is_deterministic_for_a_seed(bool individual)
    {
        Assert.Equal(TaxId.Generate(new Random(42), individual), TaxId.Generate(new Random(42), individual));
        Assert.NotEqual(TaxId.Generate(new Random(1), individual), TaxId.Generate(new Random(2), individual));
    }
}
