using System.Collections.Frozen;

namespace Marketplace.Domain.Reference;

// The code lists of seeds/reference/ (api.md "Conventions"). Lookups are exact and ordinal:
// callers upper-case units and the like first, where api.md says so. OKPD2 names feed the
// demo and documentation only; category codes are validated by format.
public sealed class ReferenceData
{
    private readonly FrozenSet<string> currencies;
    private readonly FrozenSet<string> countries;
    private readonly FrozenDictionary<string, string> ruRegions;
    private readonly FrozenSet<string> units;
    private readonly FrozenDictionary<string, string> okpd2;

    public ReferenceData(
        IEnumerable<string> currencies,
        IEnumerable<string> countries,
        IReadOnlyDictionary<string, string> ruRegionNames,
        IEnumerable<string> units,
        IReadOnlyDictionary<string, string> okpd2Names)
    {
        ArgumentNullException.ThrowIfNull(currencies);
        ArgumentNullException.ThrowIfNull(countries);
        ArgumentNullException.ThrowIfNull(ruRegionNames);
        ArgumentNullException.ThrowIfNull(units);
        ArgumentNullException.ThrowIfNull(okpd2Names);
        this.currencies = currencies.ToFrozenSet(StringComparer.Ordinal);
        this.countries = countries.ToFrozenSet(StringComparer.Ordinal);
        ruRegions = ruRegionNames.ToFrozenDictionary(StringComparer.Ordinal);
        this.units = units.ToFrozenSet(StringComparer.Ordinal);
        okpd2 = okpd2Names.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IReadOnlyDictionary<string, string> Okpd2 => okpd2;

    // Null guards: a missing field must come out as a 400, never as an exception here.
    public bool IsCurrency(string code) => code is not null && currencies.Contains(code);

    public bool IsCountry(string code) => code is not null && countries.Contains(code);

    public bool IsRuRegion(string code) => code is not null && ruRegions.ContainsKey(code);

    public string? RuRegionName(string code) => code is null ? null : ruRegions.GetValueOrDefault(code);

    public bool IsUnit(string code) => code is not null && units.Contains(code);
}
