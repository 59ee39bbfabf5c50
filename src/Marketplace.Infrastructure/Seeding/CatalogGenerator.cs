using System.Text;
using System.Text.Json;
using Marketplace.Infrastructure.Catalog;

namespace Marketplace.Infrastructure.Seeding;

/// Deterministic wholesaler catalogs: the demo's ~10,000 items and the import benchmark's
/// million. A cash-and-carry assortment: industrial goods of the OKPD2 list, about a third made in
/// Russia (with a region and a high local share), the rest imported (China first), some out of
/// stock, most at one of the wholesaler's warehouses. One seeded Random drawn in a fixed order:
/// the same seed gives the same items.
public sealed class CatalogGenerator
{
    public const int DefaultSeed = 4_669; // OKPD2 46.69: wholesale of other machinery and equipment

    private static readonly (string Country, double Weight)[] Origins =
        [("RU", 0.35), ("CN", 0.33), ("TR", 0.08), ("BY", 0.07), ("DE", 0.05), ("KZ", 0.04), ("IT", 0.03), ("IN", 0.03), ("KR", 0.02)];

    private static readonly (string Unit, double Weight)[] Units =
        [("PCE", 0.62), ("KGM", 0.14), ("MTR", 0.1), ("SET", 0.08), ("LTR", 0.06)];

    private static readonly string[] RuRegions =
        ["RU-KLU", "RU-MOS", "RU-MOW", "RU-TA", "RU-SPE", "RU-LEN", "RU-NIZ", "RU-SVE", "RU-SAM", "RU-ULY", "RU-BA", "RU-PER"];

    private static readonly string[] Grades = ["стандарт", "усиленный", "оцинкованный", "нерж.", "промышленный", "эконом", "проф"];

    private readonly Random _rng;
    private readonly KeyValuePair<string, string>[] _categories;

    /// `okpd2`: code -> name (seeds/reference/okpd2.csv); items use its codes of three or more segments.
    public CatalogGenerator(IReadOnlyDictionary<string, string> okpd2, int seed = DefaultSeed)
    {
        _rng = new Random(seed);
        _categories = okpd2.Where(c => c.Key.Count(ch => ch == '.') >= 2).OrderBy(c => c.Key, StringComparer.Ordinal).ToArray();
        if (_categories.Length == 0) throw new ArgumentException("No OKPD2 codes of three or more segments.", nameof(okpd2));
    }

    /// `count` items with skus `{skuPrefix}-000001`, ...; 90% at one of `warehouses` (when any).
    public IEnumerable<CatalogItem> Items(string skuPrefix, int count, IReadOnlyList<Guid> warehouses)
    {
        for (var i = 1; i <= count; i++)
        {
            var (code, categoryName) = _categories[_rng.Next(_categories.Length)];
            var origin = Pick(Origins);
            var russian = origin == "RU";
            var unit = Pick(Units);
            var price = Math.Round((decimal)Math.Exp(1.5 + _rng.NextDouble() * 8.5), 2); // about 4.5 to 22,000
            var currency = _rng.NextDouble() < 0.04 ? (_rng.NextDouble() < 0.5 ? "CNY" : "EUR") : "RUB";
            var stock = _rng.NextDouble() < 0.08 ? 0 : 1 + (long)Math.Floor(Math.Exp(_rng.NextDouble() * 8.5));
            decimal? localShare = russian ? Math.Round(0.55m + (decimal)_rng.NextDouble() * 0.45m, 2)
                : _rng.NextDouble() < 0.3 ? null : Math.Round((decimal)_rng.NextDouble() * 0.25m, 2);
            var region = russian && _rng.NextDouble() < 0.6 ? RuRegions[_rng.Next(RuRegions.Length)] : null;
            var gtin = _rng.NextDouble() < 0.6 ? Gtin13(russian ? "460" : "69") : null;
            Guid? warehouse = warehouses.Count > 0 && _rng.NextDouble() < 0.9 ? warehouses[_rng.Next(warehouses.Count)] : null;
            var name = $"{Truncate(categoryName, 200)}, {Grades[_rng.Next(Grades.Length)]}, арт. {_rng.Next(100_000, 999_999)}";
            yield return new CatalogItem($"{skuPrefix}-{i:D6}", name, code, unit, price, currency, stock, origin, gtin, region,
                localShare is { } s ? CatalogItem.Canonical(s) : null, warehouse);
        }
    }

    /// One NDJSON line of an item, as a wholesaler's integration would send it.
    public static string ToNdjson(CatalogItem item) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["sku"] = item.Sku, ["name"] = item.Name, ["categoryCode"] = item.CategoryCode, ["unit"] = item.Unit, ["price"] = item.Price,
        ["currency"] = item.Currency, ["stock"] = item.Stock, ["originCountry"] = item.OriginCountry, ["gtin"] = item.Gtin,
        ["originRegionCode"] = item.OriginRegionCode, ["localShare"] = item.LocalShare, ["warehouseSiteId"] = item.WarehouseSiteId,
    });

    /// The items as an NDJSON body.
    public static byte[] ToNdjson(IEnumerable<CatalogItem> items)
    {
        var text = new StringBuilder();
        foreach (var item in items) text.Append(ToNdjson(item)).Append('\n');
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private string Pick((string Value, double Weight)[] choices)
    {
        var r = _rng.NextDouble() * choices.Sum(c => c.Weight);
        foreach (var (value, weight) in choices)
        {
            if (r < weight) return value;
            r -= weight;
        }
        return choices[^1].Value;
    }

    private string Gtin13(string prefix)
    {
        var digits = new StringBuilder(prefix);
        while (digits.Length < 12) digits.Append((char)('0' + _rng.Next(10)));
        var sum = 0;
        for (var i = 0; i < 12; i++) sum += (digits[i] - '0') * (i % 2 == 0 ? 1 : 3);
        return digits.Append((char)('0' + (10 - sum % 10) % 10)).ToString();
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
