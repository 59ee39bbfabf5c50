using Marketplace.Domain;
using Marketplace.Domain.Catalog;
using Marketplace.Domain.Companies;
using Marketplace.Domain.Geo;
using static Marketplace.Infrastructure.Seeding.SupplyVocabulary;

namespace Marketplace.Infrastructure.Seeding;

/// Synthetic supply around the real clusters: invented companies with valid, unique INNs,
/// their sites near the cluster centres and capabilities under the clusters' specializations.
/// Everything except the ids comes from one seeded Random drawn in a fixed order, so a seed
/// always gives the same content (domain.md: deterministic demo data; ids may differ).
/// The demo and the benchmark data set use the same generator at different sizes.
public sealed class SupplyGenerator
{
    public const int DefaultSeed = 7_792_015; // PP 779 of 2015, the cluster rules
    public const int DemoSupplierCount = 620;
    public const double AnchorRadiusKm = 28;
    public const double SiteRadiusKm = 38;
    private const double KmPerDegree = 111.32;

    private readonly Random _rng;
    private readonly IReadOnlyList<SupplyCluster> _clusters;
    private readonly double[] _clusterWeights;
    private readonly Dictionary<Guid, (string[] Specs, double[] Weights)> _specializations = new();
    private readonly Dictionary<Trade, (string? Prefix, string Text)[]> _descriptions = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, string[]> _codesUnder = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<string, string> _okpd2;
    private readonly HashSet<string> _taxIds = new(StringComparer.Ordinal);
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _nameSuffixes = new(StringComparer.Ordinal);

    /// `okpd2`: code -> name (seeds/reference/okpd2.csv).
    public SupplyGenerator(IReadOnlyList<SupplyCluster> clusters, IReadOnlyDictionary<string, string> okpd2, int seed = DefaultSeed)
    {
        ArgumentNullException.ThrowIfNull(clusters);
        ArgumentNullException.ThrowIfNull(okpd2);
        if (clusters.Count == 0) throw new ArgumentException("At least one cluster is needed.", nameof(clusters));
        _rng = new Random(seed);
        _clusters = clusters;
        _okpd2 = okpd2;
        _clusterWeights = clusters.Select(c => ClusterWeights.GetValueOrDefault(c.Key, 1.0)).ToArray();
        // Ordinal order, so that the content never depends on a dictionary's enumeration order.
        var codes = okpd2.Keys.Order(StringComparer.Ordinal).ToArray();
        foreach (var spec in clusters.SelectMany(c => c.Specializations).Distinct(StringComparer.Ordinal))
        {
            var depth = CategoryCode.SegmentCount(spec);
            var under = codes.Where(c => CategoryCode.HasSegmentPrefix(c, spec) && CategoryCode.SegmentCount(c) > depth).ToArray();
            if (under.Length == 0 && CategoryCode.IsValid(spec)) under = [spec];
            if (under.Length > 0) _codesUnder[spec] = under;
        }
        foreach (var c in clusters)
        {
            var specs = c.Specializations.Where(_codesUnder.ContainsKey).ToArray();
            if (specs.Length == 0)
                throw new ArgumentException($"Cluster {c.Key} has no specialization with OKPD2 codes under it.", nameof(clusters));
            _specializations[c.Id] = (specs, specs.Select(spec => TradeOf(spec).Weight).ToArray());
        }
    }

    /// The demo's supply: 1-2 anchors per cluster, 3-4 wholesalers, and `suppliers` suppliers.
    public DemoSupply Demo(int suppliers = DemoSupplierCount)
    {
        var anchors = Anchors();
        var wholesalers = Wholesalers();
        var list = new List<SeedCompany>(suppliers);
        for (var i = 0; i < suppliers; i++) list.Add(NextSupplier());
        return new DemoSupply(anchors, wholesalers, list);
    }

    /// 1-2 anchors per cluster (one per anchor kind when it has two), large, with 1-2 plants
    /// near the centre.
    public IReadOnlyList<SeedCompany> Anchors()
    {
        var anchors = new List<SeedCompany>();
        foreach (var cluster in _clusters)
        {
            var kinds = cluster.AnchorKinds.Count > 0 ? cluster.AnchorKinds : ["machinery"];
            var count = kinds.Count >= 2 || Chance(0.4) ? 2 : 1;
            for (var i = 0; i < count; i++)
                anchors.Add(Anchor(cluster, AnchorKinds.GetValueOrDefault(kinds[i % kinds.Count]) ?? AnchorKinds["machinery"]));
        }
        return anchors;
    }

    /// 3-4 cash-and-carry wholesalers with 1-3 warehouses in the biggest clusters.
    public IReadOnlyList<SeedCompany> Wholesalers()
    {
        var big = Enumerable.Range(0, _clusters.Count).OrderByDescending(i => _clusterWeights[i]).ThenBy(i => i)
            .Take(Math.Min(6, _clusters.Count)).ToArray();
        var names = Shuffled(SupplyVocabulary.Wholesalers);
        var count = Chance(0.5) ? 4 : 3;
        var list = new List<SeedCompany>(count);
        for (var w = 0; w < count; w++)
        {
            var form = Chance(0.6) ? "ООО" : "АО";
            var name = $"{form} \"{UniqueName(() => names[w % names.Length])}\"";
            var taxId = NewTaxId(false);
            var certifications = Chance(0.5) ? new[] { "ISO9001" } : [];
            var picks = Shuffled(big).Take(1 + _rng.Next(Math.Min(3, big.Length))).ToArray();
            var sites = new List<SeedSite>(picks.Length);
            foreach (var i in picks)
            {
                var cluster = _clusters[i];
                var city = Place(cluster).City;
                var siteName = city.Length == 0 ? $"Склад №{sites.Count + 1}"
                    : Chance(0.5) ? $"Склад «{city}»" : $"Распределительный центр «{city}»";
                var (lat, lon) = Jitter(cluster.Center, AnchorRadiusKm);
                sites.Add(new SeedSite(Id.New(), siteName, lat, lon, cluster.Id, cluster.RegionCode, []));
            }
            list.Add(new SeedCompany(Id.New(), name, taxId, CompanyRole.Wholesaler, CompanySize.Large, certifications,
                _clusters[picks[0]].Key, sites));
        }
        return list;
    }

    /// One supplier in a cluster picked by weight, with 1-3 sites and 1-`maxCapabilities` (at
    /// most 4) capabilities. Mostly SMEs; about 3.5% are large producers.
    public SeedCompany NextSupplier(int maxCapabilities = 4)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCapabilities, 1);
        var cluster = _clusters[PickWeighted(_clusterWeights)];
        var place = Place(cluster);
        var r = _rng.NextDouble();
        var size = r < 0.34 ? CompanySize.Micro : r < 0.74 ? CompanySize.Small : r < 0.965 ? CompanySize.Medium : CompanySize.Large;
        var primary = PickSpecialization(cluster);
        var trade = TradeOf(primary);
        var (name, individual) = SupplierName(place, trade, size);
        var taxId = NewTaxId(individual);
        var certifications = SupplierCertifications(cluster, trade, size);

        var siteCount = size switch
        {
            CompanySize.Large => 1 + _rng.Next(3),
            CompanySize.Micro => Chance(0.85) ? 1 : 2,
            _ => Pick3(0.65, 0.92),
        };
        // About one supplier in ten is in the cluster's region without being a member there.
        var member = !Chance(0.1);
        var capabilityCount = Math.Min(maxCapabilities, size == CompanySize.Large ? 2 + _rng.Next(3) : Pick4(0.35, 0.65, 0.85));

        var capabilities = new List<SeedCapability>[siteCount];
        for (var i = 0; i < siteCount; i++) capabilities[i] = [];
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (var k = 0; k < capabilityCount; k++)
        {
            var spec = k == 0 || Chance(0.65) ? primary : PickSpecialization(cluster);
            var capability = Capability(spec, size, used);
            capabilities[k == 0 ? 0 : _rng.Next(siteCount)].Add(capability);
        }

        var sites = new List<SeedSite>(siteCount);
        for (var i = 0; i < siteCount; i++)
        {
            var clusterId = member && (i == 0 || Chance(0.85)) ? cluster.Id : (Guid?)null;
            var (lat, lon) = Jitter(cluster.Center, SiteRadiusKm);
            sites.Add(new SeedSite(Id.New(), SiteName(i), lat, lon, clusterId, cluster.RegionCode, capabilities[i]));
        }
        return new SeedCompany(Id.New(), name, taxId, CompanyRole.Supplier, size, certifications, cluster.Key, sites);
    }

    private SeedCompany Anchor(SupplyCluster cluster, AnchorKind kind)
    {
        var place = Place(cluster);
        var form = Pick(["АО", "АО", "АО", "ПАО", "ООО"]);
        var name = $"{form} \"{UniqueName(() =>
        {
            var (gender, phrase) = Split(Pick(kind.Phrases));
            return Chance(0.6) ? $"{Adjective(place.AdjectiveStem, gender)} {phrase}" : $"{place.Brand}{kind.Brand}";
        })}\"";
        var taxId = NewTaxId(false);
        var certifications = new SortedSet<string>(StringComparer.Ordinal) { "ISO9001", "ISO14001" };
        if (Chance(0.8)) certifications.Add("ISO45001");
        if (kind.Certification is { } c) certifications.Add(c);
        var siteCount = Chance(0.45) ? 2 : 1;
        var sites = new List<SeedSite>(siteCount);
        for (var i = 0; i < siteCount; i++)
        {
            var (lat, lon) = Jitter(cluster.Center, AnchorRadiusKm);
            var siteName = i == 0 ? $"Основная производственная площадка, {Street()}" : $"Площадка №{i + 1}, {Street()}";
            sites.Add(new SeedSite(Id.New(), siteName, lat, lon, cluster.Id, cluster.RegionCode, []));
        }
        return new SeedCompany(Id.New(), name, taxId, CompanyRole.Anchor, CompanySize.Large, certifications.ToArray(), cluster.Key, sites);
    }

    private SeedCapability Capability(string spec, CompanySize size, HashSet<string> used)
    {
        var codes = _codesUnder[spec];
        var code = codes[_rng.Next(codes.Length)];
        for (var attempt = 0; attempt < 3 && used.Contains(code); attempt++) code = codes[_rng.Next(codes.Length)];
        used.Add(code);
        var trade = TradeOf(CategoryCode.Group(code));
        var unit = UnitFor(code, trade);
        var (min, max) = unit == trade.Units[0] ? (trade.MinCapacity, trade.MaxCapacity) : UnitRanges.GetValueOrDefault(unit, (1, 1_000));
        var factor = size switch { CompanySize.Micro => 0.2, CompanySize.Small => 0.5, CompanySize.Medium => 1.2, _ => 3.0 };
        var capacity = Nice(Math.Exp(Math.Log(min) + _rng.NextDouble() * (Math.Log(max) - Math.Log(min))) * factor);
        // Local share: the trade's typical value with a wide spread (imported inputs vary a lot).
        var share = Math.Round(Math.Clamp(trade.LocalShare + 0.15 * Normal(), 0, 1), 2);
        var description = Description(trade, code);
        if (Chance(0.12)) description = null;
        return new SeedCapability(Id.New(), code, description, capacity, unit, share);
    }

    /// A description that fits the code: "25.62.1|Токарная ..." applies only under 25.62.1
    /// (OKPD2 codes nest by digits, so a string prefix is the hierarchy here).
    private string? Description(Trade trade, string code)
    {
        if (!_descriptions.TryGetValue(trade, out var all))
        {
            all = trade.Descriptions.Select(d => d.Split('|') is [var prefix, var text] ? (prefix, text) : ((string?)null, d)).ToArray();
            _descriptions[trade] = all;
        }
        Span<int> fitting = stackalloc int[all.Length];
        var count = 0;
        for (var i = 0; i < all.Length; i++)
            if (all[i].Prefix is not { } prefix || code.StartsWith(prefix, StringComparison.Ordinal)) fitting[count++] = i;
        return count > 0 ? all[fitting[_rng.Next(count)]].Text : _okpd2.GetValueOrDefault(code);
    }

    private (string Name, bool Individual) SupplierName(Place place, Trade trade, CompanySize size)
    {
        if (size == CompanySize.Micro && Chance(0.15))
        {
            // An individual entrepreneur (12-digit INN), "ИП Соколова М. А."; namesakes are real life.
            var surname = Pick(Surnames) + (Chance(0.3) ? "а" : "");
            return ($"ИП {surname} {Pick(Initials)}. {Pick(Initials)}.", true);
        }
        var r = _rng.NextDouble();
        var form = size switch
        {
            CompanySize.Micro => "ООО",
            CompanySize.Small => r < 0.94 ? "ООО" : "АО",
            CompanySize.Medium => r < 0.7 ? "ООО" : "АО",
            _ => r < 0.55 ? "АО" : r < 0.65 ? "ПАО" : "ООО",
        };
        return ($"{form} \"{UniqueName(() => InnerName(place, trade, size))}\"", false);
    }

    /// A name (the part in quotes) no other company has: a few fresh draws, then a number, as
    /// the vocabulary is finite and benchmark sizes exhaust it ("Калужская механообработка-7").
    private string UniqueName(Func<string> draw)
    {
        var name = draw();
        for (var attempt = 0; attempt < 4 && _names.Contains(name); attempt++) name = draw();
        if (_names.Add(name)) return name;
        var n = _nameSuffixes.GetValueOrDefault(name, 1);
        string numbered;
        do numbered = $"{name}-{++n}"; while (!_names.Add(numbered));
        _nameSuffixes[name] = n;
        return numbered;
    }

    private string InnerName(Place place, Trade trade, CompanySize size)
    {
        var r = _rng.NextDouble();
        var brand = Pick(trade.Brands);
        if (r < 0.28)
        {
            var (gender, phrase) = Split(Pick(trade.Phrases));
            return $"{Adjective(place.AdjectiveStem, gender)} {phrase}";
        }
        if (r < 0.46)
            return place.Brand.Contains('-') || Chance(0.4) ? $"{brand}-{place.Brand}" : $"{place.Brand}{brand}";
        if (r < 0.60)
        {
            var name = Pick(Prefixes) + brand.ToLowerInvariant();
            return Chance(0.3) ? $"{name}-{place.Brand}" : name;
        }
        if (r < 0.72) return Chance(0.5) ? $"{Pick(Words)}-{place.Brand}" : Pick(Words);
        if (r < 0.84) return $"{place.Latin} {Pick(trade.Latin)}";
        if (r < 0.92 && size != CompanySize.Micro) return $"{(size == CompanySize.Small ? "НПП" : "НПО")} {place.Brand}{brand}";
        var surname = Pick(Surnames);
        return Pick([$"Мастерская {surname}а", $"{surname} и партнёры", $"Производственная компания {surname}а"]);
    }

    private string[] SupplierCertifications(SupplyCluster cluster, Trade trade, CompanySize size)
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        if (Chance(size switch { CompanySize.Micro => 0.3, CompanySize.Small => 0.6, CompanySize.Medium => 0.85, _ => 1.0 }))
            set.Add("ISO9001");
        // The trade's own standard (GMP, AS9100, ...) or, for general trades, the one the
        // cluster's anchors ask of their suppliers (IATF 16949 around a car plant).
        var sector = trade.Certification ?? cluster.AnchorKinds.Select(k => KindCertifications.GetValueOrDefault(k)).FirstOrDefault(c => c is not null);
        var p = sector == "GMP" ? 0.9 : size switch { CompanySize.Micro => 0.1, CompanySize.Small => 0.35, CompanySize.Medium => 0.6, _ => 0.9 };
        if (sector is not null && Chance(p)) set.Add(sector);
        if (size >= CompanySize.Medium && Chance(0.2)) set.Add("ISO14001");
        if (size >= CompanySize.Medium && Chance(0.1)) set.Add("ISO45001");
        return set.ToArray();
    }

    private string PickSpecialization(SupplyCluster cluster)
    {
        var (specs, weights) = _specializations[cluster.Id];
        return specs[PickWeighted(weights)];
    }

    private static Trade TradeOf(string group) => Trades.GetValueOrDefault(group) ?? Generic;

    private string UnitFor(string code, Trade trade)
    {
        for (var prefix = code; ; prefix = prefix[..prefix.LastIndexOf('.')])
        {
            if (UnitOverrides.TryGetValue(prefix, out var unit)) return unit;
            if (CategoryCode.SegmentCount(prefix) <= 2) break;
        }
        return trade.Units.Length == 1 || Chance(0.7) ? trade.Units[0] : trade.Units[1 + _rng.Next(trade.Units.Length - 1)];
    }

    private string SiteName(int index) => index == 0
        ? Chance(0.5) ? "Производственная площадка" : $"Цех, {Street()}"
        : Chance(0.5) ? $"Площадка №{index + 1}" : $"Цех №{index + 1}, {Street()}";

    private string Street() => $"{Pick(Streets)}, {1 + _rng.Next(120)}";

    private static Place Place(SupplyCluster cluster) => Places.GetValueOrDefault(cluster.Key) ?? Fallback;

    private string NewTaxId(bool individual)
    {
        while (true)
        {
            var taxId = TaxId.Generate(_rng, individual);
            if (_taxIds.Add(taxId)) return taxId;
        }
    }

    /// A point at most `maxKm` from the centre (flat-earth offset; under 0.1% off at 40 km),
    /// denser near the centre, as suppliers cluster around their anchors.
    private (double Lat, double Lon) Jitter(GeoPoint center, double maxKm)
    {
        var d = maxKm * _rng.NextDouble();
        var bearing = 2 * Math.PI * _rng.NextDouble();
        var lat = center.Lat + d * Math.Cos(bearing) / KmPerDegree;
        var lon = center.Lon + d * Math.Sin(bearing) / (KmPerDegree * Math.Cos(center.Lat * Math.PI / 180));
        return (Math.Round(lat, 6), Math.Round(lon, 6));
    }

    /// Two significant digits for big numbers (a capacity of 12,000, not 12,345.678).
    private static double Nice(double x)
    {
        if (x >= 100)
        {
            var magnitude = Math.Pow(10, Math.Floor(Math.Log10(x)) - 1);
            return Math.Round(x / magnitude) * magnitude;
        }
        return x >= 10 ? Math.Round(x) : Math.Max(0.1, Math.Round(x, 1));
    }

    private double Normal() =>
        Math.Sqrt(-2 * Math.Log(1 - _rng.NextDouble())) * Math.Cos(2 * Math.PI * _rng.NextDouble());

    private bool Chance(double p) => _rng.NextDouble() < p;

    private T Pick<T>(IReadOnlyList<T> items) => items[_rng.Next(items.Count)];

    private int Pick3(double p1, double p2)
    {
        var r = _rng.NextDouble();
        return r < p1 ? 1 : r < p2 ? 2 : 3;
    }

    private int Pick4(double p1, double p2, double p3)
    {
        var r = _rng.NextDouble();
        return r < p1 ? 1 : r < p2 ? 2 : r < p3 ? 3 : 4;
    }

    private int PickWeighted(double[] weights)
    {
        var total = 0.0;
        foreach (var w in weights) total += w;
        var x = _rng.NextDouble() * total;
        for (var i = 0; i < weights.Length; i++)
        {
            x -= weights[i];
            if (x < 0) return i;
        }
        return weights.Length - 1;
    }

    private T[] Shuffled<T>(IReadOnlyList<T> items)
    {
        var copy = items.ToArray();
        for (var i = copy.Length - 1; i > 0; i--)
        {
            var j = _rng.Next(i + 1);
            (copy[i], copy[j]) = (copy[j], copy[i]);
        }
        return copy;
    }
}
