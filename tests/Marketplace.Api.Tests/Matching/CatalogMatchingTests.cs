using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Api.Tests.Catalog;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Domain.Matching;
using Marketplace.Infrastructure.Database;
using Marketplace.Infrastructure.Matching;

namespace Marketplace.Api.Tests.Matching;

/// Wholesaler catalog items as candidates (matching.md, Inputs): ranked with capabilities only with
/// includeCatalog=true, every field against hand-computed values, each catalog rule, one entry per
/// company, and the index following catalog, site and company changes. Every test uses a category
/// group of its own, so that the others' supply in this database is never listed.
public abstract class CatalogMatchingTests(ApiFactory api)
{
    private const double Tolerance = 1e-12;

    [Fact]
    public async Task Capabilities_and_catalog_items_rank_together_with_every_field_as_computed_by_hand()
    {
        var cluster = await api.CreateClusterAsync("RU-KLU", 54.6, 36.3);
        var owner = await api.CreateCompanyAsync(["anchor"], "large");
        var ownerSite = await api.SiteAtAsync(owner.Id, 54.6, 36.3, cluster);
        var need = (string)(await NeedAsync(owner, ownerSite, "31.01.10", scope: "any"))["id"]!;
        await NeedAsync(owner, ownerSite, "31.01.10", annualValue: 3_000_000); // the owner spends 4,000,000 a year
        var supplierName = $"Supplier {Guid.NewGuid():N}";
        var supplier = await api.CreateCompanyAsync(["supplier"], "small", supplierName);
        var supplierSite = await api.SiteAtAsync(supplier.Id, 54.6, 36.3, cluster);
        var capability = await api.CapabilityAsync(supplier.Id, supplierSite, "31.01.10", 50, 0.9);
        var wholesalerName = $"Wholesaler {Guid.NewGuid():N}";
        var wholesaler = await api.CreateCompanyAsync(["wholesaler"], "medium", wholesalerName);
        var warehouse = await api.SiteAtAsync(wholesaler.Id, 55.6, 36.3, null);
        var largeName = $"Large wholesaler {Guid.NewGuid():N}";
        var large = await api.CreateCompanyAsync(["wholesaler"], "large", largeName);
        var largeWarehouse = await api.SiteAtAsync(large.Id, 54.6, 36.3, cluster);
        await api.PutItemsAsync(wholesaler.Id,
            CatalogScenario.Item("W-1", "31.01", stock: 500, localShare: 0.5m, warehouseSiteId: Guid.Parse(warehouse)),
            // Better on paper, but no stock, no local share or no warehouse: not candidates.
            CatalogScenario.Item("W-0", "31.01.10", stock: 0, localShare: 1m, warehouseSiteId: Guid.Parse(warehouse)),
            CatalogScenario.Item("W-2", "31.01.10", stock: 900, localShare: null, warehouseSiteId: Guid.Parse(warehouse)),
            CatalogScenario.Item("W-3", "31.01.10", stock: 900, localShare: 1m, warehouseSiteId: null));
        await api.PutItemsAsync(large.Id,
            CatalogScenario.Item("L-1", "31.01.10.110", stock: 40, localShare: 1m, warehouseSiteId: Guid.Parse(largeWarehouse)));
        await api.CaughtUpIndexAsync();

        var items = await MatchesAsync(owner, need, "?includeCatalog=true");
        Assert.Equal(3, items.Count);
        // L-1: d 0, P 1; m 1 (more specific), k 40/100 = 0.4, C 0.7 + 0.12 = 0.82; G 1 - 0.2 = 0.8;
        // S 0.3 + 0.4 * 0.82 + 0.3 * 0.8 = 0.868; gain 100 * 1,000,000 * 0.8 / 4,000,000 = 20. A large
        // wholesaler: the size rule does not apply to items.
        Expect(items[0]!, "catalogItem", large.Id, largeName, "large", largeWarehouse, null, "L-1", "31.01.10.110",
            score: 0.868, proximity: 1, capability: 0.82, localization: 0.8, distanceKm: 0, categoryMatch: 1, coverage: 0.4,
            localShare: 1, gain: 20);
        // The capability: matching.md's c-1 (S 0.85, gain 17.5).
        Expect(items[1]!, "capability", supplier.Id, supplierName, "small", supplierSite, capability, null, "31.01.10",
            score: 0.85, proximity: 1, capability: 0.85, localization: 0.7, distanceKm: 0, categoryMatch: 1, coverage: 0.5,
            localShare: 0.9, gain: 17.5);
        // W-1: matching.md's c-2 with stock 500 as the capacity (coverage 1), at the warehouse 1 degree north.
        Expect(items[2]!, "catalogItem", wholesaler.Id, wholesalerName, "medium", warehouse, null, "W-1", "31.01",
            score: 0.535467064055, proximity: 0.462667991294, capability: 0.766666666667, localization: 0.3,
            distanceKm: 111.195080233533, categoryMatch: 2.0 / 3, coverage: 1, localShare: 0.5, gain: 7.5);

        // Without includeCatalog (or with false) only the capability.
        foreach (var query in new[] { "", "?includeCatalog=false", "?includeLarge=true" })
            Assert.Equal(capability, (string?)Assert.Single(await MatchesAsync(owner, need, query))!["capabilityId"]);
    }

    public static TheoryData<string, string, bool> Rules => new()
    {
        { "eligible", "41.01", true },
        { "stock 0", "41.02", false },
        { "null localShare", "41.03", false },
        { "no warehouse site", "41.04", false },
        { "unit differs", "41.05", false },
        { "the wholesaler lacks a required certification", "41.06", false },
        { "the wholesaler holds the required certification", "41.07", true },
        { "inactive wholesaler", "41.08", false },
        { "large wholesaler without includeLarge", "41.09", true },
        { "supplier role without the wholesaler role", "41.10", false },
        { "the need's owner is the wholesaler", "41.11", false },
        { "scope cluster, warehouse in another cluster", "41.12", false },
        { "scope cluster, warehouse without a cluster", "41.13", false },
        { "scope region, warehouse in another region", "41.14", false },
        { "scope region, warehouse without a cluster in the region", "41.15", true },
        { "scope radius, warehouse beyond it", "41.16", false },
        { "scope radius, warehouse within it", "41.17", true },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public async Task A_catalog_item_is_listed_only_when_every_rule_holds(string rule, string group, bool listed)
    {
        var cluster = await api.CreateClusterAsync("RU-KLU", 54.6, 36.3);
        var otherCluster = await api.CreateClusterAsync("RU-KLU", 54.61, 36.3);
        var wholesaler = await api.CreateCompanyAsync(rule switch
        {
            "supplier role without the wholesaler role" => ["supplier"],
            "the need's owner is the wholesaler" => ["wholesaler"], // a wholesaler may post needs
            _ => ["wholesaler"],
        }, rule == "large wholesaler without includeLarge" ? "large" : "small",
            certifications: rule == "the wholesaler holds the required certification" ? ["GMP", "ISO9001"] : ["GMP"]);
        var (lat, warehouseCluster, region) = rule switch
        {
            "scope cluster, warehouse in another cluster" => (54.6, otherCluster, "RU-KLU"),
            "scope cluster, warehouse without a cluster" => (54.6, null, "RU-KLU"),
            "scope region, warehouse in another region" => (54.6, null, "RU-TUL"),
            "scope region, warehouse without a cluster in the region" => (54.6, null, "RU-KLU"),
            "scope radius, warehouse beyond it" or "scope radius, warehouse within it" => (55.6, null, "RU-KLU"),
            _ => (54.6, cluster, "RU-KLU"),
        };
        var warehouse = await api.SiteAtAsync(wholesaler.Id, lat, 36.3, warehouseCluster, region);
        var owner = rule == "the need's owner is the wholesaler" ? wholesaler : await api.CreateCompanyAsync(["anchor"], "large");
        var ownerSite = await api.SiteAtAsync(owner.Id, 54.6, 36.3, cluster);
        var need = (string)(await NeedAsync(owner, ownerSite, group + ".10",
            scope: rule.StartsWith("scope region", StringComparison.Ordinal) ? "region"
                : rule.StartsWith("scope radius", StringComparison.Ordinal) ? "radius" : "cluster",
            radiusKm: rule == "scope radius, warehouse beyond it" ? 111.19 : rule == "scope radius, warehouse within it" ? 111.2 : null,
            certifications: rule.Contains("certification", StringComparison.Ordinal) ? ["ISO9001"] : []))["id"]!;
        await api.PutItemsAsync(wholesaler.Id, CatalogScenario.Item("SKU-1", group + ".10",
            unit: rule == "unit differs" ? "KGM" : "PCE", stock: rule == "stock 0" ? 0 : 100,
            localShare: rule == "null localShare" ? null : 0.9m,
            warehouseSiteId: rule == "no warehouse site" ? null : Guid.Parse(warehouse)));
        if (rule == "inactive wholesaler")
            await (await api.Admin().PatchJsonAsync($"/api/v1/companies/{wholesaler.Id}", new { active = false })).ExpectAsync(HttpStatusCode.OK);
        await api.CaughtUpIndexAsync();

        var items = await MatchesAsync(api.Admin(), need, "?includeCatalog=true");
        if (!listed)
        {
            Assert.Empty(items);
            return;
        }
        var item = Assert.Single(items)!;
        Assert.Equal("catalogItem", (string?)item["kind"]);
        Assert.Equal(wholesaler.Id, (string?)item["companyId"]);
        Assert.Equal("SKU-1", (string?)item["sku"]);
        Assert.Equal(warehouse, (string?)item["siteId"]);
        Assert.Empty(await MatchesAsync(api.Admin(), need, ""));
    }

    [Fact]
    public async Task A_company_that_is_supplier_and_wholesaler_appears_once_capability_first_then_the_smallest_sku()
    {
        var owner = await api.CreateCompanyAsync(["anchor"], "large");
        var need = (string)(await NeedAsync(owner, await api.SiteAtAsync(owner.Id, 54.6, 36.3, null), "33.01.10", scope: "any"))["id"]!;
        var both = await api.CreateCompanyAsync(["supplier", "wholesaler"], "small");
        var site = await api.SiteAtAsync(both.Id, 54.7, 36.3, null);
        var capability = await api.CapabilityAsync(both.Id, site, "33.01.10", 50, 0.9);
        // The same facts as the capability, so that all three tie on score, gain and distance.
        await api.PutItemsAsync(both.Id,
            CatalogScenario.Item("b-2", "33.01.10", stock: 50, localShare: 0.9m, warehouseSiteId: Guid.Parse(site)),
            CatalogScenario.Item("B-1", "33.01.10", stock: 50, localShare: 0.9m, warehouseSiteId: Guid.Parse(site)));
        await api.CaughtUpIndexAsync();
        var match = Assert.Single(await MatchesAsync(owner, need, "?includeCatalog=true"))!;
        Assert.Equal("capability", (string?)match["kind"]);
        Assert.Equal(capability, (string?)match["capabilityId"]);

        // Without the capability the items tie: the smallest sku, ordinal ("B" is U+0042, "b" U+0062).
        await (await api.Admin().DeleteAsync($"/api/v1/companies/{both.Id}/capabilities/{capability}")).ExpectAsync(HttpStatusCode.NoContent);
        await api.CaughtUpIndexAsync();
        match = Assert.Single(await MatchesAsync(owner, need, "?includeCatalog=true"))!;
        Assert.Equal("catalogItem", (string?)match["kind"]);
        Assert.Equal("B-1", (string?)match["sku"]);
        Assert.Null((string?)match["capabilityId"]);
        Assert.Empty(await MatchesAsync(owner, need, ""));

        // A better item wins whatever its sku.
        await api.PutItemsAsync(both.Id, CatalogScenario.Item("z-9", "33.01.10", stock: 50, localShare: 0.95m, warehouseSiteId: Guid.Parse(site)));
        await api.CaughtUpIndexAsync();
        Assert.Equal("z-9", (string?)Assert.Single(await MatchesAsync(owner, need, "?includeCatalog=true"))!["sku"]);
    }

    [Fact]
    public async Task The_index_follows_items_put_replaced_and_deleted_and_their_warehouse_and_wholesaler_changes()
    {
        var cluster = await api.CreateClusterAsync("RU-KLU", 54.5, 36.25);
        var owner = await api.CreateCompanyAsync(["anchor"], "large");
        var wholesaler = await api.CreateCompanyAsync(["wholesaler"], "small");
        var warehouse = await api.SiteAtAsync(wholesaler.Id, 54.5, 36.25, cluster);
        var need = new MatchNeed(Guid.Parse(owner.Id), "34.01.10", 100, "PCE", [], 54.5, 36.25, Guid.Parse(cluster), "RU-KLU",
            0.2, 0.3, 1_000_000, MatchScope.Cluster, null, null, null, 1_000_000);
        Assert.Empty(await FollowedMatchesAsync(need));

        var w = Guid.Parse(warehouse);
        await api.PutItemsAsync(wholesaler.Id, CatalogScenario.Item("A", "34.01.10", stock: 80, localShare: 0.5m, warehouseSiteId: w),
            CatalogScenario.Item("B", "34.01.10.110", stock: 100, localShare: 0.7m, warehouseSiteId: w));
        var match = Assert.Single(await FollowedMatchesAsync(need));
        Assert.Equal(("B", 0.7, 1.0), (match.Sku, match.LocalShare, match.CapacityCoverage));

        // B replaced (a row replaces all fields): A is now the better one.
        await api.PutItemsAsync(wholesaler.Id, CatalogScenario.Item("B", "34.01.10", stock: 30, localShare: 0.4m, warehouseSiteId: w));
        match = Assert.Single(await FollowedMatchesAsync(need));
        Assert.Equal(("A", 0.5, 0.8), (match.Sku, match.LocalShare, match.CapacityCoverage));

        await api.RemoveItemsAsync(wholesaler.Id, "A");
        match = Assert.Single(await FollowedMatchesAsync(need));
        Assert.Equal(("B", 0.4, 0.3), (match.Sku, match.LocalShare, match.CapacityCoverage));

        // The warehouse moved (no update endpoint yet: under the API, with its change row), still in the cluster.
        await using (var db = api.OpenDb())
        {
            await using var connection = await db.OpenAsync(CancellationToken.None);
            await using var tx = await db.BeginWriteAsync(connection, CancellationToken.None);
            await connection.ExecuteAsync("UPDATE sites SET lat = @lat, lon = @lon WHERE id = @id", new { lat = 54.7, lon = 36.4, id = w }, tx);
            await ChangeFeed.RecordAsync(connection, tx, db.Dialect, ChangeKinds.Site, w, DateTimeOffset.UtcNow, CancellationToken.None);
            await tx.CommitAsync();
        }
        match = Assert.Single(await FollowedMatchesAsync(need));
        Assert.Equal(MatchFormula.DistanceKm(54.5, 36.25, 54.7, 36.4), match.DistanceKm);
        Assert.Equal(w, match.SiteId);

        // Company facts: name, certifications, active.
        await (await api.Admin().PatchJsonAsync($"/api/v1/companies/{wholesaler.Id}", new { name = "Renamed wholesaler", certifications = new[] { "GMP" } }))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Renamed wholesaler", Assert.Single(await FollowedMatchesAsync(need with { RequiredCertifications = ["GMP"] })).CompanyName);
        await (await api.Admin().PatchJsonAsync($"/api/v1/companies/{wholesaler.Id}", new { active = false })).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(await FollowedMatchesAsync(need));
        await (await api.Admin().PatchJsonAsync($"/api/v1/companies/{wholesaler.Id}", new { active = true })).ExpectAsync(HttpStatusCode.OK);
        Assert.Single(await FollowedMatchesAsync(need));

        await api.RemoveItemsAsync(wholesaler.Id, "B");
        Assert.Empty(await FollowedMatchesAsync(need));
    }

    [Fact]
    public async Task A_need_whose_only_eligible_candidate_is_a_catalog_item_is_not_a_gap()
    {
        var cluster = await api.CreateClusterAsync("RU-KLU", 54.5, 36.25);
        var owner = await api.CreateCompanyAsync(["anchor"], "large");
        await NeedAsync(owner, await api.SiteAtAsync(owner.Id, 54.5, 36.25, cluster), "35.01.10");
        var wholesaler = await api.CreateCompanyAsync(["wholesaler"], "large");
        var warehouse = await api.SiteAtAsync(wholesaler.Id, 54.52, 36.25, cluster);
        await api.CaughtUpIndexAsync();
        var gaps = (await GapsAsync(owner)).Select(g => (string)g!["categoryCode"]!);
        Assert.Equal(["35.01"], gaps);

        await api.PutItemsAsync(wholesaler.Id, CatalogScenario.Item("SKU-1", "35.01.10", localShare: 0.9m, warehouseSiteId: Guid.Parse(warehouse)));
        await api.CaughtUpIndexAsync();
        Assert.Empty(await GapsAsync(owner));
    }

    [Fact]
    public async Task A_catalog_stored_out_of_sku_order_ranks_by_sku_when_the_index_is_loaded_whole()
    {
        // PostgreSQL stores rows as written (SQLite's table is in key order): the second write's skus
        // sort before the first's, and it writes them in descending order, so a full load reads them
        // out of sku order. Two items lead, tied; a company's tie goes to its smallest sku (matching.md).
        var cluster = await api.CreateClusterAsync("RU-KLU", 54.5, 36.25);
        var wholesaler = await api.CreateCompanyAsync(["wholesaler"], "large");
        var warehouse = Guid.Parse(await api.SiteAtAsync(wholesaler.Id, 54.52, 36.25, cluster));
        Marketplace.Infrastructure.Catalog.CatalogItem Item(string sku) => CatalogScenario.Item(sku, "37.01.10", stock: 100,
            localShare: sku is "m-17" or "a-30" ? 0.9m : 0.8m, warehouseSiteId: warehouse);
        await api.PutItemsAsync(wholesaler.Id, [.. Enumerable.Range(0, 40).Select(i => Item($"m-{i:D2}"))]);
        await api.PutItemsAsync(wholesaler.Id, [.. Enumerable.Range(0, 40).Select(i => Item($"a-{39 - i:D2}"))]);
        var need = new MatchNeed(Guid.NewGuid(), "37.01.10", 100, "PCE", [], 54.5, 36.25, Guid.Parse(cluster), "RU-KLU", 0.2, 0.3,
            1_000_000, MatchScope.Cluster, null, null, null, 4_000_000);

        var match = Assert.Single(await FollowedMatchesAsync(need));
        Assert.Equal(("a-30", 0.9), (match.Sku, match.LocalShare));
    }

    [Fact]
    public async Task Large_catalogs_at_one_warehouse_rank_exactly_like_MatchFormula_on_every_page()
    {
        // Hundreds of items of one company at one place, many tied: the index skips nodes of one
        // company once it has a better match; every page, walked with cursors, must still be exact.
        var cluster = await api.CreateClusterAsync("RU-KLU", 54.5, 36.25);
        var rng = new Random(20261201);
        var candidates = new List<Candidate>();
        foreach (var (size, lat) in new[] { ("medium", 54.5), ("large", 54.5), ("small", 54.52) })
        {
            var name = $"Wholesaler {Guid.NewGuid():N}";
            var wholesaler = await api.CreateCompanyAsync(["wholesaler"], size, name);
            var warehouse = await api.SiteAtAsync(wholesaler.Id, lat, 36.25, cluster);
            var items = Enumerable.Range(0, 300).Select(i => CatalogScenario.Item(
                $"{(i % 3 == 0 ? "a" : i % 3 == 1 ? "B" : "b")}-{i}", new[] { "36.01", "36.01.1", "36.01.10", "36.01.10.110" }[rng.Next(4)],
                rng.NextDouble() < 0.9 ? "PCE" : "KGM", stock: new long[] { 0, 50, 100, 1000 }[rng.Next(4)],
                localShare: new decimal?[] { null, 0.2m, 0.5m, 0.8m, 0.9m, 1m }[rng.Next(6)], warehouseSiteId: Guid.Parse(warehouse))).ToArray();
            await api.PutItemsAsync(wholesaler.Id, items);
            candidates.AddRange(items.Where(i => i.Stock > 0 && i.LocalShare is not null).Select(i => new Candidate(CandidateKind.CatalogItem,
                Guid.Parse(wholesaler.Id), name, Domain.Companies.CompanySizes.TryParse(size, out var s) ? s : default, true,
                Domain.Companies.CompanyRole.Wholesaler, new HashSet<string>(), Guid.Parse(warehouse), lat, 36.25, Guid.Parse(cluster),
                "RU-KLU", null, i.Sku, i.CategoryCode, i.Stock, i.Unit, (double)i.LocalShare!.Value)));
        }
        var index = await api.CaughtUpIndexAsync();
        var owner = Guid.NewGuid();
        foreach (var code in new[] { "36.01", "36.01.10", "36.01.10.110" })
        foreach (var (scope, radius) in new[] { (MatchScope.Cluster, (double?)null), (MatchScope.Any, null), (MatchScope.Radius, 1.0) })
        foreach (var min in new[] { 0.0, 0.5, 0.9 })
        foreach (var weights in new MatchWeights?[] { null, new(0, 1, 0), new(0, 0, 1), new(1, 0.1, 0) })
        {
            var need = new MatchNeed(owner, code, 100, "PCE", [], 54.5, 36.25, Guid.Parse(cluster), "RU-KLU", 0.2, min, 1_000_000,
                scope, radius, weights, null, 4_000_000);
            var options = new MatchOptions(IncludeCatalog: true);
            var expected = MatchFormula.Rank(need, candidates, options);
            foreach (var limit in new[] { 1, 2, 20 })
            {
                var context = $"{code} {scope} min {min} weights {weights} limit {limit}";
                MatchAssert.SameList(expected, MatchAssert.Walk(index, need, options, limit, context), context);
            }
        }
    }

    private async Task<JsonArray> GapsAsync(TestCompany owner) =>
        (await (await api.As(owner.Key).GetAsync($"/api/v1/analytics/localization?ownerId={owner.Id}")).ExpectAsync(HttpStatusCode.OK))["gaps"]!
        .AsArray();

    /// Every match of the need, catalog included, from the application's index after a catch-up,
    /// checked against an index loaded from scratch (bit for bit).
    private async Task<IReadOnlyList<Match>> FollowedMatchesAsync(MatchNeed need)
    {
        var index = await api.CaughtUpIndexAsync();
        var options = new MatchOptions(IncludeCatalog: true);
        var items = index.Query(need, options, 200, null).Items;
        await using var db = api.OpenDb();
        var fresh = new SupplyIndex(db);
        await fresh.LoadAsync(CancellationToken.None);
        Assert.Equal(fresh.CatalogItemCount, index.CatalogItemCount);
        Assert.Equal(fresh.Count, index.Count);
        MatchAssert.SameList(fresh.Query(need, options, 200, null).Items, items, "caught up vs loaded");
        return items;
    }

    private Task<JsonArray> MatchesAsync(TestCompany owner, string need, string query) => MatchesAsync(api.As(owner.Key), need, query);

    private static async Task<JsonArray> MatchesAsync(HttpClient client, string need, string query) =>
        (await (await client.GetAsync($"/api/v1/needs/{need}/matches{query}")).ExpectAsync(HttpStatusCode.OK))["items"]!.AsArray();

    private async Task<JsonNode> NeedAsync(TestCompany owner, string siteId, string categoryCode, string scope = "cluster",
        double? radiusKm = null, string[]? certifications = null, double annualValue = 1_000_000)
    {
        var body = new JsonObject
        {
            ["title"] = "Fasteners", ["categoryCode"] = categoryCode, ["quantityPerMonth"] = 100, ["unit"] = "PCE",
            ["deliverySiteId"] = siteId, ["currentLocalShare"] = 0.2, ["minLocalShare"] = 0.3, ["annualValue"] = annualValue,
            ["scope"] = scope, ["requiredCertifications"] = new JsonArray((certifications ?? []).Select(c => JsonValue.Create(c)).ToArray<JsonNode?>()),
        };
        if (radiusKm is { } radius) body["radiusKm"] = radius;
        return await (await api.As(owner.Key).PostJsonAsync("/api/v1/needs", body)).ExpectAsync(HttpStatusCode.Created);
    }

    private static void Expect(JsonNode item, string kind, string companyId, string companyName, string companySize, string siteId,
        string? capabilityId, string? sku, string categoryCode, double score, double proximity, double capability, double localization,
        double distanceKm, double categoryMatch, double coverage, double localShare, double gain)
    {
        Assert.Equal(kind, (string?)item["kind"]);
        Assert.Equal(companyId, (string?)item["companyId"]);
        Assert.Equal(companyName, (string?)item["companyName"]);
        Assert.Equal(companySize, (string?)item["companySize"]);
        Assert.Equal(siteId, (string?)item["siteId"]);
        Assert.True(item.AsObject().ContainsKey("capabilityId") && item.AsObject().ContainsKey("sku"));
        Assert.Equal(capabilityId, (string?)item["capabilityId"]);
        Assert.Equal(sku, (string?)item["sku"]);
        Assert.Equal(categoryCode, (string?)item["categoryCode"]);
        Assert.Equal(score, (double)item["score"]!, Tolerance);
        Assert.Equal(proximity, (double)item["proximity"]!, Tolerance);
        Assert.Equal(capability, (double)item["capability"]!, Tolerance);
        Assert.Equal(localization, (double)item["localization"]!, Tolerance);
        Assert.Equal(distanceKm, (double)item["distanceKm"]!, 1e-9);
        Assert.Equal(categoryMatch, (double)item["categoryMatch"]!, Tolerance);
        Assert.Equal(coverage, (double)item["capacityCoverage"]!, Tolerance);
        Assert.Equal(localShare, (double)item["localShare"]!);
        Assert.Equal(gain, (double)item["localizationGainPoints"]!, 1e-9);
        var w = item["weights"]!;
        Assert.Equal(0.3, (double)w["proximity"]!, Tolerance);
        Assert.Equal(0.4, (double)w["capability"]!, Tolerance);
        Assert.Equal(0.3, (double)w["localization"]!, Tolerance);
        // The explanation adds up to the score exactly.
        Assert.Equal((double)item["score"]!, ((double)w["proximity"]! * (double)item["proximity"]! + (double)w["capability"]! *
            (double)item["capability"]!) + (double)w["localization"]! * (double)item["localization"]!);
    }
}

public sealed class CatalogMatchingTestsOnSqlite(SqliteApi api) : CatalogMatchingTests(api), IClassFixture<SqliteApi>;
public sealed class CatalogMatchingTestsOnPostgres(PostgresApi api) : CatalogMatchingTests(api), IClassFixture<PostgresApi>;
