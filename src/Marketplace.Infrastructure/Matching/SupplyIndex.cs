using System.Collections.Concurrent;
using System.Text.Json;
using Marketplace.Domain.Catalog;
using Marketplace.Domain.Matching;
using Marketplace.Infrastructure.Database;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Marketplace.Infrastructure.Matching;

/// The position of a match in matching.md's order: what a matches cursor encodes.
public readonly record struct MatchKey(double Score, double Localization, double DistanceKm, Guid CompanyId);

/// Where a full load spent its time: the feed position, the company rows, the capability rows
/// (with their sites), the catalog items, and building the buckets' trees.
public sealed record LoadStats(TimeSpan Feed, TimeSpan Companies, TimeSpan Capabilities, TimeSpan Catalog, TimeSpan Build);

/// One page of ranked matches (at most `limit`) and whether more follow.
public sealed record MatchPage(IReadOnlyList<Match> Items, bool HasMore);

/// Everything a query reads, published whole: a writer builds the next one beside it (sharing
/// whatever did not change) and swaps the reference, so queries never wait and never see half a change.
internal sealed class SupplySnapshot(CompanyTable companies, CompanyIds companyIds, string[][] certSets,
    Dictionary<string, CandidateGroup> groups, Dictionary<int, SkuTable> catalogs)
{
    public static readonly SupplySnapshot Empty = new(CompanyTable.Empty, new CompanyIds(), [], new(StringComparer.Ordinal), []);

    public CompanyTable Companies => companies;
    public CompanyIds CompanyIds => companyIds;
    public string[][] CertSets => certSets;
    public Dictionary<string, CandidateGroup> Groups => groups;
    /// Each wholesaler's (by company index) candidate items' skus; a catalog row's CapLo is a rank here.
    public Dictionary<int, SkuTable> Catalogs => catalogs;
    public int Count { get; } = groups.Values.Sum(g => g.Count);
    public int CatalogItemCount { get; } = catalogs.Values.Sum(t => t.Count);
}

/// The supply candidates (capabilities and catalog items) that matching ranks, held in memory and
/// kept fresh from the change feed. No SQL runs per query. See docs/adr/0006-matching-index.md and
/// docs/adr/0009-catalog-matching.md.
public sealed class SupplyIndex(Db db, ILogger<SupplyIndex> logger)
{
    public SupplyIndex(Db db)
        : this(db, NullLogger<SupplyIndex>.Instance)
    {
    }

    private readonly SemaphoreSlim _writer = new(1, 1);
    // Interned codes, append-only and shared by every snapshot (0 = none).
    private readonly ConcurrentDictionary<string, int> _units = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _regions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, int> _clusters = new();
    // Certification sets by their stored JSON and by their content (writer only).
    private readonly Dictionary<string, int> _certsByJson = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _certsByContent = new(StringComparer.Ordinal);
    private readonly List<string[]> _certSets = [];
    private volatile SupplySnapshot _snapshot = SupplySnapshot.Empty;
    private long _loadedThrough;

    public long LoadedThroughToken => Interlocked.Read(ref _loadedThrough);

    /// Every candidate: capabilities and catalog items.
    public int Count => _snapshot.Count;

    public int CatalogItemCount => _snapshot.CatalogItemCount;

    /// Where the last full load spent its time, and the index's own estimate of its arrays.
    public LoadStats? LastLoad { get; private set; }

    public long EstimatedBytes
    {
        get
        {
            var s = _snapshot;
            return s.Companies.MemoryBytes + s.CompanyIds.MemoryBytes + s.Groups.Values.Sum(g => g.Buckets.Sum(b => b.MemoryBytes))
                + s.Catalogs.Values.Sum(t => t.MemoryBytes);
        }
    }

    /// How many candidates the group of this category code holds (the benchmarks' denominator).
    public int GroupCount(string categoryCode) =>
        _snapshot.Groups.TryGetValue(CategoryCode.Group(categoryCode), out var g) ? g.Count : 0;

    /// Loads every candidate; answers how many.
    public async Task<int> LoadAsync(CancellationToken ct)
    {
        await _writer.WaitAsync(ct);
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await using var connection = await db.OpenAsync(ct);
            // The feed position first (read through the feed, so never past a change still in flight):
            // a change committed while loading is then seen again, never missed.
            var last = LoadedThroughToken;
            for (IReadOnlyList<Change> page; (page = await ChangeFeed.ReadAsync(connection, db.Dialect, last, 10_000, ct)).Count > 0;)
                last = page[^1].Token;

            var feed = clock.Elapsed;
            // Companies and sites side by side on their own connections, then the capabilities.
            var companies = new CompanyTableWriter(CompanyTable.Empty);
            var ids = new CompanyIds();
            Dictionary<Guid, (double Lat, double Lon, int Cluster, int Region)>? sites = [];
            await Task.WhenAll(
                Task.Run(async () =>
                {
                    await using var c = await db.OpenAsync(ct);
                    await SupplyRows.AllCompaniesAsync(c, company => Upsert(companies, ids, company), ct);
                }, ct),
                Task.Run(async () =>
                {
                    await using var c = await db.OpenAsync(ct);
                    await SupplyRows.AllSitesAsync(c, (id, site) =>
                        sites![id] = (site.Lat, site.Lon, ClusterCode(site.ClusterId), RegionCode(site.RegionCode)), ct);
                }, ct));
            var companiesRead = clock.Elapsed;
            Builders? builders = new(null);
            await SupplyRows.AllCapabilitiesAsync(connection, k =>
            {
                var company = Find(ids, companies, k.CompanyId);
                // Company and site rows are always there (foreign keys); one written after the reads
                // above comes with a change the next catch-up applies.
                if (company < 0 || !sites!.TryGetValue(k.SiteId, out var site)) return;
                Add(builders!, k.Id, k.SiteId, k.CategoryCode, k.Capacity, k.Unit, k.LocalShare, site.Lat, site.Lon, site.Cluster,
                    site.Region, company);
            }, ct);
            var capabilitiesRead = clock.Elapsed;
            // Catalog items at their warehouse sites, straight into their groups; each wholesaler's skus
            // are ranked once all are read.
            Dictionary<Guid, CatalogSkus>? skus = [];
            await SupplyRows.AllCatalogItemsAsync(connection, item =>
            {
                var company = Find(ids, companies, item.WholesalerId);
                if (company < 0 || !sites!.TryGetValue(item.SiteId, out var site)) return;
                if (!skus!.TryGetValue(item.WholesalerId, out var catalog)) skus[item.WholesalerId] = catalog = new CatalogSkus(company);
                AddItem(builders!, catalog, item, site.Lat, site.Lon, site.Cluster, site.Region);
            }, ct);
            var catalogs = Rank(builders, skus.Values, []);
            // The lambdas share one closure, which a pool thread may keep for a while: let go of the
            // temporary tables explicitly.
            sites = null;
            skus = null;
            var catalogRead = clock.Elapsed;
            var groups = Build(builders.Groups, new(StringComparer.Ordinal));
            builders = null;
            var snapshot = new SupplySnapshot(companies.Finish(), ids, [.. _certSets], groups, catalogs);
            _snapshot = snapshot;
            Interlocked.Exchange(ref _loadedThrough, last);
            LastLoad = new LoadStats(feed, companiesRead - feed, capabilitiesRead - companiesRead, catalogRead - capabilitiesRead,
                clock.Elapsed - catalogRead);
            return snapshot.Count;
        }
        finally
        {
            _writer.Release();
        }
    }

    /// Follows the change feed from LoadedThroughToken and applies what changed: a company's facts,
    /// a site's capabilities and catalog items (their positions), a capability (created, replaced or
    /// deleted), a wholesaler's catalog (all its items replaced). Queries keep running on the
    /// previous snapshot.
    public async Task CatchUpAsync(CancellationToken ct)
    {
        await _writer.WaitAsync(ct);
        try
        {
            await using var connection = await db.OpenAsync(ct);
            while (true)
            {
                var from = LoadedThroughToken;
                var changes = await ChangeFeed.ReadAsync(connection, db.Dialect, from, 10_000, ct);
                if (changes.Count == 0) return;
                HashSet<Guid> companies = [], sites = [], capabilities = [], catalogs = [];
                foreach (var change in changes)
                {
                    switch (change.Kind)
                    {
                        case ChangeKinds.Company: companies.Add(change.EntityId); break;
                        case ChangeKinds.Site: sites.Add(change.EntityId); break;
                        case ChangeKinds.Capability: capabilities.Add(change.EntityId); break;
                        case ChangeKinds.Catalog: catalogs.Add(change.EntityId); break;
                    }
                }
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var items = await ApplyAsync(connection, companies, sites, capabilities, catalogs, ct);
                Interlocked.Exchange(ref _loadedThrough, changes[^1].Token);
                // A catalog reload reads and sorts up to millions of items: worth a line.
                if (catalogs.Count > 0)
                    logger.LogInformation(
                        "Matching index applied {Changes} changes in {Milliseconds:F0} ms, {Catalogs} catalogs reloaded ({Items} candidate items)",
                        changes.Count, clock.Elapsed.TotalMilliseconds, catalogs.Count, items);
            }
        }
        finally
        {
            _writer.Release();
        }
    }

    /// The matches after `after` (null: from the top), at most `limit`.
    public MatchPage Query(MatchNeed need, MatchOptions options, int limit, MatchKey? after)
    {
        var snapshot = _snapshot;
        if (!snapshot.Groups.TryGetValue(CategoryCode.Group(need.CategoryCode), out var group)
            || !_units.TryGetValue(need.Unit, out var unit)
            || (after is { } key && double.IsNaN(key.Score)))
            return new MatchPage([], false);
        int[] buckets;
        var catalog = options.IncludeCatalog;
        switch (need.Scope)
        {
            case MatchScope.Cluster:
                buckets = need.DeliveryClusterId is { } cluster && _clusters.TryGetValue(cluster, out var c) ? group.InCluster(c, catalog) : [];
                break;
            case MatchScope.Region:
                buckets = _regions.TryGetValue(need.DeliveryRegionCode, out var r) ? group.InRegion(r, catalog) : [];
                break;
            case MatchScope.Radius when need.RadiusKm is null:
                buckets = [];
                break;
            default:
                buckets = group.All(catalog);
                break;
        }
        if (buckets.Length == 0) return new MatchPage([], false);

        var (ownerHi, ownerLo) = Domain.Id.Split(need.OwnerId);
        var owner = snapshot.CompanyIds.Find(ownerHi, ownerLo, snapshot.Companies);
        var capacity = Math.Max(1, limit + 1);
        var search = new SupplySearch(need, options, group, snapshot.Companies, snapshot.CertSets, unit, owner, capacity, after);
        var found = search.Run(buckets);
        var hits = search.Hits;
        var w = need.NormalizedWeights;
        var items = new List<Match>(Math.Min(found, Math.Max(0, limit)));
        for (var i = 0; i < hits.Length && i < limit; i++)
        {
            ref readonly var h = ref hits[i];
            var bucket = group.Buckets[h.Bucket];
            var share = bucket.LocalShare[h.Pos];
            // A catalog item: no capability id, its sku from its wholesaler's table (matching.md, Explanation).
            var item = bucket.Catalog;
            items.Add(new Match(item ? CandidateKind.CatalogItem : CandidateKind.Capability, Domain.Id.Join(h.CoHi, h.CoLo),
                snapshot.Companies.Name(h.Company), CompanyInfo.Size(snapshot.Companies.Info(h.Company)),
                Domain.Id.Join(bucket.SiteHi[h.Pos], bucket.SiteLo[h.Pos]), item ? null : Domain.Id.Join(h.CapHi, h.CapLo),
                item ? snapshot.Catalogs[h.Company].Sku((int)h.CapLo) : null, group.Codes[bucket.Code[h.Pos]], h.S, h.P, h.C, h.G, h.D,
                h.M, h.K, share, MatchFormula.GainPoints(need.AnnualValue, share, need.CurrentLocalShare, need.OwnerAnnualSpend), w));
        }
        return new MatchPage(items, found > limit);
    }

    public static MatchKey KeyOf(Match m) => new(m.Score, m.Localization, m.DistanceKm, m.CompanyId);

    /// Whether m comes strictly after the key in matching.md's order.
    public static bool After(Match m, MatchKey key)
    {
        if (m.Score != key.Score) return m.Score < key.Score;
        if (m.Localization != key.Localization) return m.Localization < key.Localization;
        if (m.DistanceKm != key.DistanceKm) return m.DistanceKm > key.DistanceKm;
        return string.CompareOrdinal(Domain.Id.Format(m.CompanyId), Domain.Id.Format(key.CompanyId)) > 0;
    }

    /// Answers how many candidate items the reloaded catalogs hold.
    private async Task<int> ApplyAsync(System.Data.Common.DbConnection connection, HashSet<Guid> companyIds, HashSet<Guid> siteIds,
        HashSet<Guid> capabilityIds, HashSet<Guid> catalogIds, CancellationToken ct)
    {
        var snapshot = _snapshot;
        var companies = new CompanyTableWriter(snapshot.Companies);
        var ids = snapshot.CompanyIds;
        if (companyIds.Count > 0)
            await foreach (var c in SupplyRows.CompaniesAsync(connection, companyIds, ct)) Upsert(companies, ids, c);

        // The current rows of the changed capabilities and of every capability at a changed site;
        // a changed id without a row was deleted.
        var rows = new Dictionary<Guid, CapabilityFacts>();
        if (capabilityIds.Count > 0)
            await foreach (var k in SupplyRows.CapabilitiesAsync(connection, capabilityIds, ct)) rows[k.Id] = k;
        if (siteIds.Count > 0)
            await foreach (var k in SupplyRows.CapabilitiesAtSitesAsync(connection, siteIds, ct)) rows[k.Id] = k;
        var missing = rows.Values.Select(k => k.CompanyId).Concat(catalogIds).Where(id => Find(ids, companies, id) < 0).ToHashSet();
        if (missing.Count > 0)
            await foreach (var c in SupplyRows.CompaniesAsync(connection, missing, ct)) Upsert(companies, ids, c);
        // The changed sites as they are now: catalog items there are moved in memory (the database
        // has no index of items by warehouse site, and their own rows did not change).
        var sites = new Dictionary<Guid, SiteFacts>();
        if (siteIds.Count > 0)
            await foreach (var (id, site) in SupplyRows.SitesAsync(connection, siteIds, ct)) sites[id] = site;

        var groups = snapshot.Groups;
        var catalogs = snapshot.Catalogs;
        var items = 0;
        if (capabilityIds.Count > 0 || siteIds.Count > 0 || rows.Count > 0 || catalogIds.Count > 0)
        {
            var builders = new Builders(snapshot.Groups);
            // A changed catalog is read again whole and replaces every item of that wholesaler.
            var reloaded = new HashSet<int>();
            if (catalogIds.Count > 0)
            {
                var read = new List<CatalogSkus>();
                foreach (var wholesaler in catalogIds)
                {
                    var company = Find(ids, companies, wholesaler);
                    if (company < 0) continue;
                    reloaded.Add(company);
                    read.Add(await ReadCatalogAsync(connection, builders, wholesaler, company, ct));
                    items += read[^1].Skus.Count;
                }
                catalogs = Rank(builders, read, new Dictionary<int, SkuTable>(catalogs));
            }
            // The old copies: every capability with a changed id or at a changed site (also one that has
            // since moved away from it, or whose group changed) is taken out, and its current row, if
            // any, goes back in; every item of a reloaded catalog is taken out, and an item at a changed
            // site goes back in at the site's new place.
            var gone = new IdSet(capabilityIds.Concat(rows.Keys));
            var moved = new IdSet(siteIds);
            var movedItems = new IdSet(sites.Keys);
            foreach (var (name, group) in snapshot.Groups)
            {
                for (var b = 0; b < group.Buckets.Length; b++)
                {
                    var bucket = group.Buckets[b];
                    List<int>? removed = null;
                    if (!bucket.Catalog)
                    {
                        for (var i = 0; i < bucket.Count; i++)
                            if (gone.Contains(bucket.CapHi[i], bucket.CapLo[i]) || moved.Contains(bucket.SiteHi[i], bucket.SiteLo[i]))
                                (removed ??= []).Add(i);
                    }
                    else if (reloaded.Count > 0 || sites.Count > 0)
                    {
                        for (var i = 0; i < bucket.Count; i++)
                        {
                            if (reloaded.Contains(bucket.Company[i])) (removed ??= []).Add(i);
                            else if (movedItems.Contains(bucket.SiteHi[i], bucket.SiteLo[i]))
                            {
                                (removed ??= []).Add(i);
                                var site = sites[Domain.Id.Join(bucket.SiteHi[i], bucket.SiteLo[i])];
                                var row = bucket.Row(i);
                                Place(ref row, site.Lat, site.Lon);
                                builders.Group(name).Add(ClusterCode(site.ClusterId), RegionCode(site.RegionCode), true, row);
                            }
                        }
                    }
                    if (removed is null) continue;
                    builders.Group(name).Remove(b, removed);
                }
            }
            foreach (var k in rows.Values)
            {
                var company = Find(ids, companies, k.CompanyId);
                if (company >= 0)
                    Add(builders, k.Id, k.SiteId, k.CategoryCode, k.Capacity, k.Unit, k.LocalShare, k.Lat, k.Lon, ClusterCode(k.ClusterId),
                        RegionCode(k.RegionCode), company);
            }
            groups = Build(builders.Groups, snapshot.Groups);
        }
        _snapshot = new SupplySnapshot(companies.Finish(), ids, [.. _certSets], groups, catalogs);
        return items;
    }

    /// One wholesaler's candidate items, streamed by one query, into `builders`; answers its skus.
    /// Warehouse sites are the wholesaler's own (the import checks it): read first, so that each row
    /// is placed as it arrives; an item at any other site is placed after the stream.
    private async Task<CatalogSkus> ReadCatalogAsync(System.Data.Common.DbConnection connection, Builders builders, Guid wholesaler,
        int company, CancellationToken ct)
    {
        var sites = new Dictionary<Guid, (double Lat, double Lon, int Cluster, int Region)>();
        await foreach (var (id, site) in SupplyRows.SitesOfCompanyAsync(connection, wholesaler, ct))
            sites[id] = (site.Lat, site.Lon, ClusterCode(site.ClusterId), RegionCode(site.RegionCode));
        var skus = new CatalogSkus(company);
        List<CatalogFacts>? elsewhere = null;
        await SupplyRows.CatalogItemsAsync(connection, wholesaler, item =>
        {
            if (sites.TryGetValue(item.SiteId, out var site)) AddItem(builders, skus, item, site.Lat, site.Lon, site.Cluster, site.Region);
            else (elsewhere ??= []).Add(item);
        }, ct);
        if (elsewhere is not null)
        {
            await foreach (var (id, site) in SupplyRows.SitesAsync(connection, elsewhere.Select(i => i.SiteId).ToHashSet(), ct))
                sites[id] = (site.Lat, site.Lon, ClusterCode(site.ClusterId), RegionCode(site.RegionCode));
            foreach (var item in elsewhere)
                if (sites.TryGetValue(item.SiteId, out var site)) AddItem(builders, skus, item, site.Lat, site.Lon, site.Cluster, site.Region);
        }
        return skus;
    }

    /// Ranks each read catalog's skus into `catalogs` (an empty catalog leaves it) and, where rows did
    /// not arrive in sku order, turns their arrival numbers into ranks.
    private static Dictionary<int, SkuTable> Rank(Builders builders, IEnumerable<CatalogSkus> read, Dictionary<int, SkuTable> catalogs)
    {
        Dictionary<int, int[]>? renumber = null;
        foreach (var skus in read)
        {
            var (table, rankOf) = skus.Skus.Build();
            if (rankOf is not null) (renumber ??= [])[skus.Company] = rankOf;
            if (table.Count > 0) catalogs[skus.Company] = table;
            else catalogs.Remove(skus.Company);
        }
        if (renumber is not null)
            foreach (var group in builders.Groups.Values) group.Renumber(renumber);
        return catalogs;
    }

    private static int Find(CompanyIds ids, CompanyTableWriter companies, Guid id)
    {
        var (hi, lo) = Domain.Id.Split(id);
        return ids.Find(hi, lo, companies);
    }

    private void Upsert(CompanyTableWriter companies, CompanyIds ids, CompanyFacts c)
    {
        var (hi, lo) = Domain.Id.Split(c.Id);
        var info = CompanyInfo.Pack(c.Active, c.Roles, c.Size, CertSet(c.Certifications));
        var existing = ids.Find(hi, lo, companies);
        if (existing >= 0) companies.Set(existing, hi, lo, c.Name, info);
        else ids.Add(companies.Append(hi, lo, c.Name, info), companies);
    }

    private int CertSet(string json)
    {
        if (_certsByJson.TryGetValue(json, out var set)) return set;
        var codes = (JsonSerializer.Deserialize<string[]>(json) ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var content = string.Join(',', codes);
        if (!_certsByContent.TryGetValue(content, out set))
        {
            set = _certSets.Count;
            _certSets.Add(codes);
            _certsByContent[content] = set;
        }
        _certsByJson[json] = set;
        return set;
    }

    private void Add(Builders builders, Guid id, Guid siteId, string categoryCode, double capacity, string unit, double localShare,
        double lat, double lon, int cluster, int region, int company)
    {
        var (capHi, capLo) = Domain.Id.Split(id);
        var (builder, row) = Row(builders, capHi, capLo, siteId, categoryCode, capacity, unit, localShare, lat, lon, company);
        builder.Add(cluster, region, false, row);
    }

    /// A catalog item as a candidate (matching.md: stock as capacity, the warehouse site's place),
    /// numbered by its arrival in `skus` until Rank makes that its sku's rank.
    private void AddItem(Builders builders, CatalogSkus skus, CatalogFacts item, double lat, double lon, int cluster, int region)
    {
        var (builder, row) = Row(builders, 0, (ulong)skus.Skus.Add(item.Sku), item.SiteId, item.CategoryCode, item.Stock, item.Unit,
            item.LocalShare, lat, lon, skus.Company);
        builder.Add(cluster, region, true, row);
    }

    private (GroupBuilder Builder, CandidateRow Row) Row(Builders builders, ulong idHi, ulong idLo, Guid siteId, string categoryCode,
        double capacity, string unit, double localShare, double lat, double lon, int company)
    {
        var (builder, code) = builders.ForCode(categoryCode);
        var (siteHi, siteLo) = Domain.Id.Split(siteId);
        var row = new CandidateRow
        {
            CapHi = idHi, CapLo = idLo, SiteHi = siteHi, SiteLo = siteLo, Company = company, Capacity = capacity,
            LocalShare = localShare, Code = code, Unit = Intern16(_units, unit),
        };
        Place(ref row, lat, lon);
        return (builder, row);
    }

    private static void Place(ref CandidateRow row, double lat, double lon)
    {
        row.Phi = MatchFormula.Rad(lat);
        row.CosPhi = Math.Cos(row.Phi);
        row.Lam = MatchFormula.Rad(lon);
    }

    private int ClusterCode(Guid? id) => id is { } cluster ? _clusters.GetOrAdd(cluster, _ => _clusters.Count + 1) : 0;

    private int RegionCode(string region) => _regions.GetOrAdd(region, _ => _regions.Count + 1);

    private static ushort Intern16(ConcurrentDictionary<string, int> codes, string s)
    {
        var code = codes.GetOrAdd(s, _ => codes.Count + 1);
        return code <= ushort.MaxValue ? (ushort)code : throw new InvalidOperationException($"More than {ushort.MaxValue} distinct units.");
    }

    private static Dictionary<string, CandidateGroup> Build(Dictionary<string, GroupBuilder> builders, Dictionary<string, CandidateGroup> current)
    {
        var groups = new Dictionary<string, CandidateGroup>(current, StringComparer.Ordinal);
        var built = builders.Values.Select(b => (b.Name, Group: b.Build())).ToList();
        foreach (var (name, group) in built)
        {
            if (group.Count == 0) groups.Remove(name);
            else groups[name] = group;
        }
        return groups;
    }

    /// The groups a load or a batch of changes builds, and each category code's group and index
    /// (one lookup per row instead of cutting the group out of the code).
    private sealed class Builders(Dictionary<string, CandidateGroup>? current)
    {
        private readonly Dictionary<string, (GroupBuilder Group, ushort Code)> _codes = new(StringComparer.Ordinal);

        public Dictionary<string, GroupBuilder> Groups { get; } = new(StringComparer.Ordinal);

        public GroupBuilder Group(string name)
        {
            if (!Groups.TryGetValue(name, out var builder))
                Groups[name] = builder = new GroupBuilder(name, current?.GetValueOrDefault(name));
            return builder;
        }

        public (GroupBuilder Group, ushort Code) ForCode(string categoryCode)
        {
            if (!_codes.TryGetValue(categoryCode, out var entry))
            {
                var group = Group(CategoryCode.Group(categoryCode));
                _codes[categoryCode] = entry = (group, group.Code(categoryCode));
            }
            return entry;
        }
    }

    /// One wholesaler's skus while its items are read (Rank ranks them).
    private sealed record CatalogSkus(int Company)
    {
        public SkuTable.Builder Skus { get; } = new();
    }

    /// The next version of one group: new rows and removals per bucket; untouched buckets are shared.
    private sealed class GroupBuilder(string name, CandidateGroup? old)
    {
        private readonly List<string> _codes = [.. old?.Codes ?? []];
        private readonly Dictionary<string, int> _codeIndex = old is null ? new(StringComparer.Ordinal)
            : old.Codes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        private readonly Dictionary<(int Cluster, int Region, bool Catalog), RowList> _added = [];
        private readonly Dictionary<int, List<int>> _removed = [];

        public string Name => name;

        public ushort Code(string code)
        {
            if (!_codeIndex.TryGetValue(code, out var i))
            {
                i = _codes.Count;
                if (i > ushort.MaxValue) throw new InvalidOperationException($"More than {ushort.MaxValue + 1} codes in group {name}.");
                _codes.Add(code);
                _codeIndex[code] = i;
            }
            return (ushort)i;
        }

        public void Add(int cluster, int region, bool catalog, CandidateRow row)
        {
            if (!_added.TryGetValue((cluster, region, catalog), out var list)) _added[(cluster, region, catalog)] = list = new RowList();
            list.Add(row);
        }

        /// Turns the arrival numbers of these companies' added catalog items into their skus' ranks.
        public void Renumber(Dictionary<int, int[]> rankOf)
        {
            foreach (var (key, rows) in _added)
                if (key.Catalog) rows.Renumber(rankOf);
        }

        /// `positions` ascending.
        public void Remove(int bucket, List<int> positions) => _removed[bucket] = positions;

        public CandidateGroup Build()
        {
            var buckets = new List<CandidateBucket>();
            var work = new List<(int Cluster, int Region, bool Catalog, CandidateBucket? Old, List<int>? Removed, RowList? Added)>();
            var oldBuckets = old?.Buckets ?? [];
            var byKey = new Dictionary<(int, int, bool), int>();
            for (var b = 0; b < oldBuckets.Length; b++)
            {
                var bucket = oldBuckets[b];
                var key = (bucket.Cluster, bucket.Region, bucket.Catalog);
                byKey[key] = b;
                var removed = _removed.GetValueOrDefault(b);
                var added = _added.GetValueOrDefault(key);
                if (removed is null && added is null) buckets.Add(bucket);
                else work.Add((bucket.Cluster, bucket.Region, bucket.Catalog, bucket, removed, added));
            }
            foreach (var (key, added) in _added)
                if (!byKey.ContainsKey(key)) work.Add((key.Cluster, key.Region, key.Catalog, null, null, added));
            _added.Clear();
            // Two cores: the trees of a full load build side by side, each from rows gathered into one
            // array of the exact size just before (a million-item catalog's rows then exist twice at
            // most, not in every copy a growing list leaves behind). Each input is dropped once built:
            // a pool thread may keep the last work item (and so this closure) alive for a while.
            var items = work.ToArray();
            work.Clear();
            var built = new CandidateBucket?[items.Length];
            Parallel.For(0, items.Length, i =>
            {
                var (cluster, region, catalog, bucket, removed, added) = items[i];
                items[i] = default;
                var count = (bucket?.Count ?? 0) - (removed?.Count ?? 0) + (added?.Count ?? 0);
                if (count == 0) return;
                var rows = new CandidateRow[count];
                var at = 0;
                // Removed positions come ascending: one merge walk (a whole catalog may go at once).
                for (int p = 0, next = 0; p < (bucket?.Count ?? 0); p++)
                {
                    if (removed is not null && next < removed.Count && removed[next] == p) next++;
                    else rows[at++] = bucket!.Row(p);
                }
                added?.MoveTo(rows, at);
                built[i] = new CandidateBucket(cluster, region, catalog, rows, count);
            });
            foreach (var bucket in built)
                if (bucket is not null) buckets.Add(bucket);
            return new CandidateGroup(name, [.. _codes], [.. buckets]);
        }
    }

    /// Rows appended in chunks small enough to stay off the large object heap: a million-row list
    /// never doubles (copying itself and leaving the old array behind), and MoveTo lets go of each
    /// chunk once copied.
    private sealed class RowList
    {
        private const int ChunkRows = 256; // 22.5 KB

        private readonly List<CandidateRow[]> _chunks = [];

        public int Count { get; private set; }

        public void Add(in CandidateRow row)
        {
            var at = Count % ChunkRows;
            if (at == 0) _chunks.Add(new CandidateRow[ChunkRows]);
            _chunks[^1][at] = row;
            Count++;
        }

        /// The catalog items of the companies in `rankOf` get their sku's rank for their arrival number.
        public void Renumber(Dictionary<int, int[]> rankOf)
        {
            for (var i = 0; i < Count; i++)
            {
                ref var row = ref _chunks[i / ChunkRows][i % ChunkRows];
                if (rankOf.TryGetValue(row.Company, out var ranks)) row.CapLo = (ulong)ranks[(int)row.CapLo];
            }
        }

        /// Copies the rows to `target` from `at`, emptying the list.
        public void MoveTo(CandidateRow[] target, int at)
        {
            for (var c = 0; c < _chunks.Count; c++)
            {
                var n = Math.Min(ChunkRows, Count - c * ChunkRows);
                _chunks[c].AsSpan(0, n).CopyTo(target.AsSpan(at));
                at += n;
                _chunks[c] = null!;
            }
            _chunks.Clear();
            Count = 0;
        }
    }

    /// A set of ids for one pass over every candidate: a 64 Kibit filter on the low bits answers
    /// most lookups without touching the hash set.
    private sealed class IdSet
    {
        private readonly ulong[] _filter = new ulong[1024];
        private readonly HashSet<UInt128> _ids = [];

        public IdSet(IEnumerable<Guid> ids)
        {
            foreach (var id in ids)
            {
                var (hi, lo) = Domain.Id.Split(id);
                if (_ids.Add(new UInt128(hi, lo))) _filter[(lo >> 6) & 1023] |= 1UL << (int)(lo & 63);
            }
        }

        public bool Contains(ulong hi, ulong lo) =>
            _ids.Count > 0 && (_filter[(lo >> 6) & 1023] & (1UL << (int)(lo & 63))) != 0 && _ids.Contains(new UInt128(hi, lo));
    }
}
