using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Catalog;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Features.Catalogs;

/// api.md: `GET /catalogs/{wholesalerId}/items[/{sku}]?categoryCode=&originCountry=`, ordered by sku,
/// visible to that wholesaler (and its partner) and admins, 404 to others.
public abstract class ReadCatalogItemsTests(ApiFactory api)
{
    private const string UnknownId = "0194f3a0-0000-7000-8000-0000000000ff";

    private static string Items(string wholesalerId) => $"/api/v1/catalogs/{wholesalerId}/items";

    private async Task<TestCompany> WholesalerAsync(params string[] skus)
    {
        var wholesaler = await api.CreateCompanyAsync(roles: ["wholesaler"]);
        if (skus.Length > 0) await api.PutItemsAsync(wholesaler.Id, skus.Select(s => CatalogScenario.Item(s)).ToArray());
        return wholesaler;
    }

    [Fact]
    public async Task Items_are_listed_in_ordinal_sku_order()
    {
        var wholesaler = await WholesalerAsync("a-1", "B-1", "b-1", "_z", "9", "A.2", "B-10", "B-2");
        // Ordinal (code point) order: digits, then upper case, '_', lower case; "B-10" before "B-2".
        string[] expected = ["9", "A.2", "B-1", "B-10", "B-2", "_z", "a-1", "b-1"];
        Assert.Equal(expected, await api.As(wholesaler.Key).WalkAsync(Items(wholesaler.Id), key: "sku"));
        Assert.Equal(expected, await api.Admin().WalkAsync(Items(wholesaler.Id), limit: 3, key: "sku"));
    }

    [Fact]
    public async Task An_item_has_every_field_of_the_contract_and_get_answers_the_same_item()
    {
        var wholesaler = await api.CreateCompanyAsync(roles: ["wholesaler"]);
        var site = await api.CreateSiteAsync(wholesaler.Id);
        await api.PutItemsAsync(wholesaler.Id,
            CatalogScenario.Item("FULL-1", categoryCode: "25.62.10.110", unit: "KGM", price: 12.50m, stock: 42, originCountry: "RU",
                localShare: 0.350m, warehouseSiteId: Guid.Parse(site), currency: "EUR", gtin: "04006381333931",
                originRegionCode: "RU-KLU", name: "Hex bolt M8"),
            CatalogScenario.Item("BARE-1", originCountry: "CN", localShare: null));
        var client = api.As(wholesaler.Key);

        var page = await (await client.GetAsync(Items(wholesaler.Id))).ExpectAsync(HttpStatusCode.OK);
        var items = page["items"]!.AsArray();
        Assert.Null((string?)page["nextCursor"]);
        Assert.Equal(["BARE-1", "FULL-1"], items.Select(i => (string)i!["sku"]!));
        var full = items[1]!;
        var expected = JsonNode.Parse($$"""
            {"sku":"FULL-1","name":"Hex bolt M8","categoryCode":"25.62.10.110","unit":"KGM","price":12.5,"currency":"EUR",
             "stock":42,"originCountry":"RU","gtin":"04006381333931","originRegionCode":"RU-KLU","localShare":0.35,
             "warehouseSiteId":"{{site}}"}
            """)!;
        Assert.True(JsonNode.DeepEquals(expected, full), full.ToJsonString());
        var bare = items[0]!.AsObject();
        foreach (var optional in new[] { "gtin", "originRegionCode", "localShare", "warehouseSiteId" })
        {
            Assert.True(bare.ContainsKey(optional), $"'{optional}' is missing instead of null.");
            Assert.Null(bare[optional]);
        }

        var one = await (await client.GetAsync($"{Items(wholesaler.Id)}/FULL-1")).ExpectAsync(HttpStatusCode.OK);
        Assert.True(JsonNode.DeepEquals(full, one), one.ToJsonString());
    }

    [Fact]
    public async Task CategoryCode_matches_by_segment_prefix_and_originCountry_exactly()
    {
        var wholesaler = await api.CreateCompanyAsync(roles: ["wholesaler"]);
        await api.PutItemsAsync(wholesaler.Id,
            CatalogScenario.Item("G", categoryCode: "25.62"),
            CatalogScenario.Item("S", categoryCode: "25.62.1", originCountry: "CN"),
            CatalogScenario.Item("T", categoryCode: "25.62.10", originCountry: "CN"),
            CatalogScenario.Item("C", categoryCode: "25.62.10.110", originCountry: "DE"),
            CatalogScenario.Item("O", categoryCode: "25.61.10", originCountry: "CN"),
            CatalogScenario.Item("X", categoryCode: "26.62.10"));
        var client = api.As(wholesaler.Key);
        var path = Items(wholesaler.Id);

        Assert.Equal(["C", "G", "S", "T"], await client.WalkAsync($"{path}?categoryCode=25.62", key: "sku"));
        // 25.62.1 is not a prefix of 25.62.10 (api.md: segments compared as literal strings).
        Assert.Equal(["S"], await client.WalkAsync($"{path}?categoryCode=25.62.1", key: "sku"));
        Assert.Equal(["C", "T"], await client.WalkAsync($"{path}?categoryCode=25.62.10", key: "sku"));
        Assert.Equal(["C"], await client.WalkAsync($"{path}?categoryCode=25.62.10.110", key: "sku"));
        Assert.Empty(await client.WalkAsync($"{path}?categoryCode=25.63", key: "sku"));
        Assert.Equal(["O", "S", "T"], await client.WalkAsync($"{path}?originCountry=CN", key: "sku"));
        Assert.Equal(["S", "T"], await client.WalkAsync($"{path}?originCountry=CN&categoryCode=25.62", key: "sku"));
        Assert.Empty(await client.WalkAsync($"{path}?originCountry=US", key: "sku"));
    }

    [Fact]
    public async Task Paging_walks_every_item_once_and_a_cursor_belongs_to_one_catalog_and_filter()
    {
        var wholesaler = await WholesalerAsync("p1", "p2", "p3", "p4", "p5");
        var other = await WholesalerAsync("p1", "p2", "p3");
        var client = api.As(wholesaler.Key);
        var path = Items(wholesaler.Id);

        Assert.Equal(["p1", "p2", "p3", "p4", "p5"], await client.WalkAsync(path, limit: 2, key: "sku"));
        Assert.Equal(["p1", "p2", "p3", "p4", "p5"], await client.WalkAsync(path, limit: 5, key: "sku"));
        var first = await (await client.GetAsync($"{path}?limit=2")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(2, first["items"]!.AsArray().Count);
        var cursor = (string)first["nextCursor"]!;
        var second = await (await client.GetAsync($"{path}?limit=2&cursor={cursor}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(["p3", "p4"], second["items"]!.AsArray().Select(i => (string)i!["sku"]!));

        await (await client.GetAsync($"{path}?cursor={cursor}&categoryCode=25.62")).ExpectFieldErrorAsync("cursor");
        await (await client.GetAsync($"{path}?cursor={cursor}&originCountry=RU")).ExpectFieldErrorAsync("cursor");
        await (await api.Admin().GetAsync($"{Items(other.Id)}?cursor={cursor}")).ExpectFieldErrorAsync("cursor");
        await (await client.GetAsync($"/api/v1/companies?cursor={cursor}")).ExpectFieldErrorAsync("cursor");
        await (await client.GetAsync($"{path}?cursor=not-a-cursor")).ExpectFieldErrorAsync("cursor");
        await (await client.GetAsync($"{path}?limit=0")).ExpectFieldErrorAsync("limit");
        await (await client.GetAsync($"{path}?limit=201")).ExpectFieldErrorAsync("limit");
        await (await client.GetAsync($"{path}?limit=ten")).ExpectFieldErrorAsync("limit");
    }

    [Theory]
    [InlineData("categoryCode=25")]
    [InlineData("categoryCode=25.62.")]
    [InlineData("categoryCode=25.62&categoryCode=25.61")]
    [InlineData("originCountry=XX")]
    [InlineData("originCountry=ru")]
    [InlineData("originCountry=RUS")]
    public async Task A_bad_filter_is_400_naming_it(string filter)
    {
        var wholesaler = await WholesalerAsync("f1");
        await (await api.As(wholesaler.Key).GetAsync($"{Items(wholesaler.Id)}?{filter}")).ExpectFieldErrorAsync(filter.Split('=')[0]);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("a~b")]
    [InlineData("a%20b")]
    [InlineData("x1234567890123456789012345678901234567890123456789012345678901234")]
    public async Task A_missing_or_impossible_sku_is_404(string sku)
    {
        var wholesaler = await WholesalerAsync("present");
        await (await api.As(wholesaler.Key).GetAsync($"{Items(wholesaler.Id)}/{sku}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Another_companys_key_gets_404_and_never_sees_its_items()
    {
        var wholesaler = await WholesalerAsync("secret");
        var rival = await WholesalerAsync("secret");
        var client = api.As(rival.Key);

        await (await client.GetAsync(Items(wholesaler.Id))).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await client.GetAsync($"{Items(wholesaler.Id)}/secret")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await client.DeleteAsync($"{Items(wholesaler.Id)}/secret")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        // 404 comes before validation: a bad filter on a hidden catalog reveals nothing either.
        await (await client.GetAsync($"{Items(wholesaler.Id)}?limit=0")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await api.As(wholesaler.Key).GetAsync($"{Items(wholesaler.Id)}/secret")).ExpectAsync(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("not-an-id")]
    [InlineData(UnknownId)]
    public async Task Unknown_or_malformed_wholesaler_is_404_even_for_admins(string wholesalerId)
    {
        var admin = api.Admin();
        await (await admin.GetAsync(Items(wholesalerId))).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await admin.GetAsync($"{Items(wholesalerId)}/sku-1")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await admin.DeleteAsync($"{Items(wholesalerId)}/sku-1")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task A_company_without_the_wholesaler_role_gets_403_on_its_own_catalog()
    {
        var supplier = await api.CreateCompanyAsync(roles: ["supplier", "anchor"]);
        var client = api.As(supplier.Key);
        await (await client.GetAsync(Items(supplier.Id))).ExpectProblemAsync(HttpStatusCode.Forbidden, "company.role_required");
        await (await client.GetAsync($"{Items(supplier.Id)}/sku-1")).ExpectProblemAsync(HttpStatusCode.Forbidden, "company.role_required");
        await (await client.DeleteAsync($"{Items(supplier.Id)}/sku-1")).ExpectProblemAsync(HttpStatusCode.Forbidden, "company.role_required");
    }

    [Fact]
    public async Task A_partner_acting_for_the_wholesaler_reads_but_may_not_delete()
    {
        var wholesaler = await api.CreateCompanyAsync(roles: ["supplier", "wholesaler"]);
        await api.PutItemsAsync(wholesaler.Id, CatalogScenario.Item("shared"));
        var partner = await api.CreatePartnerAsync();
        await api.GrantAsync(wholesaler, partner);
        var client = api.AsPartner(partner, wholesaler.Id);

        Assert.Equal(["shared"], await client.WalkAsync(Items(wholesaler.Id), key: "sku"));
        await (await client.GetAsync($"{Items(wholesaler.Id)}/shared")).ExpectAsync(HttpStatusCode.OK);
        await (await client.DeleteAsync($"{Items(wholesaler.Id)}/shared")).ExpectProblemAsync(HttpStatusCode.Forbidden, "partner.forbidden");
        await (await client.GetAsync($"{Items(wholesaler.Id)}/shared")).ExpectAsync(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("/api/v1/catalogs/{wholesalerId}/items", "get", "200", "Catalogs")]
    [InlineData("/api/v1/catalogs/{wholesalerId}/items/{sku}", "get", "200", "Catalogs")]
    [InlineData("/api/v1/catalogs/{wholesalerId}/items/{sku}", "delete", "204", "Catalogs")]
    [InlineData("/api/v1/analytics/catalog/{wholesalerId}", "get", "200", "Analytics")]
    public async Task Swagger_documents_the_catalog_reads(string path, string method, string status, string tag)
    {
        var document = await (await api.Anonymous().GetAsync("/swagger/v1/swagger.json")).ExpectAsync(HttpStatusCode.OK);
        var operation = document["paths"]?[path]?[method];
        Assert.True(operation is not null, $"No {method} {path} in the OpenAPI document.");
        Assert.NotNull(operation["responses"]?[status]);
        Assert.Contains(tag, operation["tags"]!.AsArray().Select(t => (string?)t));
    }
}

public sealed class ReadCatalogItemsTestsOnSqlite(SqliteApi api) : ReadCatalogItemsTests(api), IClassFixture<SqliteApi>;
public sealed class ReadCatalogItemsTestsOnPostgres(PostgresApi api) : ReadCatalogItemsTests(api), IClassFixture<PostgresApi>;
