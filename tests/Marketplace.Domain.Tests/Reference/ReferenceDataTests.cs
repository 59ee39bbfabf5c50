using Marketplace.Domain.Reference;

namespace Marketplace.Domain.Tests.Reference;

public sealed class ReferenceDataTests
{
    private static readonly ReferenceData Data = new(
        ["RUB", "USD", "EUR", "RUB"],
        ["RU", "KZ", "BY"],
        new Dictionary<string, string> { ["RU-KLU"] = "Калужская область", ["RU-TA"] = "Республика Татарстан" },
        ["PCE", "KGM", "MTR"],
        new Dictionary<string, string> { ["25.62"] = "Работы по обработке металлических изделий", ["25.62.10"] = "Токарная обработка" });

    [Theory]
    [InlineData("RUB", true)]
    [InlineData("EUR", true)]
    [InlineData("rub", false)]
    [InlineData("RUB ", false)]
    [InlineData("XXX", false)]
    [InlineData("", false)]
    public void Currency_lookup_is_exact(string code, bool expected) => Assert.Equal(expected, Data.IsCurrency(code));

    [Theory]
    [InlineData("RU", true)]
    [InlineData("KZ", true)]
    [InlineData("ru", false)]
    [InlineData("US", false)]
    public void Country_lookup_is_exact(string code, bool expected) => Assert.Equal(expected, Data.IsCountry(code));

    [Theory]
    [InlineData("PCE", true)]
    [InlineData("MTR", true)]
    [InlineData("pce", false)]
    [InlineData("LTR", false)]
    public void Unit_lookup_is_exact(string code, bool expected) => Assert.Equal(expected, Data.IsUnit(code));

    [Theory]
    [InlineData("RU-KLU", "Калужская область")]
    [InlineData("RU-TA", "Республика Татарстан")]
    [InlineData("ru-klu", null)]
    [InlineData("RU-XXX", null)]
    [InlineData("KLU", null)]
    public void Ru_region_lookup_is_exact_and_gives_its_name(string code, string? name)
    {
        Assert.Equal(name, Data.RuRegionName(code));
        Assert.Equal(name is not null, Data.IsRuRegion(code));
    }

    [Fact]
    public void Null_code_is_unknown_rather_than_an_error()
    {
        Assert.False(Data.IsCurrency(null!));
        Assert.False(Data.IsCountry(null!));
        Assert.False(Data.IsUnit(null!));
        Assert.False(Data.IsRuRegion(null!));
        Assert.Null(Data.RuRegionName(null!));
    }

    [Fact]
    public void Okpd2_names_are_kept_with_ordinal_keys()
    {
        Assert.Equal(2, Data.Okpd2.Count);
        Assert.Equal("Токарная обработка", Data.Okpd2["25.62.10"]);
        Assert.False(Data.Okpd2.ContainsKey("25.62.1"));
    }

    [Fact]
    public void Source_dictionary_comparer_does_not_leak_into_lookups()
    {
        var data = new ReferenceData(
            [], [],
            new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["RU-KLU"] = "Калужская область" },
            [], new Dictionary<string, string>());
        Assert.True(data.IsRuRegion("RU-KLU"));
        Assert.False(data.IsRuRegion("ru-klu"));
    }
}
