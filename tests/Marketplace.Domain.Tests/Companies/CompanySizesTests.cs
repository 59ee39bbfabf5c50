using Marketplace.Domain.Companies;

namespace Marketplace.Domain.Tests.Companies;

public sealed class CompanySizesTests
{
    [Theory]
    [InlineData("micro", CompanySize.Micro, true)]
    [InlineData("small", CompanySize.Small, true)]
    [InlineData("medium", CompanySize.Medium, true)]
    [InlineData("large", CompanySize.Large, false)]
    public void Lower_case_wire_name_parses_round_trips_and_knows_if_it_is_sme(string wire, CompanySize expected, bool sme)
    {
        Assert.True(CompanySizes.TryParse(wire, out var size));
        Assert.Equal(expected, size);
        Assert.Equal(wire, CompanySizes.ToWire(size));
        Assert.Equal(sme, CompanySizes.IsSme(size));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Micro")]
    [InlineData("LARGE")]
    [InlineData(" small")]
    [InlineData("small ")]
    [InlineData("0")]
    [InlineData("3")]
    [InlineData("sme")]
    [InlineData("big")]
    public void Anything_but_an_exact_wire_name_is_rejected(string? wire)
    {
        Assert.False(CompanySizes.TryParse(wire, out _));
    }

    [Fact]
    public void Unknown_size_value_has_no_wire_name()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CompanySizes.ToWire((CompanySize)4));
    }
}
