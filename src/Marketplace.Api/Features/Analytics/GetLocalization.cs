using Dapper;
using FluentValidation;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Errors;
using Marketplace.Api.Common.Paging;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Api.Features.Matching;
using Marketplace.Api.Features.Needs;
using Marketplace.Domain;
using Marketplace.Domain.Catalog;
using Marketplace.Domain.Companies;
using Marketplace.Domain.Matching;
using Marketplace.Domain.Reference;
using Marketplace.Infrastructure.Database;
using Marketplace.Infrastructure.Matching;
using Mediator;
using Microsoft.Extensions.Primitives;

namespace Marketplace.Api.Features.Analytics;

/// api.md, Localization analytics: where a cluster, a region or an owner stands.
public static class GetLocalization
{
    public sealed record Gap(string CategoryCode, decimal AnnualValue, int NeedCount);

    public sealed record ClusterSourcing(double? Share, double Threshold, bool MeetsThreshold);

    public sealed record Report(double? Level, double? PotentialLevel, double? SmeShare, int NeedCount, int AwardedCount,
        decimal AnnualValue, IReadOnlyList<Gap> Gaps, ClusterSourcing? ClusterSourcing);

    public sealed record Query(StringValues ClusterId, StringValues RegionCode, StringValues OwnerId, StringValues Currency) : IQuery<Report>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator(ReferenceData reference)
        {
            RuleFor(x => x).Must(x => (x.ClusterId.Count > 0 ? 1 : 0) + (x.RegionCode.Count > 0 ? 1 : 0) + (x.OwnerId.Count > 0 ? 1 : 0) == 1)
                .WithMessage("Give exactly one of clusterId, regionCode, ownerId.").OverridePropertyName("clusterId");
            this.AddFilterRule("clusterId", x => x.ClusterId, Id.IsValid, "clusterId must be a cluster id.");
            this.AddFilterRule("regionCode", x => x.RegionCode, reference.IsRuRegion, "regionCode must be an ISO 3166-2:RU code.");
            this.AddFilterRule("ownerId", x => x.OwnerId, Id.IsValid, "ownerId must be a company id.");
            this.AddFilterRule("currency", x => x.Currency, reference.IsCurrency, "currency must be an active ISO 4217 code.");
        }
    }

    /// Admins read any scope; a company only its own ownerId (api.md), else 403.
    public sealed class Authorizer : IAuthorizer<Query>
    {
        public ValueTask AuthorizeAsync(Query message, Caller caller, CancellationToken ct)
        {
            if (caller.IsAdmin) return ValueTask.CompletedTask;
            var own = message.OwnerId.Count == 1 && Id.TryParse(message.OwnerId[0], out var owner) && owner == caller.CompanyId;
            if (!own && (message.OwnerId.Count > 0 || message.ClusterId.Count > 0 || message.RegionCode.Count > 0))
                throw ApiException.Forbidden(ErrorCodes.Forbidden, "A company reads the analytics of its own needs only (ownerId = its id).");
            return ValueTask.CompletedTask;
        }
    }

    public sealed class Handler(Db db, SupplyIndex index) : IQueryHandler<Query, Report>
    {
        public async ValueTask<Report> Handle(Query query, CancellationToken ct)
        {
            var currency = query.Currency.One() ?? "RUB";
            await using var connection = await db.OpenAsync(ct);
            string filter;
            object args;
            ClusterRow? cluster = null;
            if (query.ClusterId.One() is { } c)
            {
                var clusterId = Guid.Parse(c);
                cluster = await connection.QuerySingleOrDefaultAsync<ClusterRow>(new CommandDefinition(
                    "SELECT local_sourcing_threshold AS Threshold FROM clusters WHERE id = @clusterId", new { clusterId }, cancellationToken: ct))
                    ?? throw ApiException.NotFound("cluster");
                (filter, args) = ("s.cluster_id = @clusterId", new { clusterId, currency });
            }
            else if (query.RegionCode.One() is { } region) (filter, args) = ("s.region_code = @region", new { region, currency });
            else (filter, args) = ("n.owner_id = @owner", new { owner = Guid.Parse(query.OwnerId.One()!), currency });

            var needs = (await connection.QueryAsync<NeedRow>(new CommandDefinition($"""
                SELECT {NeedSql.Columns}, s.lat AS Lat, s.lon AS Lon, s.cluster_id AS DeliveryClusterId, s.region_code AS DeliveryRegionCode,
                       b.local_share AS AwardLocalShare,
                       (SELECT COUNT(*) FROM sites ws WHERE ws.company_id = n.award_supplier_id AND ws.cluster_id = s.cluster_id) AS WinnerSitesInCluster
                FROM needs n JOIN sites s ON s.id = n.delivery_site_id LEFT JOIN bids b ON b.id = n.award_bid_id
                WHERE n.status <> 'cancelled' AND n.currency = @currency AND {filter}
                """, args, cancellationToken: ct))).ToList();
            return Compute(needs, cluster, index);
        }
    }

    private static Report Compute(List<NeedRow> needs, ClusterRow? cluster, SupplyIndex index)
    {
        double weighted = 0, potential = 0, total = 0, awardedValue = 0, smeValue = 0, clusterLocal = 0;
        var gaps = new Dictionary<string, (decimal Value, int Count)>(StringComparer.Ordinal);
        foreach (var n in needs)
        {
            var value = (double)n.AnnualValue;
            total += value;
            var awarded = n.Status == "awarded";
            var share = awarded ? n.AwardLocalShare ?? n.CurrentLocalShare : n.CurrentLocalShare;
            weighted += value * share;
            if (awarded)
            {
                awardedValue += value;
                if (CompanySizes.TryParse(n.AwardSupplierSize, out var size) && CompanySizes.IsSme(size)) smeValue += value;
                if (n.WinnerSitesInCluster > 0) clusterLocal += value;
            }
            // open and closed (stored open) needs: what their best local supplier would bring.
            var potentialShare = share;
            if (n.Status is "open" or "draft")
            {
                var need = n.ToMatchNeed();
                if (n.Status == "open")
                {
                    var best = index.Query(need, new MatchOptions(), 1, null).Items;
                    potentialShare = best.Count > 0 ? Math.Max(n.CurrentLocalShare, best[0].LocalShare) : n.CurrentLocalShare;
                }
                if (index.Query(need, new MatchOptions(IncludeLarge: true, IncludeCatalog: true), 1, null).Items.Count == 0)
                {
                    var group = CategoryCode.Group(n.CategoryCode);
                    var (v, count) = gaps.GetValueOrDefault(group);
                    gaps[group] = (v + n.AnnualValue, count + 1);
                }
            }
            potential += value * potentialShare;
        }
        var clusterSourcing = cluster is null ? null : awardedValue == 0
            ? new ClusterSourcing(null, cluster.Threshold, false)
            : new ClusterSourcing(clusterLocal / awardedValue, cluster.Threshold, clusterLocal / awardedValue >= cluster.Threshold);
        return new Report(
            total == 0 ? null : weighted / total, total == 0 ? null : potential / total, awardedValue == 0 ? null : smeValue / awardedValue,
            needs.Count, needs.Count(n => n.Status == "awarded"), needs.Sum(n => n.AnnualValue),
            gaps.Select(g => new Gap(g.Key, g.Value.Value, g.Value.Count)).OrderByDescending(g => g.AnnualValue)
                .ThenBy(g => g.CategoryCode, StringComparer.Ordinal).ToList(),
            clusterSourcing);
    }

    private sealed class ClusterRow
    {
        public double Threshold { get; init; }
    }

    /// A need with its delivery site and, when awarded, the winning bid's local share.
    private sealed class NeedRow : NeedSql.Row
    {
        public double Lat { get; init; }
        public double Lon { get; init; }
        public Guid? DeliveryClusterId { get; init; }
        public string DeliveryRegionCode { get; init; } = "";
        public double? AwardLocalShare { get; init; }
        public long WinnerSitesInCluster { get; init; }

        /// Ranking needs only the need's own facts; the owner's spend only scales gain points.
        public MatchNeed ToMatchNeed() => MatchNeeds.ToMatchNeed(this, Lat, Lon, DeliveryClusterId, DeliveryRegionCode, 0);
    }

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/analytics/localization", async (HttpRequest r, IMediator mediator, CancellationToken ct) =>
                Results.Ok(await mediator.Send(new Query(r.Query["clusterId"], r.Query["regionCode"], r.Query["ownerId"], r.Query["currency"]), ct)))
            .WithTags("Analytics")
            .Produces<Report>()
            .WithSummary("Localization level, potential, SME share, gaps and cluster sourcing of a cluster, a region or an owner.");
}
