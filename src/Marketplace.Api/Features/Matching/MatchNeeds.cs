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
        var site = await connection.QuerySingleAsync<SiteRow>(new CommandDefinition(
            "SELECT lat AS Lat, lon AS Lon, cluster_id AS ClusterId, region_code AS RegionCode FROM sites WHERE id = @id",
            new { id = need.DeliverySiteId }, cancellationToken: ct));
        // Money is summed in C#: SQLite would sum decimal text as REAL.
        var values = await connection.QueryAsync<decimal>(new CommandDefinition(
            "SELECT annual_value FROM needs WHERE owner_id = @owner AND status <> 'cancelled' AND currency = @currency",
            new { owner = need.OwnerId, currency = need.Currency }, cancellationToken: ct));
        return ToMatchNeed(need, site.Lat, site.Lon, site.ClusterId, site.RegionCode, values.Sum());
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
    }
}
