using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Api.Tests.Matching;
using Marketplace.Infrastructure.Matching;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Api.Tests.Features.Analytics;

/// api.md, "Localization analytics": every figure checked against values computed by hand from a
/// small data set built through the API. Each test builds its own cluster and companies; only the
/// scope test puts needs in region RU-YAR, so its region figures are not disturbed by other tests of the class.
public abstract class LocalizationTests(ApiFactory api)
{
    private const double Tolerance = 1e-12;

    // Plant coordinates (Scenario's default site) and a point 0.5 degrees of latitude north
    // (about 55.6 km: proximity 0.5^(55.6/100) = 0.68).
    private const double PlantLat = 54.5293, PlantLon = 36.2754, FarLat = 55.0293;

    /// The data set of the main tests (all money in RUB unless said otherwise).
    private sealed record DataSet(string ClusterId, TestCompany Anchor, TestCompany Small, TestCompany Medium, TestCompany Micro,
        TestCompany Large);

    /// Cluster K (region R, RU-TUL unless given, threshold 0.2). Anchor A: plant P in K, site O in R without a cluster.
    /// Anchor B: site in R without a cluster. Suppliers:
    ///   S1 small,  site in K at P,           capability 25.62.10 localShare 0.5
    ///   S2 medium, site in K 55.6 km north,  capability 25.62.10 localShare 0.6 (ranks below S1: see below)
    ///   S3 micro,  site outside any cluster (RU-KLU), capability 25.62.10 localShare 0.95 (never eligible: scope cluster)
    ///   L  large,  site in K at P,           capability 28.11 localShare 0.9 (eligible only with includeLarge)
    /// Needs of A delivered at P (scope cluster, 100 PCE/month):
    ///   N1 draft     25.62.10     1,000,000 cur 0.1
    ///   N2 open      25.62.10     2,000,000 cur 0.2
    ///   N3 closed    25.62.10     1,000,000 cur 0.55 (a bid of S2 at 0.99, never awarded)
    ///   N4 open      28.11          500,000 cur 0.3
    ///   N5 open      26.11        3,000,000 cur 0
    ///   N6 draft     26.11.22     1,000,000 cur 0.05
    ///   N7 closed    27.12        4,000,000 cur 0.25
    ///   A1 awarded   25.62.10     2,000,000 cur 0.1  -> S1's bid at 0.7 (S3 bid 0.4, rejected)
    ///   A2 awarded   26.11        1,000,000 cur 0    -> L's bid at 0.3 (S3 bid 0.9, rejected)
    ///   A3 awarded   25.62.10     1,000,000 cur 0.2  -> S3's bid at 0.95
    ///   X1 cancelled 26.11        9,000,000 cur 0.5  (never counted)
    ///   U1 open      26.11 (USD)    700,000 cur 0.4  (counted only with currency=USD)
    /// Need of A delivered at O: O1 open 25.62.10 5,000,000 cur 0.3 (no cluster at O: no candidate at all).
    /// Need of B: B1 draft 29.10 500,000 cur 0.6 (no candidate).
    private async Task<DataSet> BuildAsync(string region = "RU-TUL")
    {
        var cluster = await api.CreateClusterAsync(region, 54.19, 37.62);
        var anchor = await api.CreateCompanyAsync(["anchor"], "large");
        var otherAnchor = await api.CreateCompanyAsync(["anchor"], "large");
        var s1 = await api.CreateCompanyAsync(["supplier"], "small");
        var s2 = await api.CreateCompanyAsync(["supplier"], "medium");
        var s3 = await api.CreateCompanyAsync(["supplier"], "micro");
        var large = await api.CreateCompanyAsync(["supplier"], "large");

        var plant = await SiteAsync(anchor.Id, cluster, null, PlantLat, PlantLon);
        var outside = await SiteAsync(anchor.Id, null, region, PlantLat, PlantLon);
        var otherSite = await SiteAsync(otherAnchor.Id, null, region, PlantLat, PlantLon);
        await CapabilityAsync(s1.Id, await SiteAsync(s1.Id, cluster, null, PlantLat, PlantLon), "25.62.10", 0.5);
        await CapabilityAsync(s2.Id, await SiteAsync(s2.Id, cluster, null, FarLat, PlantLon), "25.62.10", 0.6);
        await CapabilityAsync(s3.Id, await SiteAsync(s3.Id, null, "RU-KLU", PlantLat, PlantLon), "25.62.10", 0.95);
        await CapabilityAsync(large.Id, await SiteAsync(large.Id, cluster, null, PlantLat, PlantLon), "28.11", 0.9);

        await NeedAsync(anchor, plant, "25.62.10", 1_000_000m, 0.1); // N1 draft
        var n2 = await NeedAsync(anchor, plant, "25.62.10", 2_000_000m, 0.2);
        var n3 = await NeedAsync(anchor, plant, "25.62.10", 1_000_000m, 0.55);
        var n4 = await NeedAsync(anchor, plant, "28.11", 500_000m, 0.3);
        var n5 = await NeedAsync(anchor, plant, "26.11", 3_000_000m, 0);
        await NeedAsync(anchor, plant, "26.11.22", 1_000_000m, 0.05); // N6 draft
        var n7 = await NeedAsync(anchor, plant, "27.12", 4_000_000m, 0.25);
        var a1 = await NeedAsync(anchor, plant, "25.62.10", 2_000_000m, 0.1);
        var a2 = await NeedAsync(anchor, plant, "26.11", 1_000_000m, 0);
        var a3 = await NeedAsync(anchor, plant, "25.62.10", 1_000_000m, 0.2);
        var x1 = await NeedAsync(anchor, plant, "26.11", 9_000_000m, 0.5);
        var u1 = await NeedAsync(anchor, plant, "26.11", 700_000m, 0.4, "USD");
        var o1 = await NeedAsync(anchor, outside, "25.62.10", 5_000_000m, 0.3);
        await NeedAsync(otherAnchor, otherSite, "29.10", 500_000m, 0.6); // B1 draft

        foreach (var id in new[] { n3, n7, a1, a2, a3 }) await PublishAsync(anchor, id, TimeSpan.FromDays(1));
        foreach (var id in new[] { n2, n4, n5, u1, o1, x1 }) await PublishAsync(anchor, id, TimeSpan.FromDays(30));
        await BidAsync(s2, n3, 0.99);
        var a1Win = await BidAsync(s1, a1, 0.7);
        await BidAsync(s3, a1, 0.4);
        await BidAsync(s3, a2, 0.9);
        var a2Win = await BidAsync(large, a2, 0.3);
        var a3Win = await BidAsync(s3, a3, 0.95);
        await BidAsync(s1, x1, 0.8);
        await (await api.As(anchor.Key).PostJsonAsync($"/api/v1/needs/{x1}/cancel", new { reason = "Dropped" })).ExpectAsync(HttpStatusCode.OK);

        api.Clock.Advance(TimeSpan.FromDays(2));
        await AwardAsync(anchor, a1, a1Win);
        await AwardAsync(anchor, a2, a2Win);
        await AwardAsync(anchor, a3, a3Win);

        // The statuses the figures below rely on.
        foreach (var (id, status) in new[] { (n2, "open"), (n3, "closed"), (n7, "closed"), (a1, "awarded"), (x1, "cancelled"), (o1, "open") })
        {
            var need = await (await api.As(anchor.Key).GetAsync($"/api/v1/needs/{id}")).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal(status, (string?)need["status"]);
        }
        return new DataSet(cluster, anchor, s1, s2, s3, large);
    }

    [Fact]
    public async Task Cluster_figures_match_the_hand_computed_values()
    {
        var d = await BuildAsync();
        var report = await ReportAsync(api.Admin(), $"clusterId={d.ClusterId}", potential: 5.5 / 16.5);

        // Counted: N1..N7, A1..A3 (not X1: cancelled; not U1: USD; not O1, B1: delivered outside K).
        Assert.Equal(10, (int)report["needCount"]!);
        Assert.Equal(3, (int)report["awardedCount"]!);
        // 1 + 2 + 1 + 0.5 + 3 + 1 + 4 + 2 + 1 + 1 = 16.5 million
        Assert.Equal(16_500_000m, (decimal)report["annualValue"]!);
        // level: N1 1M*0.1 = 0.1M; N2 2M*0.2 = 0.4M; N3 1M*0.55 = 0.55M (S2's 0.99 bid is not an award);
        // N4 0.5M*0.3 = 0.15M; N5 0; N6 1M*0.05 = 0.05M; N7 4M*0.25 = 1.0M;
        // A1 2M*0.7 (awarded bid) = 1.4M; A2 1M*0.3 = 0.3M; A3 1M*0.95 = 0.95M. Sum 4.9M / 16.5M.
        AssertClose(4.9 / 16.5, report["level"]);
        // potentialLevel, default options (SMEs only, scope cluster):
        // N2: rank-1 is S1 (0.5), not S2 (0.6): S1 - S2 = 0.3*(1 - 0.5^(55.6/100)) - 0.3*(0.6 - 0.5) = 0.096 - 0.03 > 0,
        //     so max(0.2, 0.5) = 0.5 -> 2M*0.5 = 1.0M (+0.6M over level);
        // N3: rank-1 S1 again (G 0 vs 0.05: 0.096 - 0.015 > 0): max(0.55, 0.5) = 0.55, unchanged;
        // N4: only L (large) supplies 28.11 -> no default match -> 0.3, unchanged;
        // N5, N7: no candidate -> unchanged; N1, N6 drafts and A1..A3 awarded -> as in level.
        // (5.5M) / 16.5M = 1/3.
        AssertClose(5.5 / 16.5, report["potentialLevel"]);
        // smeShare: A1 (S1 small, 2M) + A3 (S3 micro, 1M) = 3M of 4M awarded.
        AssertClose(0.75, report["smeShare"]);
        // gaps: N5 (open, 3M) + N6 (draft 26.11.22, 1M) = 26.11 4M/2; N7 (closed) 27.12 4M/1; equal value, so by code.
        // Not N1..N3 (S1, S2), not N4 (L with includeLarge), not A2 (awarded), X1 (cancelled), U1 (USD).
        AssertGaps(report, ("26.11", 4_000_000m, 2), ("27.12", 4_000_000m, 1));
        // clusterSourcing: winners with a site in K: A1 (S1) 2M + A2 (L) 1M = 3M of 4M = 0.75 >= 0.2.
        var sourcing = report["clusterSourcing"]!;
        AssertClose(0.75, sourcing["share"]);
        AssertClose(0.2, sourcing["threshold"]);
        Assert.True((bool)sourcing["meetsThreshold"]!);
    }

    [Fact]
    public async Task Sme_share_keeps_the_size_at_award_time_while_matching_follows_the_new_size()
    {
        var d = await BuildAsync();
        // L (large, won A2) becomes medium: by today's sizes smeShare would be (2M + 1M + 1M) / 4M = 1.
        await (await api.Admin().PatchJsonAsync($"/api/v1/companies/{d.Large.Id}", new { size = "medium" })).ExpectAsync(HttpStatusCode.OK);

        var report = await ReportAsync(api.Admin(), $"clusterId={d.ClusterId}", potential: 5.8 / 16.5);
        // Recorded sizes: A1 small, A2 large, A3 micro -> (2M + 1M) / 4M = 0.75.
        AssertClose(0.75, report["smeShare"]);
        // L is an SME now, so N4 (28.11) has a default rank-1 match at 0.9: potential + 0.5M*(0.9 - 0.3) = +0.3M.
        // (5.5M + 0.3M) / 16.5M. This shows the patch reached matching while smeShare stayed put.
        AssertClose(5.8 / 16.5, report["potentialLevel"]);
        AssertClose(4.9 / 16.5, report["level"]);
    }

    [Fact]
    public async Task Sme_share_does_not_follow_a_winner_that_becomes_large()
    {
        var d = await BuildAsync();
        // S1 (small, won A1 for 2M) and S3 (micro, won A3 for 1M) become large: by today's sizes smeShare would be 0.
        await (await api.Admin().PatchJsonAsync($"/api/v1/companies/{d.Micro.Id}", new { size = "large" })).ExpectAsync(HttpStatusCode.OK);
        await (await api.Admin().PatchJsonAsync($"/api/v1/companies/{d.Small.Id}", new { size = "large" })).ExpectAsync(HttpStatusCode.OK);
        var report = await ReportAsync(api.Admin(), $"clusterId={d.ClusterId}", potential: 5.75 / 16.5);
        AssertClose(0.75, report["smeShare"]);
        // S1 is no longer a default candidate: N2's rank-1 is now S2 (medium, 0.6): 2M*0.6 = 1.2M instead of 1.0M;
        // N3: max(0.55, 0.6) = 0.6 -> 0.6M instead of 0.55M. (5.5 + 0.2 + 0.05) / 16.5.
        AssertClose(5.75 / 16.5, report["potentialLevel"]);
    }

    [Fact]
    public async Task Region_and_owner_scopes_use_the_delivery_site_and_have_no_cluster_sourcing()
    {
        var d = await BuildAsync("RU-YAR");

        // Owner A (as itself): the cluster's ten needs plus O1 (5M, cur 0.3, open, no candidate at a site without a cluster).
        var owner = await ReportAsync(api.As(d.Anchor.Key), $"ownerId={d.Anchor.Id}");
        Assert.Equal(11, (int)owner["needCount"]!);
        Assert.Equal(3, (int)owner["awardedCount"]!);
        Assert.Equal(21_500_000m, (decimal)owner["annualValue"]!); // 16.5M + 5M
        AssertClose((4.9 + 1.5) / 21.5, owner["level"]); // + 5M*0.3
        AssertClose((5.5 + 1.5) / 21.5, owner["potentialLevel"]);
        AssertClose(0.75, owner["smeShare"]);
        AssertGaps(owner, ("25.62", 5_000_000m, 1), ("26.11", 4_000_000m, 2), ("27.12", 4_000_000m, 1));
        Assert.Null(owner["clusterSourcing"]);

        // The same for an admin.
        var ownerByAdmin = await ReportAsync(api.Admin(), $"ownerId={d.Anchor.Id}");
        Assert.Equal(owner.ToJsonString(), ownerByAdmin.ToJsonString());

        // Region RU-YAR: every delivery site in RU-YAR: A's eleven needs plus B1 (draft 29.10, 0.5M, cur 0.6).
        var region = await ReportAsync(api.Admin(), "regionCode=RU-YAR");
        Assert.Equal(12, (int)region["needCount"]!);
        Assert.Equal(3, (int)region["awardedCount"]!);
        Assert.Equal(22_000_000m, (decimal)region["annualValue"]!);
        AssertClose((6.4 + 0.3) / 22, region["level"]);
        AssertClose((7.0 + 0.3) / 22, region["potentialLevel"]);
        AssertClose(0.75, region["smeShare"]);
        AssertGaps(region, ("25.62", 5_000_000m, 1), ("26.11", 4_000_000m, 2), ("27.12", 4_000_000m, 1), ("29.10", 500_000m, 1));
        Assert.Null(region["clusterSourcing"]);
    }

    [Fact]
    public async Task Currency_selects_the_needs_in_that_currency_and_defaults_to_rub()
    {
        var d = await BuildAsync();
        var rub = await ReportAsync(api.Admin(), $"clusterId={d.ClusterId}&currency=RUB");
        var byDefault = await ReportAsync(api.Admin(), $"clusterId={d.ClusterId}");
        Assert.Equal(byDefault.ToJsonString(), rub.ToJsonString());
        Assert.Equal(16_500_000m, (decimal)rub["annualValue"]!);

        // USD: only U1 (open 26.11, 700,000, cur 0.4, no candidate).
        var usd = await ReportAsync(api.Admin(), $"clusterId={d.ClusterId}&currency=USD");
        Assert.Equal(1, (int)usd["needCount"]!);
        Assert.Equal(0, (int)usd["awardedCount"]!);
        Assert.Equal(700_000m, (decimal)usd["annualValue"]!);
        AssertClose(0.4, usd["level"]);
        AssertClose(0.4, usd["potentialLevel"]);
        Assert.Null(usd["smeShare"]);
        AssertGaps(usd, ("26.11", 700_000m, 1));
        Assert.Null(usd["clusterSourcing"]!["share"]);
        AssertClose(0.2, usd["clusterSourcing"]!["threshold"]);
        Assert.False((bool)usd["clusterSourcing"]!["meetsThreshold"]!);

        // EUR: nothing.
        var eur = await ReportAsync(api.Admin(), $"clusterId={d.ClusterId}&currency=EUR");
        AssertEmpty(eur);
    }

    [Fact]
    public async Task Without_needs_the_figures_are_null_and_the_counts_zero()
    {
        var cluster = await api.CreateClusterAsync();
        var report = await ReportAsync(api.Admin(), $"clusterId={cluster}");
        AssertEmpty(report);
        Assert.Null(report["clusterSourcing"]!["share"]);
        AssertClose(0.2, report["clusterSourcing"]!["threshold"]);
        Assert.False((bool)report["clusterSourcing"]!["meetsThreshold"]!);

        var anchor = await api.CreateCompanyAsync(["anchor"]);
        var own = await ReportAsync(api.As(anchor.Key), $"ownerId={anchor.Id}");
        AssertEmpty(own);
        Assert.Null(own["clusterSourcing"]);
    }

    [Fact]
    public async Task Needs_worth_nothing_give_null_levels_but_are_counted()
    {
        var cluster = await api.CreateClusterAsync();
        var anchor = await api.CreateCompanyAsync(["anchor"], "large");
        var plant = await SiteAsync(anchor.Id, cluster, null, PlantLat, PlantLon);
        var supplier = await api.CreateCompanyAsync(["supplier"], "small");
        await CapabilityAsync(supplier.Id, await SiteAsync(supplier.Id, cluster, null, PlantLat, PlantLon), "25.62.10", 0.9);
        // An open need with a match (0.9) and a draft gap, both worth 0.
        var open = await NeedAsync(anchor, plant, "25.62.10", 0m, 0.3);
        await PublishAsync(anchor, open, TimeSpan.FromDays(10));
        await NeedAsync(anchor, plant, "26.11", 0m, 0.5);

        var report = await ReportAsync(api.Admin(), $"clusterId={cluster}");
        Assert.Equal(2, (int)report["needCount"]!);
        Assert.Equal(0, (int)report["awardedCount"]!);
        Assert.Equal(0m, (decimal)report["annualValue"]!);
        // sum(annualValue) = 0 -> level null, and potentialLevel null exactly when level is.
        Assert.Null(report["level"]);
        Assert.Null(report["potentialLevel"]);
        Assert.Null(report["smeShare"]);
        AssertGaps(report, ("26.11", 0m, 1));
        Assert.Null(report["clusterSourcing"]!["share"]);
        Assert.False((bool)report["clusterSourcing"]!["meetsThreshold"]!);
    }

    [Fact]
    public async Task Cluster_sourcing_below_the_threshold_does_not_meet_it()
    {
        var cluster = (string)(await (await api.Admin().PostJsonAsync("/api/v1/clusters", new
        {
            name = $"Cluster {Guid.NewGuid():N}", regionCode = "RU-KLU", center = new { lat = PlantLat, lon = PlantLon },
            localSourcingThreshold = 0.5,
        })).ExpectAsync(HttpStatusCode.Created))["id"]!;
        var anchor = await api.CreateCompanyAsync(["anchor"], "large");
        var plant = await SiteAsync(anchor.Id, cluster, null, PlantLat, PlantLon);
        var inside = await api.CreateCompanyAsync(["supplier"], "large");
        await SiteAsync(inside.Id, null, "RU-KLU", PlantLat, PlantLon);
        await SiteAsync(inside.Id, cluster, null, PlantLat, PlantLon); // its second site is in the cluster: "any site"
        var outside = await api.CreateCompanyAsync(["supplier"], "small");
        await SiteAsync(outside.Id, null, "RU-KLU", PlantLat, PlantLon);

        var near = await NeedAsync(anchor, plant, "25.62.10", 1_000_000m, 0.1);
        var far = await NeedAsync(anchor, plant, "25.62.10", 3_000_000m, 0.2);
        await PublishAsync(anchor, near, TimeSpan.FromDays(1));
        await PublishAsync(anchor, far, TimeSpan.FromDays(1));
        var nearBid = await BidAsync(inside, near, 0.6);
        var farBid = await BidAsync(outside, far, 0.4);
        api.Clock.Advance(TimeSpan.FromDays(2));
        await AwardAsync(anchor, near, nearBid);
        await AwardAsync(anchor, far, farBid);

        var report = await ReportAsync(api.Admin(), $"clusterId={cluster}");
        // 1M of 4M awarded went to a winner with a site in the cluster: 0.25 < 0.5.
        AssertClose(0.25, report["clusterSourcing"]!["share"]);
        AssertClose(0.5, report["clusterSourcing"]!["threshold"]);
        Assert.False((bool)report["clusterSourcing"]!["meetsThreshold"]!);
        // level (1M*0.6 + 3M*0.4) / 4M = 1.8/4; smeShare: the small winner's 3M / 4M.
        AssertClose(1.8 / 4, report["level"]);
        AssertClose(1.8 / 4, report["potentialLevel"]);
        AssertClose(0.75, report["smeShare"]);
        Assert.Equal(2, (int)report["awardedCount"]!);
        AssertGaps(report);
    }

    [Fact]
    public async Task Potential_ranks_each_need_under_its_own_scope_and_weights()
    {
        var cluster = await api.CreateClusterAsync(); // RU-KLU
        var anchor = await api.CreateCompanyAsync(["anchor"], "large");
        var plant = await SiteAsync(anchor.Id, cluster, null, PlantLat, PlantLon);
        var s1 = await api.CreateCompanyAsync(["supplier"], "small");
        var s2 = await api.CreateCompanyAsync(["supplier"], "medium");
        var s3 = await api.CreateCompanyAsync(["supplier"], "micro");
        await CapabilityAsync(s1.Id, await SiteAsync(s1.Id, cluster, null, PlantLat, PlantLon), "25.62.10", 0.5);
        await CapabilityAsync(s2.Id, await SiteAsync(s2.Id, cluster, null, FarLat, PlantLon), "25.62.10", 0.6);
        // At the plant's point and in its region, but in no cluster.
        await CapabilityAsync(s3.Id, await SiteAsync(s3.Id, null, "RU-KLU", PlantLat, PlantLon), "25.62.10", 0.95);

        var byCluster = await NeedAsync(anchor, plant, "25.62.10", 1_000_000m, 0.2);
        var byLocalization = await NeedAsync(anchor, plant, "25.62.10", 1_000_000m, 0.2,
            extra: new() { ["weights"] = new JsonObject { ["proximity"] = 0, ["capability"] = 0, ["localization"] = 1 } });
        var byRegion = await NeedAsync(anchor, plant, "25.62.10", 1_000_000m, 0.2, extra: new() { ["scope"] = "region" });
        var anywhere = await NeedAsync(anchor, plant, "25.62.10", 1_000_000m, 0.2, extra: new() { ["scope"] = "any" });
        foreach (var id in new[] { byCluster, byLocalization, byRegion, anywhere }) await PublishAsync(anchor, id, TimeSpan.FromDays(5));

        var report = await ReportAsync(api.Admin(), $"clusterId={cluster}", potential: 3.0 / 4);
        // level: every need at 0.2.
        AssertClose(0.2, report["level"]);
        // potential: scope cluster, default weights -> S1 (0.5: at the plant, beats S2 as in the main data set);
        // scope cluster, only localization weighted -> S2 (G 0.4 > 0.3) -> 0.6;
        // scope region -> S3 (same point, G 0.75 > 0.3) -> 0.95; scope any -> S3 -> 0.95.
        // (0.5 + 0.6 + 0.95 + 0.95) * 1M / 4M = 0.75
        AssertClose(3.0 / 4, report["potentialLevel"]);
        AssertGaps(report);
    }

    [Fact]
    public async Task Money_is_summed_exactly()
    {
        var cluster = await api.CreateClusterAsync();
        var anchor = await api.CreateCompanyAsync(["anchor"], "large");
        var plant = await SiteAsync(anchor.Id, cluster, null, PlantLat, PlantLon);
        await NeedAsync(anchor, plant, "26.11", 0.1m, 0.5);
        await NeedAsync(anchor, plant, "26.11.1", 0.2m, 0.5);
        await NeedAsync(anchor, plant, "27.12", 1234.56m, 0.5);

        var report = await ReportAsync(api.Admin(), $"clusterId={cluster}");
        // 0.1 + 0.2 + 1234.56 = 1234.86 exactly (decimals, not doubles); 26.11: 0.1 + 0.2 = 0.3.
        Assert.Equal(1234.86m, (decimal)report["annualValue"]!);
        AssertGaps(report, ("27.12", 1234.56m, 1), ("26.11", 0.3m, 2));
        AssertClose(0.5, report["level"]);
    }

    [Fact]
    public async Task Region_scope_reads_the_delivery_sites_own_region_not_its_clusters()
    {
        var cluster = await api.CreateClusterAsync(); // RU-KLU
        var anchor = await api.CreateCompanyAsync(["anchor"], "large");
        // In the cluster, but in region RU-VLA (api.md: a site's region may differ from its cluster's).
        var plant = await SiteAsync(anchor.Id, cluster, "RU-VLA", PlantLat, PlantLon);
        await NeedAsync(anchor, plant, "26.11", 2_000_000m, 0.25);

        var region = await ReportAsync(api.Admin(), "regionCode=RU-VLA");
        Assert.Equal(1, (int)region["needCount"]!);
        Assert.Equal(2_000_000m, (decimal)region["annualValue"]!);
        AssertClose(0.25, region["level"]);
        Assert.Null(region["clusterSourcing"]);
        var byCluster = await ReportAsync(api.Admin(), $"clusterId={cluster}");
        Assert.Equal(1, (int)byCluster["needCount"]!);
    }

    [Fact]
    public async Task A_deactivated_supplier_stops_counting_for_potential_and_gaps()
    {
        var cluster = await api.CreateClusterAsync();
        var anchor = await api.CreateCompanyAsync(["anchor"], "large");
        var plant = await SiteAsync(anchor.Id, cluster, null, PlantLat, PlantLon);
        var supplier = await api.CreateCompanyAsync(["supplier"], "small");
        await CapabilityAsync(supplier.Id, await SiteAsync(supplier.Id, cluster, null, PlantLat, PlantLon), "26.20.1", 0.9);
        var need = await NeedAsync(anchor, plant, "26.20.11", 1_000_000m, 0.3);
        await PublishAsync(anchor, need, TimeSpan.FromDays(5));

        var before = await ReportAsync(api.Admin(), $"clusterId={cluster}", potential: 0.9);
        AssertClose(0.9, before["potentialLevel"]); // max(0.3, 0.9)
        AssertGaps(before);

        await (await api.Admin().PatchJsonAsync($"/api/v1/companies/{supplier.Id}", new { active = false })).ExpectAsync(HttpStatusCode.OK);
        var after = await ReportAsync(api.Admin(), $"clusterId={cluster}", potential: 0.3);
        AssertClose(0.3, after["potentialLevel"]); // no match: currentLocalShare
        AssertGaps(after, ("26.20", 1_000_000m, 1));
        AssertClose(0.3, after["level"]);
    }

    // ---- validation ----

    [Theory]
    [InlineData("")]
    [InlineData("currency=RUB")]
    [InlineData("clusterId={cluster}&ownerId={owner}")]
    [InlineData("clusterId={cluster}&regionCode=RU-KLU")]
    [InlineData("regionCode=RU-KLU&ownerId={owner}")]
    [InlineData("clusterId={cluster}&regionCode=RU-KLU&ownerId={owner}")]
    public async Task Not_exactly_one_scope_is_400(string query)
    {
        var cluster = await api.CreateClusterAsync();
        var owner = await api.CreateCompanyAsync(["anchor"]);
        var path = "/api/v1/analytics/localization?" + query.Replace("{cluster}", cluster).Replace("{owner}", owner.Id);
        await (await api.Admin().GetAsync(path)).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
    }

    [Theory]
    [InlineData("clusterId=not-an-id", "clusterId")]
    [InlineData("clusterId=0190a4c2-0000-7000-8000-00000000000g", "clusterId")]
    [InlineData("ownerId=12345", "ownerId")]
    [InlineData("ownerId=", "ownerId")]
    [InlineData("regionCode=RU-XXX", "regionCode")]
    [InlineData("regionCode=US-CA", "regionCode")]
    [InlineData("regionCode=RU-KLU&currency=XYZ", "currency")]
    [InlineData("regionCode=RU-KLU&currency=", "currency")]
    [InlineData("regionCode=RU-KLU&currency=RUB&currency=USD", "currency")]
    [InlineData("regionCode=RU-KLU&regionCode=RU-TUL", "regionCode")]
    public async Task Malformed_values_are_400_naming_the_field(string query, string field) =>
        await (await api.Admin().GetAsync("/api/v1/analytics/localization?" + query)).ExpectFieldErrorAsync(field);

    // ---- visibility ----

    [Fact]
    public async Task A_company_reads_only_its_own_owner_id()
    {
        var cluster = await api.CreateClusterAsync();
        var anchor = await api.CreateCompanyAsync(["anchor"]);
        var other = await api.CreateCompanyAsync(["anchor"]);
        var client = api.As(anchor.Key);

        await ReportAsync(client, $"ownerId={anchor.Id}");
        foreach (var query in new[] { $"ownerId={other.Id}", $"clusterId={cluster}", "regionCode=RU-KLU" })
            await (await client.GetAsync("/api/v1/analytics/localization?" + query))
                .ExpectProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");

        // A supplier reads its own (empty) figures too.
        var supplier = await api.CreateCompanyAsync(["supplier"]);
        AssertEmpty(await ReportAsync(api.As(supplier.Key), $"ownerId={supplier.Id}"));
        await (await api.As(supplier.Key).GetAsync($"/api/v1/analytics/localization?ownerId={anchor.Id}"))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
    }

    [Fact]
    public async Task A_partner_acting_for_a_supplier_reads_that_suppliers_figures_only()
    {
        var supplier = await api.CreateCompanyAsync(["supplier", "anchor"]);
        var other = await api.CreateCompanyAsync(["anchor"]);
        var partner = await api.CreatePartnerAsync();
        await api.GrantAsync(supplier, partner);
        var client = api.AsPartner(partner, supplier.Id);
        AssertEmpty(await ReportAsync(client, $"ownerId={supplier.Id}"));
        await (await client.GetAsync($"/api/v1/analytics/localization?ownerId={other.Id}"))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
        // Without X-On-Behalf-Of a partner key may not call it (api.md, Auth and roles).
        await (await api.As(partner.Key).GetAsync($"/api/v1/analytics/localization?ownerId={supplier.Id}"))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "partner.on_behalf_required");
    }

    [Fact]
    public async Task Without_a_key_it_is_401()
    {
        var anchor = await api.CreateCompanyAsync(["anchor"]);
        var response = await api.Anonymous().GetAsync($"/api/v1/analytics/localization?ownerId={anchor.Id}");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task An_unknown_cluster_is_404_for_an_admin_and_403_for_a_company()
    {
        var unknown = Guid.CreateVersion7().ToString();
        await (await api.Admin().GetAsync($"/api/v1/analytics/localization?clusterId={unknown}"))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        var anchor = await api.CreateCompanyAsync(["anchor"]);
        await (await api.As(anchor.Key).GetAsync($"/api/v1/analytics/localization?clusterId={unknown}"))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
    }

    // ---- helpers ----

    /// The report once the supply index has caught up with the change feed. The background follower
    /// may finish an older load after CatchUpAsync, so when the supply just changed, `potential` (the
    /// expected potentialLevel) is awaited for up to 10 s; the caller then asserts every figure.
    private async Task<JsonNode> ReportAsync(HttpClient client, string query, double? potential = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            // Through a marker change: on PostgreSQL the feed holds changes back while an older
            // transaction on the server (another test's database included) still runs.
            await api.CatchUpThroughAsync(api.Services.GetRequiredService<SupplyIndex>());
            var report = await (await client.GetAsync("/api/v1/analytics/localization?" + query)).ExpectAsync(HttpStatusCode.OK);
            if (potential is not { } expected || DateTime.UtcNow > deadline
                || (report["potentialLevel"] is { } p && Math.Abs((double)p - expected) <= Tolerance))
                return report;
            await Task.Delay(50);
        }
    }

    private static void AssertEmpty(JsonNode report)
    {
        Assert.Null(report["level"]);
        Assert.Null(report["potentialLevel"]);
        Assert.Null(report["smeShare"]);
        Assert.Equal(0, (int)report["needCount"]!);
        Assert.Equal(0, (int)report["awardedCount"]!);
        Assert.Equal(0m, (decimal)report["annualValue"]!);
        Assert.Empty(report["gaps"]!.AsArray());
    }

    private static void AssertClose(double expected, JsonNode? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected, (double)actual, Tolerance);
    }

    private static void AssertGaps(JsonNode report, params (string Code, decimal Value, int Count)[] expected)
    {
        var gaps = report["gaps"]!.AsArray()
            .Select(g => ((string)g!["categoryCode"]!, (decimal)g["annualValue"]!, (int)g["needCount"]!)).ToList();
        Assert.Equal(expected.ToList(), gaps);
    }

    private async Task<string> SiteAsync(string companyId, string? clusterId, string? regionCode, double lat, double lon)
    {
        var site = await (await api.Admin().PostJsonAsync($"/api/v1/companies/{companyId}/sites", new
        {
            name = $"Site {Guid.NewGuid():N}", lat, lon, clusterId, regionCode,
        })).ExpectAsync(HttpStatusCode.Created);
        return (string)site["id"]!;
    }

    private async Task CapabilityAsync(string companyId, string siteId, string categoryCode, double localShare) =>
        await (await api.Admin().PostJsonAsync($"/api/v1/companies/{companyId}/capabilities", new
        {
            siteId, categoryCode, capacityPerMonth = 5000, unit = "PCE", localShare,
        })).ExpectAsync(HttpStatusCode.Created);

    private async Task<string> NeedAsync(TestCompany owner, string siteId, string categoryCode, decimal annualValue,
        double currentLocalShare, string currency = "RUB", JsonObject? extra = null)
    {
        var body = new JsonObject
        {
            ["title"] = $"Need {categoryCode}", ["categoryCode"] = categoryCode, ["quantityPerMonth"] = 100, ["unit"] = "PCE",
            ["deliverySiteId"] = siteId, ["currentLocalShare"] = currentLocalShare, ["annualValue"] = annualValue, ["currency"] = currency,
        };
        foreach (var (key, value) in extra ?? []) body[key] = value?.DeepClone();
        var need = await (await api.As(owner.Key).PostJsonAsync("/api/v1/needs", body)).ExpectAsync(HttpStatusCode.Created);
        return (string)need["id"]!;
    }

    private async Task PublishAsync(TestCompany owner, string needId, TimeSpan open) =>
        await (await api.As(owner.Key).PostJsonAsync($"/api/v1/needs/{needId}/publish",
            new { bidDeadline = api.Clock.GetUtcNow().Add(open) })).ExpectAsync(HttpStatusCode.OK);

    private async Task<string> BidAsync(TestCompany supplier, string needId, double localShare)
    {
        var bid = await (await api.As(supplier.Key).PostJsonAsync($"/api/v1/needs/{needId}/bids",
            new { unitPrice = 12.5m, leadTimeDays = 14, localShare })).ExpectAsync(HttpStatusCode.Created);
        return (string)bid["id"]!;
    }

    private async Task AwardAsync(TestCompany owner, string needId, string bidId)
    {
        var need = await (await api.As(owner.Key).PostJsonAsync($"/api/v1/needs/{needId}/award", new { bidId }))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("awarded", (string?)need["status"]);
    }
}

public sealed class LocalizationTestsOnSqlite(SqliteApi api) : LocalizationTests(api), IClassFixture<SqliteApi>;
public sealed class LocalizationTestsOnPostgres(PostgresApi api) : LocalizationTests(api), IClassFixture<PostgresApi>;
