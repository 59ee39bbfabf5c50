using System.Data.Common;
using System.Text.Json;
using Dapper;
using Marketplace.Api.Features.Needs;
using Marketplace.Domain.Matching;

namespace Marketplace.Api.Features.Matching;

/// A need as matching.md reads it: its delivery site, and its owner's annual spend in its currency.
public static class MatchNeeds
{
    public static async Task<MatchNeed> LoadAsync(DbConnection connection, NeedSql.Row need, CancellationToken ct)
    {
        // One statement (SQLite compiles each one anew, which costs more than running it): the site,
        // once per counted need of the owner. Money is summed in C#: SQLite would sum decimal text as REAL.
        var rows = (await connection.QueryAsync<SiteRow>(new CommandDefinition("""
            SELECT s.lat AS Lat, s.lon AS Lon, s.cluster_id AS ClusterId, s.region_code AS RegionCode, o.annual_value AS AnnualValue
            FROM sites s
            LEFT JOIN needs o ON o.owner_id = @owner AND o.status <> 'cancelled' AND o.currency = @currency
            WHERE s.id = @site
            """, new { site = need.DeliverySiteId, owner = need.OwnerId, currency = need.Currency }, cancellationToken: ct))).AsList();
        var site = rows.Count > 0 ? rows[0] : throw new InvalidOperationException($"Need {need.Id} has no delivery site.");
        return ToMatchNeed(need, site.Lat, site.Lon, site.ClusterId, site.RegionCode, rows.Sum(r => r.AnnualValue ?? 0));
    }

    public static MatchNeed ToMatchNeed(NeedSql.Row need, double lat, double lon, Guid? clusterId, string regionCode, decimal ownerSpend) => new(
        need.OwnerId, need.CategoryCode, need.QuantityPerMonth, need.Unit,
        JsonSerializer.Deserialize<List<string>>(need.RequiredCertifications) ?? [], lat, lon, clusterId, regionCode,
        need.CurrentLocalShare, need.MinLocalShare, (double)need.AnnualValue, ParseScope(need.Scope), need.RadiusKm,
        need.WeightProximity is { } p ? new MatchWeights(p, need.WeightCapability ?? 0, need.WeightLocalization ?? 0) : null,
        need.ProximityScaleKm, (double)ownerSpend);

    public static MatchScope ParseScope(string scope) => scope switch
    {
        NeedScopes.Region => MatchScope.Region,
        NeedScopes.Radius => MatchScope.Radius,
        NeedScopes.Any => MatchScope.Any,
        _ => MatchScope.Cluster,
    };

    private sealed class SiteRow
    {
        public double Lat { get; init; }
        public double Lon { get; init; }
        public Guid? ClusterId { get; init; }
        public string RegionCode { get; init; } = "";
        public decimal? AnnualValue { get; init; }
    }
}
