using System.Globalization;
using System.Text.Json;
using Dapper;
using Marketplace.Api.Tests.Catalog;
using Marketplace.Domain;
using Marketplace.Domain.Companies;
using Marketplace.Domain.Matching;
using Marketplace.Infrastructure.Catalog;
using Marketplace.Infrastructure.Database;
using Marketplace.Infrastructure.Seeding;

namespace Marketplace.Api.Tests.Matching;

/// A random supply written straight into the database (with its change rows) and kept in memory as
/// MatchFormula's candidates, so that the index can be compared with the reference implementation.
/// Few distinct positions, shares and capacities, so that scores, distances and whole keys tie; the
/// wholesalers' catalog items tie with each other and with their company's capabilities too, and
/// their skus differ in case and accents, so that the tie-break by kind and ordinal sku is exercised.
public sealed class SupplyModel
{
    public static readonly string[] Codes = ["25.62", "25.62.1", "25.62.10", "25.62.10.110", "25.62.2", "25.62.20", "25.61.11", "28.41.1"];
    public static readonly string[] NeedCodes = ["25.62", "25.62.10", "25.62.10.110", "25.62.1", "25.61.11.000", "28.41"];
    public static readonly string[] Certs = ["GMP", "IATF16949", "ISO9001"];
    private static readonly double[] Shares = [0, 0.2, 0.3, 0.5, 0.8, 1.0];
    private static readonly double[] Capacities = [50, 100, 500, 1000];
    private static readonly decimal?[] ItemShares = [null, 0m, 0.2m, 0.3m, 0.5m, 0.8m, 1m, 0.123456789012345m, 0.3333333333m];
    private static readonly long[] Stocks = [0, 50, 100, 500, 1000, 123_456_789];
    private static readonly string[] SkuStems = ["a", "A", "b", "B", "é", "Z", "9", "10", "sku"];

    public sealed record ClusterInfo(Guid Id, string Region, double Lat, double Lon);

    public sealed class CompanyState
    {
        public required Guid Id { get; init; }
        public required string Name { get; init; }
        public CompanyRole Roles { get; set; }
        public CompanySize Size { get; set; }
        public string[] Certifications { get; set; } = [];
        public bool Active { get; set; } = true;
    }

    public sealed class SiteState
    {
        public required Guid Id { get; init; }
        public required CompanyState Company { get; init; }
        public double Lat { get; set; }
        public double Lon { get; set; }
        public Guid? ClusterId { get; set; }
        public string Region { get; set; } = "";
    }

    public sealed class CapabilityState
    {
        public required Guid Id { get; init; }
        public required SiteState Site { get; set; }
        public string Code { get; set; } = "";
        public double Capacity { get; set; }
        public string Unit { get; set; } = "PCE";
        public double Share { get; set; }
    }

    /// A catalog item: a candidate only with stock, a local share and a warehouse site (matching.md).
    public sealed class ItemState
    {
        public required CompanyState Company { get; init; }
        public required string Sku { get; init; }
        public string Code { get; set; } = "";
        public string Unit { get; set; } = "PCE";
        public long Stock { get; set; }
        public decimal? Share { get; set; }
        public SiteState? Site { get; set; }

        public bool IsCandidate => Stock > 0 && Share is not null && Site is not null;
    }

    private readonly Random _rng;
    private readonly HashSet<string> _taxIds = [];

    public SupplyModel(int seed, IReadOnlyList<ClusterInfo> clusters)
    {
        _rng = new Random(seed);
        Clusters = clusters;
    }

    public IReadOnlyList<ClusterInfo> Clusters { get; }
    public List<CompanyState> Companies { get; } = [];
    public List<SiteState> Sites { get; } = [];
    public List<CapabilityState> Capabilities { get; } = [];
    public List<ItemState> Items { get; } = [];

    /// The reference's input: one Candidate per capability and per candidate item (its local share
    /// converted to the nearest double through its decimal text).
    public List<Candidate> Candidates() => Capabilities.Select(k => new Candidate(CandidateKind.Capability, k.Site.Company.Id,
        k.Site.Company.Name, k.Site.Company.Size, k.Site.Company.Active, k.Site.Company.Roles,
        k.Site.Company.Certifications.ToHashSet(StringComparer.Ordinal), k.Site.Id, k.Site.Lat, k.Site.Lon, k.Site.ClusterId,
        k.Site.Region, k.Id, null, k.Code, k.Capacity, k.Unit, k.Share))
        .Concat(Items.Where(i => i.IsCandidate).Select(i => new Candidate(CandidateKind.CatalogItem, i.Company.Id, i.Company.Name,
            i.Company.Size, i.Company.Active, i.Company.Roles, i.Company.Certifications.ToHashSet(StringComparer.Ordinal), i.Site!.Id,
            i.Site.Lat, i.Site.Lon, i.Site.ClusterId, i.Site.Region, null, i.Sku, i.Code, i.Stock, i.Unit,
            double.Parse(i.Share!.Value.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture))))
        .ToList();

    public int CandidateItemCount => Items.Count(i => i.IsCandidate);

    /// Companies with 1-3 sites and 1-4 capabilities each; writes them (and their change rows).
    public async Task AddCompaniesAsync(Db db, int count)
    {
        var seeds = new List<SeedCompany>();
        var inactive = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            var company = new CompanyState
            {
                Id = Id.New(), Name = $"Supplier {Companies.Count} «{_rng.Next(1000)}»",
                Roles = Pick([CompanyRole.Supplier, CompanyRole.Supplier, CompanyRole.Supplier, CompanyRole.Supplier | CompanyRole.Anchor,
                    CompanyRole.Wholesaler, CompanyRole.Anchor, CompanyRole.Supplier | CompanyRole.Wholesaler]),
                Size = Pick([CompanySize.Micro, CompanySize.Small, CompanySize.Medium, CompanySize.Large]),
                Certifications = Certs.Where(_ => _rng.NextDouble() < 0.4).ToArray(),
                Active = _rng.NextDouble() > 0.08,
            };
            Companies.Add(company);
            if (!company.Active) inactive.Add(company.Id);
            var sites = new List<SeedSite>();
            for (var s = 0; s < 1 + _rng.Next(3); s++)
            {
                var site = new SiteState { Id = Id.New(), Company = company };
                Place(site);
                Sites.Add(site);
                var caps = new List<SeedCapability>();
                for (var k = 0; k < 1 + _rng.Next(4); k++)
                {
                    var cap = new CapabilityState { Id = Id.New(), Site = site };
                    Shape(cap);
                    Capabilities.Add(cap);
                    caps.Add(new SeedCapability(cap.Id, cap.Code, null, cap.Capacity, cap.Unit, cap.Share));
                }
                sites.Add(new SeedSite(site.Id, "Site", site.Lat, site.Lon, site.ClusterId, site.Region, caps));
            }
            seeds.Add(new SeedCompany(company.Id, company.Name, TaxId(), company.Roles, company.Size, company.Certifications, "test", sites));
        }
        await using var connection = await db.OpenAsync(CancellationToken.None);
        await using var tx = await db.BeginWriteAsync(connection, CancellationToken.None);
        await DemoSupplyWriter.InsertAsync(connection, tx, db.Dialect, seeds, DateTimeOffset.UtcNow, CancellationToken.None);
        foreach (var id in inactive)
            await connection.ExecuteAsync("UPDATE companies SET active = @active WHERE id = @id", new { active = false, id }, tx);
        await tx.CommitAsync();
        // Catalogs of the new wholesalers (and of a few companies without the role: never listed),
        // one short transaction each as imports are: on a server a long one holds the feed back for
        // every test.
        foreach (var company in Companies.Skip(Companies.Count - count))
        {
            if ((company.Roles & CompanyRole.Wholesaler) == 0 && _rng.NextDouble() > 0.1) continue;
            var items = new List<ItemState>();
            for (var i = 1 + _rng.Next(12); i > 0; i--) NewItem(company, items);
            Items.AddRange(items);
            await WriteAsync(db, (c, t) => CatalogScenario.UpsertAsync(c, t, db.Dialect, company.Id, items.Select(Row), DateTimeOffset.UtcNow));
        }
    }

    /// Deletes, reshapes and moves capabilities, moves sites, and changes companies' facts, each with
    /// its change row, as the API's writes would.
    public async Task MutateAsync(Db db, int count)
    {
        await using var connection = await db.OpenAsync(CancellationToken.None);
        await using var tx = await db.BeginWriteAsync(connection, CancellationToken.None);
        var at = DateTimeOffset.UtcNow;
        // Imports run after the rest, each in its own short transaction (see AddCompaniesAsync).
        var imports = new List<Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction, Task>>();
        for (var i = 0; i < count; i++)
        {
            switch (_rng.Next(6))
            {
                case 5:
                {
                    // An import: some items replaced, some new, some deleted (each write with one catalog change).
                    var company = Pick(Items).Company;
                    var items = Items.Where(x => x.Company == company).ToList();
                    var upserted = new List<ItemState>();
                    foreach (var item in items.Where(_ => _rng.NextDouble() < 0.4))
                    {
                        Shape(item);
                        upserted.Add(item);
                    }
                    for (var n = _rng.Next(4); n > 0; n--) upserted.Add(NewItem(company, items));
                    Items.AddRange(upserted.Except(Items).ToList());
                    var rows = upserted.Select(Row).ToList();
                    imports.Add((c, t) => CatalogScenario.UpsertAsync(c, t, db.Dialect, company.Id, rows, at));
                    var deleted = items.Where(x => !upserted.Contains(x) && _rng.NextDouble() < 0.3).Select(x => x.Sku).ToList();
                    Items.RemoveAll(x => x.Company == company && deleted.Contains(x.Sku));
                    if (deleted.Count > 0 || _rng.NextDouble() < 0.5)
                        imports.Add((c, t) => CatalogScenario.DeleteAsync(c, t, db.Dialect, company.Id, deleted, at));
                    break;
                }
                case 0:
                {
                    var cap = Pick(Capabilities);
                    Capabilities.Remove(cap);
                    await connection.ExecuteAsync("DELETE FROM capabilities WHERE id = @id", new { id = cap.Id }, tx);
                    await Record(ChangeKinds.Capability, cap.Id);
                    break;
                }
                case 1:
                {
                    // Also into another group, and to another site of the company.
                    var cap = Pick(Capabilities);
                    Shape(cap);
                    cap.Site = Pick(Sites.Where(s => s.Company == cap.Site.Company).ToList());
                    await connection.ExecuteAsync("""
                        UPDATE capabilities SET site_id = @site, category_code = @Code, capacity_per_month = @Capacity, unit = @Unit,
                            local_share = @Share WHERE id = @Id
                        """, new { site = cap.Site.Id, cap.Code, cap.Capacity, cap.Unit, cap.Share, cap.Id }, tx);
                    await Record(ChangeKinds.Capability, cap.Id);
                    break;
                }
                case 2:
                {
                    var site = Pick(Sites);
                    Place(site);
                    await connection.ExecuteAsync("UPDATE sites SET lat = @Lat, lon = @Lon, cluster_id = @ClusterId, region_code = @Region WHERE id = @Id",
                        new { site.Lat, site.Lon, site.ClusterId, site.Region, site.Id }, tx);
                    await Record(ChangeKinds.Site, site.Id);
                    break;
                }
                case 3:
                {
                    var company = Pick(Companies);
                    company.Active = !company.Active;
                    company.Size = Pick([CompanySize.Micro, CompanySize.Small, CompanySize.Medium, CompanySize.Large]);
                    company.Certifications = Certs.Where(_ => _rng.NextDouble() < 0.5).ToArray();
                    await connection.ExecuteAsync(
                        "UPDATE companies SET active = @Active, size = @size, certifications = @certs WHERE id = @Id",
                        new { company.Active, size = CompanySizes.ToWire(company.Size), certs = JsonSerializer.Serialize(company.Certifications), company.Id }, tx);
                    await Record(ChangeKinds.Company, company.Id);
                    break;
                }
                default:
                {
                    var site = Pick(Sites);
                    var cap = new CapabilityState { Id = Id.New(), Site = site };
                    Shape(cap);
                    Capabilities.Add(cap);
                    await connection.ExecuteAsync(DemoSupplyWriter.InsertCapability, new
                    {
                        cap.Id, CompanyId = site.Company.Id, SiteId = site.Id, CategoryCode = cap.Code, Description = (string?)null,
                        CapacityPerMonth = cap.Capacity, cap.Unit, LocalShare = cap.Share, At = at,
                    }, tx);
                    await Record(ChangeKinds.Capability, cap.Id);
                    break;
                }
            }
        }
        await tx.CommitAsync();
        foreach (var import in imports) await WriteAsync(db, import);

        Task Record(string kind, Guid id) => ChangeFeed.RecordAsync(connection, tx, db.Dialect, kind, id, at, CancellationToken.None);
    }

    /// A random need at one of the positions suppliers use, with any scope, weights and filters.
    public (MatchNeed Need, MatchOptions Options) RandomNeed()
    {
        var cluster = Pick(Clusters);
        var (lat, lon) = Position(cluster);
        var scope = Pick([MatchScope.Cluster, MatchScope.Region, MatchScope.Radius, MatchScope.Any]);
        var need = new MatchNeed(
            _rng.NextDouble() < 0.3 ? Pick(Companies).Id : Id.New(), Pick(NeedCodes), Pick([80.0, 100, 600]),
            _rng.NextDouble() < 0.85 ? "PCE" : "KGM", Certs.Where(_ => _rng.NextDouble() < 0.15).ToArray(), lat, lon,
            _rng.NextDouble() < 0.9 ? cluster.Id : null, cluster.Region, Pick([0.0, 0.2, 0.5]), Pick([0.0, 0.0, 0.3, 0.5]),
            Pick([0.0, 1_000_000, 2_500_000]), scope, scope == MatchScope.Radius ? Pick([3.0, 20, 60]) : null,
            _rng.NextDouble() < 0.5 ? null : new MatchWeights(Pick([0.0, 0.2, 0.5, 1]), Pick([0.1, 0.4, 1]), Pick([0.0, 0.3, 0.7])),
            _rng.NextDouble() < 0.5 ? null : Pick([20.0, 100, 300]), Pick([0.0, 4_000_000, 10_000_000]));
        return (need, new MatchOptions(IncludeLarge: _rng.NextDouble() < 0.4, IncludeCatalog: _rng.NextDouble() < 0.5));
    }

    public int Next(int max) => _rng.Next(max);

    private void Place(SiteState site)
    {
        var cluster = Pick(Clusters);
        (site.Lat, site.Lon) = Position(cluster);
        var member = _rng.NextDouble() < 0.8;
        site.ClusterId = member ? cluster.Id : null;
        site.Region = member && _rng.NextDouble() < 0.9 ? cluster.Region : Pick(["RU-KLU", "RU-TUL", cluster.Region]);
    }

    private static async Task WriteAsync(Db db, Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction, Task> write)
    {
        await using var connection = await db.OpenAsync(CancellationToken.None);
        await using var tx = await db.BeginWriteAsync(connection, CancellationToken.None);
        await write(connection, tx);
        await tx.CommitAsync();
    }

    /// A new item with a sku none of `siblings` (the company's items) has; added to them.
    private ItemState NewItem(CompanyState company, List<ItemState> siblings)
    {
        while (true)
        {
            var sku = $"{Pick(SkuStems)}-{_rng.Next(20)}";
            if (siblings.Any(x => x.Sku == sku)) continue;
            var item = new ItemState { Company = company, Sku = sku };
            Shape(item);
            siblings.Add(item);
            return item;
        }
    }

    /// Mostly at one of the company's sites (warehouses), sometimes without one.
    private void Shape(ItemState item)
    {
        item.Code = Pick(Codes);
        item.Unit = _rng.NextDouble() < 0.9 ? "PCE" : "KGM";
        item.Stock = Pick(Stocks);
        item.Share = Pick(ItemShares);
        item.Site = _rng.NextDouble() < 0.9 ? Pick(Sites.Where(s => s.Company == item.Company).ToList()) : null;
    }

    private static CatalogItem Row(ItemState item) => CatalogScenario.Item(item.Sku, item.Code, item.Unit, stock: item.Stock,
        localShare: item.Share, warehouseSiteId: item.Site?.Id);

    private void Shape(CapabilityState cap)
    {
        cap.Code = Pick(Codes);
        cap.Capacity = Pick(Capacities);
        cap.Unit = _rng.NextDouble() < 0.9 ? "PCE" : "KGM";
        cap.Share = Pick(Shares);
    }

    // A 7 x 7 grid of 2 km steps around the centre: many candidates share a position.
    private (double Lat, double Lon) Position(ClusterInfo cluster) =>
        (cluster.Lat + (_rng.Next(7) - 3) * 0.018, cluster.Lon + (_rng.Next(7) - 3) * 0.03);

    private string TaxId()
    {
        while (true)
        {
            var taxId = Domain.Companies.TaxId.Generate(_rng);
            if (_taxIds.Add(taxId)) return taxId;
        }
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_rng.Next(items.Count)];
}
