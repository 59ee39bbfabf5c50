using Dapper;
using Marketplace.Domain.Companies;
using Marketplace.Domain.Matching;
using Marketplace.Infrastructure.Database;

namespace Marketplace.Infrastructure.Matching;

/// The position of a match in matching.md's order: what a matches cursor encodes.
public readonly record struct MatchKey(double Score, double Localization, double DistanceKm, Guid CompanyId);

/// One page of ranked matches (at most `limit`) and whether more follow.
public sealed record MatchPage(IReadOnlyList<Match> Items, bool HasMore);

/// The supply candidates (capabilities, later catalog items) that matching ranks, held in memory
/// and kept fresh from the change feed. No SQL runs per query.
public sealed class SupplyIndex(Db db)
{
    private volatile IReadOnlyList<Candidate> _candidates = [];

    public long LoadedThroughToken { get; private set; }

    public int Count => _candidates.Count;

    /// Loads every candidate; answers how many.
    public async Task<int> LoadAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        // The feed position first (read through the feed, so never past a change still in flight):
        // a change committed while loading is then seen again, never missed.
        var last = LoadedThroughToken;
        for (IReadOnlyList<Change> page; (page = await ChangeFeed.ReadAsync(connection, db.Dialect, last, 10_000, ct)).Count > 0;)
            last = page[^1].Token;
        var rows = await connection.QueryAsync<Row>(new CommandDefinition("""
            SELECT k.id AS CapabilityId, k.company_id AS CompanyId, c.name AS CompanyName, c.size AS Size, c.active AS Active,
                   c.roles AS Roles, c.certifications AS Certifications, s.id AS SiteId, s.lat AS Lat, s.lon AS Lon,
                   s.cluster_id AS ClusterId, s.region_code AS RegionCode, k.category_code AS CategoryCode,
                   k.capacity_per_month AS Capacity, k.unit AS Unit, k.local_share AS LocalShare
            FROM capabilities k JOIN sites s ON s.id = k.site_id JOIN companies c ON c.id = k.company_id
            """, cancellationToken: ct));
        var list = rows.Select(r => r.ToCandidate()).ToList();
        _candidates = list;
        LoadedThroughToken = last;
        return list.Count;
    }

    /// Catches up with the change feed: when anything changed, reloads.
    public async Task CatchUpAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var changes = await ChangeFeed.ReadAsync(connection, db.Dialect, LoadedThroughToken, 1, ct);
        if (changes.Count > 0) await LoadAsync(ct);
    }

    /// The matches after `after` (null: from the top), at most `limit`.
    public MatchPage Query(MatchNeed need, MatchOptions options, int limit, MatchKey? after)
    {
        var ranked = MatchFormula.Rank(need, _candidates, options);
        var rest = after is { } key ? ranked.Where(m => After(m, key)).ToList() : ranked;
        return new MatchPage(rest.Take(limit).ToList(), rest.Count > limit);
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

    private sealed class Row
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

        public Candidate ToCandidate() => new(CandidateKind.Capability, CompanyId, CompanyName,
            CompanySizes.TryParse(Size, out var size) ? size : CompanySize.Large, Active, (CompanyRole)Roles,
            System.Text.Json.JsonSerializer.Deserialize<HashSet<string>>(Certifications) ?? [], SiteId, Lat, Lon, ClusterId,
            RegionCode, CapabilityId, null, CategoryCode, Capacity, Unit, LocalShare);
    }
}
