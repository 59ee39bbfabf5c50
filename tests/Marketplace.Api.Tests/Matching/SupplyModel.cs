using System.Text.Json;
using Dapper;
using Marketplace.Domain;
using Marketplace.Domain.Companies;
using Marketplace.Domain.Matching;
using Marketplace.Infrastructure.Database;
using Marketplace.Infrastructure.Seeding;

namespace Marketplace.Api.Tests.Matching;

/// A random supply written straight into the database (with its change rows) and kept in memory as
/// MatchFormula's candidates, so that the index can be compared with the reference implementation.
/// Few distinct positions, shares and capacities, so that scores, distances and whole keys tie.
public sealed class SupplyModel
{
    public static readonly string[] Codes = ["25.62", "25.62.1", "25.62.10", "25.62.10.110", "25.62.2", "25.62.20", "25.61.11", "28.41.1"];
    public static readonly string[] NeedCodes = ["25.62", "25.62.10", "25.62.10.110", "25.62.1", "25.61.11.000", "28.41"];
    public static readonly string[] Certs = ["GMP", "IATF16949", "ISO9001"];
    private static readonly double[] Shares = [0, 0.2, 0.3, 0.5, 0.8, 1.0];
    private static readonly double[] Capacities = [50, 100, 500, 1000];

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

    /// The reference's input: one Candidate per capability.
    public List<Candidate> Candidates() => Capabilities.Select(k => new Candidate(CandidateKind.Capability, k.Site.Company.Id,
        k.Site.Company.Name, k.Site.Company.Size, k.Site.Company.Active, k.Site.Company.Roles,
        k.Site.Company.Certifications.ToHashSet(StringComparer.Ordinal), k.Site.Id, k.Site.Lat, k.Site.Lon, k.Site.ClusterId,
        k.Site.Region, k.Id, null, k.Code, k.Capacity, k.Unit, k.Share)).ToList();

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
                    CompanyRole.Wholesaler, CompanyRole.Anchor]),
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
    }

    /// Deletes, reshapes and moves capabilities, moves sites, and changes companies' facts, each with
    /// its change row, as the API's writes would.
    public async Task MutateAsync(Db db, int count)
    {
        await using var connection = await db.OpenAsync(CancellationToken.None);
        await using var tx = await db.BeginWriteAsync(connection, CancellationToken.None);
        var at = DateTimeOffset.UtcNow;
        for (var i = 0; i < count; i++)
        {
            switch (_rng.Next(5))
            {
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
        return (need, new MatchOptions(IncludeLarge: _rng.NextDouble() < 0.4, IncludeCatalog: _rng.NextDouble() < 0.2));
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
