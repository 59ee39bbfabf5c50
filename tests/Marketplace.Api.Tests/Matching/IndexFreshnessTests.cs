using System.Net;
using Dapper;
using Marketplace.Api.Tests.Catalog;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Domain.Matching;
using Marketplace.Infrastructure.Database;
using Marketplace.Infrastructure.Matching;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Api.Tests.Matching;

/// The index follows the change feed: every kind of supply change made through the API (and a
/// site moved under it, which the API cannot do yet) shows in the next query after a catch-up, and
/// the caught-up index answers exactly like one loaded from scratch; and a second application
/// instance on the same database sees writes made through the first, none skipped.
public abstract class IndexFreshnessTests(ApiFactory api)
{
    [Fact]
    public async Task Catch_up_applies_capability_site_and_company_changes_made_through_the_API()
    {
        var cluster = await api.CreateClusterAsync("RU-KLU", 54.5, 36.25);
        var owner = await api.CreateCompanyAsync(roles: ["anchor"], size: "large");
        var a = await api.CreateCompanyAsync(size: "small");
        var b = await api.CreateCompanyAsync(size: "medium");
        var siteA = await api.SiteAtAsync(a.Id, 54.5, 36.25, cluster);
        var farA = await api.SiteAtAsync(a.Id, 54.6, 36.25, cluster);
        var siteB = await api.SiteAtAsync(b.Id, 54.52, 36.3, cluster);
        // A group of its own, so that nothing else in this database is listed.
        var need = new MatchNeed(Guid.Parse(owner.Id), "27.11.10", 100, "PCE", [], 54.5, 36.25, Guid.Parse(cluster), "RU-KLU",
            0.2, 0, 1_000_000, MatchScope.Cluster, null, null, null, 1_000_000);
        Assert.Empty(await MatchesAsync(need));

        var capA = await api.CapabilityAsync(a.Id, siteA, "27.11.10", 500, 0.8);
        var matches = await MatchesAsync(need);
        Assert.Equal(Guid.Parse(capA), Assert.Single(matches).CapabilityId);
        Assert.Equal(0.8, matches[0].LocalShare);
        Assert.Equal(0, matches[0].DistanceKm);

        await (await api.Admin().SendJsonAsync(HttpMethod.Put, $"/api/v1/companies/{a.Id}/capabilities/{capA}", new
        {
            siteId = farA, categoryCode = "27.11.10.110", capacityPerMonth = 40, unit = "PCE", localShare = 0.95,
        })).ExpectAsync(HttpStatusCode.OK);
        matches = await MatchesAsync(need);
        Assert.Equal(0.95, Assert.Single(matches).LocalShare);
        Assert.Equal(0.4, matches[0].CapacityCoverage);
        Assert.Equal("27.11.10.110", matches[0].CategoryCode);
        Assert.Equal(Guid.Parse(farA), matches[0].SiteId);
        Assert.Equal(MatchFormula.DistanceKm(54.5, 36.25, 54.6, 36.25), matches[0].DistanceKm);

        var capB = await api.CapabilityAsync(b.Id, siteB, "27.11.10", 500, 0.5);
        matches = await MatchesAsync(need);
        Assert.Equal([Guid.Parse(a.Id), Guid.Parse(b.Id)], matches.Select(m => m.CompanyId).Order());

        // Sites have no update endpoint yet: moved under the API, with the change row a write records.
        await using (var db = api.OpenDb())
        {
            await using var connection = await db.OpenAsync(CancellationToken.None);
            await using var tx = await db.BeginWriteAsync(connection, CancellationToken.None);
            await connection.ExecuteAsync("UPDATE sites SET lat = @lat, lon = @lon WHERE id = @id",
                new { lat = 54.7, lon = 36.4, id = Guid.Parse(siteB) }, tx);
            await ChangeFeed.RecordAsync(connection, tx, db.Dialect, ChangeKinds.Site, Guid.Parse(siteB), DateTimeOffset.UtcNow, CancellationToken.None);
            await tx.CommitAsync();
        }
        matches = await MatchesAsync(need);
        Assert.Equal(MatchFormula.DistanceKm(54.5, 36.25, 54.7, 36.4), matches.Single(m => m.CompanyId == Guid.Parse(b.Id)).DistanceKm);

        await (await api.Admin().PatchJsonAsync($"/api/v1/companies/{a.Id}", new { active = false })).ExpectAsync(HttpStatusCode.OK);
        matches = await MatchesAsync(need);
        Assert.Equal(Guid.Parse(capB), Assert.Single(matches).CapabilityId);

        await (await api.Admin().PatchJsonAsync($"/api/v1/companies/{b.Id}", new { certifications = new[] { "ISO9001" } }))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Single(await MatchesAsync(need with { RequiredCertifications = ["ISO9001"] }));
        Assert.Empty(await MatchesAsync(need with { RequiredCertifications = ["ISO9001", "GMP"] }));

        await (await api.Admin().DeleteAsync($"/api/v1/companies/{b.Id}/capabilities/{capB}")).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Empty(await MatchesAsync(need));

        await (await api.Admin().PatchJsonAsync($"/api/v1/companies/{a.Id}", new { active = true })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(Guid.Parse(capA), Assert.Single(await MatchesAsync(need)).CapabilityId);
    }

    [Fact]
    public async Task A_capability_written_through_one_instance_is_matched_through_another_within_10_s_and_none_is_skipped()
    {
        var second = api.OnSameDatabase();
        try
        {
            var (owner, cluster, need, suppliers) = await NeedAndNeighboursAsync("27.12.10", 30, ["supplier"], "micro");
            Assert.Empty((await (await second.Admin().GetAsync($"/api/v1/needs/{need}/matches?limit=200")).ExpectAsync(HttpStatusCode.OK))["items"]!.AsArray());

            // Written side by side, so that on a server their transactions commit in any order.
            var written = await Task.WhenAll(suppliers.Select(s => api.CapabilityAsync(s.Company, s.Site, "27.12.10", 500, 0.9)));

            var deadline = DateTime.UtcNow.AddSeconds(10);
            HashSet<string> listed;
            while (true)
            {
                var page = await (await second.Admin().GetAsync($"/api/v1/needs/{need}/matches?limit=200")).ExpectAsync(HttpStatusCode.OK);
                listed = page["items"]!.AsArray().Select(i => (string)i!["capabilityId"]!).ToHashSet();
                if (listed.IsSupersetOf(written) || DateTime.UtcNow > deadline) break;
                await Task.Delay(50);
            }
            Assert.True(listed.IsSupersetOf(written), $"{written.Except(listed).Count()} of {written.Length} capabilities never appeared through the second instance");
            Assert.Equal(written.Length, listed.Count);

            // Nothing skipped anywhere: the second instance's index answers like one loaded from scratch.
            var (followed, fresh) = await FollowedAndFreshAsync(second);
            var matchNeed = new MatchNeed(Guid.Parse(owner.Id), "27.12.10", 100, "PCE", [], 54.5, 36.25, Guid.Parse(cluster), "RU-KLU",
                0.2, 0.3, 1_000_000, MatchScope.Any, null, null, null, 1_000_000);
            MatchAssert.SameList(fresh.Query(matchNeed, new MatchOptions(true), 200, null).Items,
                followed.Query(matchNeed, new MatchOptions(true), 200, null).Items, "followed vs loaded");
        }
        finally
        {
            await second.DisposeAsync();
        }
    }

    [Fact]
    public async Task Catalogs_written_beside_one_instance_are_matched_through_another_within_10_s_and_their_deletions_too()
    {
        var second = api.OnSameDatabase();
        try
        {
            var (_, _, need, wholesalers) = await NeedAndNeighboursAsync("27.13.10", 12, ["wholesaler"], "medium");
            var path = $"/api/v1/needs/{need}/matches?limit=200&includeCatalog=true";
            Assert.Empty((await (await second.Admin().GetAsync(path)).ExpectAsync(HttpStatusCode.OK))["items"]!.AsArray());

            // One catalog change each, written side by side, so that on a server they commit in any order.
            await Task.WhenAll(wholesalers.Select(w => api.PutItemsAsync(w.Company,
                CatalogScenario.Item($"SKU-{w.Company}", "27.13.10", warehouseSiteId: Guid.Parse(w.Site)))));
            var expected = wholesalers.Select(w => $"SKU-{w.Company}").ToHashSet();
            Assert.Equal(expected, await SkusThroughAsync(second, path, listed => listed.SetEquals(expected)));

            await Task.WhenAll(wholesalers.Select(w => api.RemoveItemsAsync(w.Company, $"SKU-{w.Company}")));
            Assert.Empty(await SkusThroughAsync(second, path, listed => listed.Count == 0));
            await FollowedAndFreshAsync(second);
        }
        finally
        {
            await second.DisposeAsync();
        }
    }

    /// The second instance's index caught up, and one loaded from scratch: the same candidates.
    private async Task<(SupplyIndex Followed, SupplyIndex Fresh)> FollowedAndFreshAsync(ApiFactory second)
    {
        var followed = second.Services.GetRequiredService<SupplyIndex>();
        await api.CatchUpThroughAsync(followed);
        await using var db = api.OpenDb();
        var fresh = new SupplyIndex(db);
        await fresh.LoadAsync(CancellationToken.None);
        Assert.Equal(fresh.Count, followed.Count);
        Assert.Equal(fresh.CatalogItemCount, followed.CatalogItemCount);
        return (followed, fresh);
    }

    /// A need (scope cluster) at a new cluster's centre, and `count` companies with a site each beside it.
    private async Task<(TestCompany Owner, string Cluster, string Need, List<(string Company, string Site)> Neighbours)> NeedAndNeighboursAsync(
        string categoryCode, int count, string[] roles, string size)
    {
        var cluster = await api.CreateClusterAsync("RU-KLU", 54.5, 36.25);
        var owner = await api.CreateCompanyAsync(roles: ["anchor"], size: "large");
        var ownerSite = await api.SiteAtAsync(owner.Id, 54.5, 36.25, cluster);
        var need = (string)(await api.NeedAsync(owner, ownerSite, categoryCode: categoryCode, scope: "cluster"))["id"]!;
        var neighbours = new List<(string Company, string Site)>();
        for (var i = 0; i < count; i++)
        {
            var company = await api.CreateCompanyAsync(roles: roles, size: size);
            neighbours.Add((company.Id, await api.SiteAtAsync(company.Id, 54.5 + i * 0.001, 36.25, cluster)));
        }
        return (owner, cluster, need, neighbours);
    }

    /// The skus listed through `instance`, polled until `done` holds or 10 s pass.
    private static async Task<HashSet<string>> SkusThroughAsync(ApiFactory instance, string path, Func<HashSet<string>, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var page = await (await instance.Admin().GetAsync(path)).ExpectAsync(HttpStatusCode.OK);
            var listed = page["items"]!.AsArray().Select(i => (string)i!["sku"]!).ToHashSet();
            if (done(listed) || DateTime.UtcNow > deadline) return listed;
            await Task.Delay(50);
        }
    }

    /// Every match of the need from the application's index after a catch-up, checked against an
    /// index loaded from scratch (bit for bit).
    private async Task<IReadOnlyList<Match>> MatchesAsync(MatchNeed need)
    {
        var index = await api.CaughtUpIndexAsync();
        var items = index.Query(need, new MatchOptions(), 200, null).Items;
        await using var db = api.OpenDb();
        var fresh = new SupplyIndex(db);
        await fresh.LoadAsync(CancellationToken.None);
        MatchAssert.SameList(fresh.Query(need, new MatchOptions(), 200, null).Items, items, "caught up vs loaded");
        return items;
    }
}

public sealed class IndexFreshnessTestsOnSqlite(SqliteApi api) : IndexFreshnessTests(api), IClassFixture<SqliteApi>;
public sealed class IndexFreshnessTestsOnPostgres(PostgresApi api) : IndexFreshnessTests(api), IClassFixture<PostgresApi>;
