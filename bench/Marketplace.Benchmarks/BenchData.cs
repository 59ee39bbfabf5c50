using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Marketplace.Domain.Companies;
using Marketplace.Domain.Matching;
using Marketplace.Infrastructure.Database;
using Marketplace.Infrastructure.Matching;

namespace Marketplace.Benchmarks;

/// The index loaded from the data set, the largest category group, a need in the cluster with the
/// most candidates of that group (scope cluster, and the same need with scope any), and the group's
/// candidates as MatchFormula's records for the scalar loop.
internal sealed class BenchData
{
    public required Db Db { get; init; }
    public required SupplyIndex Index { get; init; }
    public required string Group { get; init; }
    public required int GroupCount { get; init; }
    public required MatchNeed ClusterNeed { get; init; }
    public required MatchNeed AnyNeed { get; init; }
    public required string ClusterName { get; init; }
    public required TimeSpan LoadTime { get; init; }
    public required long IndexBytes { get; init; }
    public List<Candidate> GroupCandidates { get; private set; } = [];

    public static async Task<BenchData> LoadAsync(string connection)
    {
        var db = new Db(new DatabaseOptions { Provider = "postgres", ConnectionString = connection, BusyTimeoutSeconds = 30 });
        var index = new SupplyIndex(db);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var clock = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        await index.LoadAsync(CancellationToken.None);
        var loadTime = clock.Elapsed;
        Console.WriteLine($"load used {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:F2} s of CPU in this process (wall {loadTime.TotalSeconds:F2} s)");
        var after = GC.GetTotalMemory(forceFullCollection: true);

        await using var c = await db.OpenAsync(CancellationToken.None);
        var group = await c.QuerySingleAsync<string>("""
            SELECT split_part(category_code, '.', 1) || '.' || split_part(category_code, '.', 2) AS g
            FROM capabilities GROUP BY g ORDER BY count(*) DESC, g LIMIT 1
            """);
        var cluster = await c.QuerySingleAsync<ClusterRow>("""
            SELECT cl.id AS Id, cl.name AS Name, cl.region_code AS RegionCode FROM capabilities k
            JOIN sites s ON s.id = k.site_id JOIN clusters cl ON cl.id = s.cluster_id
            WHERE k.category_code = @group OR k.category_code LIKE @prefix
            GROUP BY cl.id, cl.name, cl.region_code ORDER BY count(*) DESC LIMIT 1
            """, new { group, prefix = group + ".%" });
        // The delivery site: the first anchor's plant in that cluster.
        var site = await c.QuerySingleAsync<SiteRow>("""
            SELECT s.company_id AS OwnerId, s.lat AS Lat, s.lon AS Lon FROM sites s JOIN companies co ON co.id = s.company_id
            WHERE s.cluster_id = @Id AND (co.roles & 1) <> 0 ORDER BY s.id LIMIT 1
            """, cluster);
        var code = await c.QuerySingleAsync<string>("""
            SELECT category_code FROM capabilities WHERE category_code LIKE @prefix
            GROUP BY category_code HAVING length(category_code) = 8 ORDER BY count(*) DESC, category_code LIMIT 1
            """, new { prefix = group + ".%" });
        // matching.md's worked example, in this cluster: 100 PCE a month, current local share 0.2,
        // at least 0.3, default weights and scale.
        var need = new MatchNeed(site.OwnerId, code, 100, "PCE", [], site.Lat, site.Lon, cluster.Id, cluster.RegionCode,
            0.2, 0.3, 1_000_000, MatchScope.Cluster, null, null, null, 4_000_000);
        return new BenchData
        {
            Db = db, Index = index, Group = group, GroupCount = index.GroupCount(code), ClusterNeed = need,
            AnyNeed = need with { Scope = MatchScope.Any }, ClusterName = cluster.Name, LoadTime = loadTime, IndexBytes = after - before,
        };
    }

    /// The group's candidates as MatchFormula.Candidate records (the scalar loop's input).
    public async Task LoadGroupCandidatesAsync()
    {
        await using var c = await Db.OpenAsync(CancellationToken.None);
        var certs = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        var rows = await c.QueryAsync<CandidateRow>("""
            SELECT k.id AS CapabilityId, k.company_id AS CompanyId, co.name AS CompanyName, co.size AS Size, co.active AS Active,
                   co.roles AS Roles, co.certifications AS Certifications, s.id AS SiteId, s.lat AS Lat, s.lon AS Lon,
                   s.cluster_id AS ClusterId, s.region_code AS RegionCode, k.category_code AS CategoryCode,
                   k.capacity_per_month AS Capacity, k.unit AS Unit, k.local_share AS LocalShare
            FROM capabilities k JOIN sites s ON s.id = k.site_id JOIN companies co ON co.id = k.company_id
            WHERE k.category_code = @group OR k.category_code LIKE @prefix
            """, new { group = Group, prefix = Group + ".%" });
        GroupCandidates = rows.Select(r =>
        {
            if (!certs.TryGetValue(r.Certifications, out var set))
                certs[r.Certifications] = set = JsonSerializer.Deserialize<HashSet<string>>(r.Certifications) ?? [];
            return new Candidate(CandidateKind.Capability, r.CompanyId, r.CompanyName,
                CompanySizes.TryParse(r.Size, out var size) ? size : CompanySize.Large, r.Active, (CompanyRole)r.Roles, set, r.SiteId,
                r.Lat, r.Lon, r.ClusterId, r.RegionCode, r.CapabilityId, null, r.CategoryCode, r.Capacity, r.Unit, r.LocalShare);
        }).ToList();
    }

    /// The scalar loop: MatchFormula.Rank over the group's candidates, top 20.
    public List<Match> Scalar(MatchNeed need) => MatchFormula.Rank(need, GroupCandidates, new MatchOptions()).Take(20).ToList();

    /// The same ranking as one SQL query on PostgreSQL, with matching.md's haversine in SQL.
    public async Task<List<(Guid CompanyId, Guid CapabilityId, double Score)>> SqlAsync(MatchNeed need)
    {
        await using var c = await Db.OpenAsync(CancellationToken.None);
        var segments = need.CategoryCode.Split('.');
        var w = need.NormalizedWeights;
        var rows = await c.QueryAsync<SqlRow>(new CommandDefinition(RankingSql, new
        {
            group = Group, prefix = Group + ".%", owner = need.OwnerId, required = JsonSerializer.Serialize(need.RequiredCertifications),
            minShare = need.MinLocalShare, unit = need.Unit, scope = need.Scope == MatchScope.Cluster ? "cluster" : "any",
            cluster = need.DeliveryClusterId, lat1 = need.DeliveryLat, lon1 = need.DeliveryLon, scale = need.Scale,
            seg3 = segments.Length > 2 ? segments[2] : "", seg4 = segments.Length > 3 ? segments[3] : "", segments = (double)segments.Length,
            qty = need.QuantityPerMonth, cur = need.CurrentLocalShare, wp = w.Proximity, wc = w.Capability, wg = w.Localization,
        }, commandTimeout: 300));
        return rows.Select(r => (r.CompanyId, r.CapabilityId, r.S)).ToList();
    }

    private const string RankingSql = """
        WITH cand AS (
            SELECT k.id, k.company_id, k.category_code, k.capacity_per_month AS cap, k.local_share AS ls,
                   s.lat * (pi() / 180) AS phi2, s.lon * (pi() / 180) AS lam2
            FROM capabilities k
            JOIN sites s ON s.id = k.site_id
            JOIN companies co ON co.id = k.company_id
            WHERE (k.category_code = @group OR k.category_code LIKE @prefix)
              AND co.active AND (co.roles & 2) <> 0 AND co.id <> @owner AND co.size <> 'large'
              AND co.certifications::jsonb @> @required::jsonb
              AND k.local_share >= @minShare AND k.unit = @unit
              AND (@scope <> 'cluster' OR s.cluster_id = @cluster)
        ), dist AS (
            SELECT *, (2 * 6371.0088) * asin(least(1, sqrt(
                       sin((phi2 - @lat1 * (pi() / 180)) / 2) * sin((phi2 - @lat1 * (pi() / 180)) / 2)
                     + ((cos(@lat1 * (pi() / 180)) * cos(phi2)) * sin((lam2 - @lon1 * (pi() / 180)) / 2))
                       * sin((lam2 - @lon1 * (pi() / 180)) / 2)))) AS d
            FROM cand
        ), scored AS (
            SELECT id, company_id, d, exp((ln(0.5) * d) / @scale) AS p,
                   0.7 * least(1, (2 + CASE WHEN @seg3 <> '' AND split_part(category_code, '.', 3) = @seg3
                                            THEN 1 + CASE WHEN @seg4 <> '' AND split_part(category_code, '.', 4) = @seg4 THEN 1 ELSE 0 END
                                            ELSE 0 END)::float8 / @segments)
                   + 0.3 * least(1, cap / @qty) AS cc,
                   greatest(0, ls - @cur) AS g
            FROM dist
        ), best AS (
            SELECT DISTINCT ON (company_id) company_id, id, d, g, (@wp * p + @wc * cc) + @wg * g AS s
            FROM scored
            ORDER BY company_id, s DESC, g DESC, d, id::text
        )
        SELECT company_id AS CompanyId, id AS CapabilityId, s AS S FROM best ORDER BY s DESC, g DESC, d, company_id::text LIMIT 20
        """;

    private sealed record ClusterRow(Guid Id, string Name, string RegionCode);

    private sealed class SiteRow
    {
        public Guid OwnerId { get; init; }
        public double Lat { get; init; }
        public double Lon { get; init; }
    }

    private sealed class SqlRow
    {
        public Guid CompanyId { get; init; }
        public Guid CapabilityId { get; init; }
        public double S { get; init; }
    }

    private sealed class CandidateRow
    {
        public Guid CapabilityId { get; init; }
        public Guid CompanyId { get; init; }
        public string CompanyName { get; init; } = "";
        public string Size { get; init; } = "";
        public bool Active { get; init; }
        public int Roles { get; init; }
        public string Certifications { get; init; } = "[]";
        public Guid SiteId { get; init; }
        public double Lat { get; init; }
        public double Lon { get; init; }
        public Guid? ClusterId { get; init; }
        public string RegionCode { get; init; } = "";
        public string CategoryCode { get; init; } = "";
        public double Capacity { get; init; }
        public string Unit { get; init; } = "";
        public double LocalShare { get; init; }
    }
}
