using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Catalog;
using Marketplace.Api.Tests.Features.Companies;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Features.Analytics;

/// api.md "Catalogs", last bullet, with the readings of docs/adr/0008: every figure checked against
/// values computed by hand. Each test builds its own clusters and companies, so supply of other
/// tests in the class never falls into its clusters.
public abstract class CatalogAnalyticsTests(ApiFactory api)
{
    private static string Path(string wholesalerId, string? query = null) =>
        $"/api/v1/analytics/catalog/{wholesalerId}" + (query is null ? "" : "?" + query);

    /// Clusters K and K2. Wholesaler W (wholesaler and small supplier): sites WK in K, WK2 in K2, WN
    /// without a cluster; its own capability 23.19 PCE at WK (never counts: W is not its own substitute).
    /// Suppliers with capabilities:
    ///   S1 small  site in K          25.62.10 PCE, 28.11.1 KGM
    ///   L  large  site in K          27.12 PCE                  (large: never counts)
    ///   I  medium site in K          26.11 PCE                  (inactive: never counts)
    ///   S2 micro  site in K2         22.21 PCE
    ///   S3 small  site without cluster 24.10 PCE
    /// Items (RUB unless said; value = price x stock in RUB):
    ///   A1 25.62.10.110 PCE CN WK   10.5 x 100 = 1050  substitutable (S1)
    ///   A2 25.62.1      KGM DE WK      2 x 50  = 100   unit mismatch
    ///   A3 25.62        PCE CN WN      3 x 10  = 30    warehouse site without cluster
    ///   A4 25.62.10     PCE CN none    1 x 7   = 7     no warehouse site
    ///   A5 25.62.10     PCE CN WK    USD 100 x 1       substitutable (S1), no RUB value
    ///   B1 27.12.31     PCE CN WK      4 x 25  = 100   only a large supplier
    ///   C1 26.11.22     PCE KR WK   0.25 x 400 = 100   only an inactive supplier
    ///   D1 28.11.1      KGM TR WK      7 x 3   = 21    substitutable (S1, same group and unit)
    ///   E1 22.21        PCE CN WK      5 x 2   = 10    S2 is in K2, not K
    ///   E2 22.21.10     PCE CN WK2     5 x 2   = 10    substitutable (S2)
    ///   F1 23.19        PCE CN WK      1 x 1   = 1     only W itself
    ///   G1 24.10        PCE CN WN      2 x 1   = 2     S3 and WN both without a cluster
    ///   H1 20.11        PCE CN WK    USD 10 x 10       no supplier
    ///   R1 25.62.10     PCE RU WK   1000 x 2   = 2000
    ///   R2 29.10        PCE RU WK    EUR 50 x 1
    ///   R3 31.01        PCE RU WK    0.5 x 3   = 1.5
    private async Task<TestCompany> DataSetAsync()
    {
        var k = await api.CreateClusterAsync();
        var k2 = await api.CreateClusterAsync();
        var w = await api.CreateCompanyAsync(roles: ["wholesaler", "supplier"], size: "small");
        var wk = Guid.Parse(await api.CreateSiteAsync(w.Id, k));
        var wk2 = Guid.Parse(await api.CreateSiteAsync(w.Id, k2));
        var wn = Guid.Parse(await api.CreateSiteAsync(w.Id));
        await api.CreateCapabilityAsync(w.Id, wk.ToString(), "23.19");

        await SupplierAsync("small", k, ("25.62.10", "PCE"), ("28.11.1", "KGM"));
        await SupplierAsync("large", k, ("27.12", "PCE"));
        var inactive = await SupplierAsync("medium", k, ("26.11", "PCE"));
        await (await api.Admin().PatchCompanyAsync(inactive, new { active = false })).ExpectAsync(HttpStatusCode.OK);
        await SupplierAsync("micro", k2, ("22.21", "PCE"));
        await SupplierAsync("small", null, ("24.10", "PCE"));

        await api.PutItemsAsync(w.Id,
            CatalogScenario.Item("A1", "25.62.10.110", "PCE", 10.5m, 100, "CN", warehouseSiteId: wk),
            CatalogScenario.Item("A2", "25.62.1", "KGM", 2m, 50, "DE", warehouseSiteId: wk),
            CatalogScenario.Item("A3", "25.62", "PCE", 3m, 10, "CN", warehouseSiteId: wn),
            CatalogScenario.Item("A4", "25.62.10", "PCE", 1m, 7, "CN"),
            CatalogScenario.Item("A5", "25.62.10", "PCE", 100m, 1, "CN", warehouseSiteId: wk, currency: "USD"),
            CatalogScenario.Item("B1", "27.12.31", "PCE", 4m, 25, "CN", warehouseSiteId: wk),
            CatalogScenario.Item("C1", "26.11.22", "PCE", 0.25m, 400, "KR", warehouseSiteId: wk),
            CatalogScenario.Item("D1", "28.11.1", "KGM", 7m, 3, "TR", warehouseSiteId: wk),
            CatalogScenario.Item("E1", "22.21", "PCE", 5m, 2, "CN", warehouseSiteId: wk),
            CatalogScenario.Item("E2", "22.21.10", "PCE", 5m, 2, "CN", warehouseSiteId: wk2),
            CatalogScenario.Item("F1", "23.19", "PCE", 1m, 1, "CN", warehouseSiteId: wk),
            CatalogScenario.Item("G1", "24.10", "PCE", 2m, 1, "CN", warehouseSiteId: wn),
            CatalogScenario.Item("H1", "20.11", "PCE", 10m, 10, "CN", warehouseSiteId: wk, currency: "USD"),
            CatalogScenario.Item("R1", "25.62.10", "PCE", 1000m, 2, "RU", warehouseSiteId: wk),
            CatalogScenario.Item("R2", "29.10", "PCE", 50m, 1, "RU", warehouseSiteId: wk, currency: "EUR"),
            CatalogScenario.Item("R3", "31.01", "PCE", 0.5m, 3, "RU", warehouseSiteId: wk));
        return w;
    }

    private async Task<string> SupplierAsync(string size, string? clusterId, params (string Code, string Unit)[] capabilities)
    {
        var supplier = await api.CreateCompanyAsync(roles: ["supplier"], size: size);
        var site = await api.CreateSiteAsync(supplier.Id, clusterId);
        foreach (var (code, unit) in capabilities) await api.CreateCapabilityAsync(supplier.Id, site, code, unit);
        return supplier.Id;
    }

    private static void AssertReport(JsonNode report, long items, long ruItems, double? ruItemShare, decimal value, decimal ruValue,
        double? ruValueShare, params (string Code, long Imported, decimal ImportedValue, long Substitutable)[] categories)
    {
        Assert.Equal(items, (long)report["itemCount"]!);
        Assert.Equal(ruItems, (long)report["ruItemCount"]!);
        Assert.Equal(ruItemShare, (double?)report["ruItemShare"]);
        Assert.Equal(value, (decimal)report["stockValue"]!);
        Assert.Equal(ruValue, (decimal)report["ruStockValue"]!);
        Assert.Equal(ruValueShare, (double?)report["ruStockValueShare"]);
        var actual = report["categories"]!.AsArray().Select(c => ((string)c!["categoryCode"]!, (long)c["importedItemCount"]!,
            (decimal)c["importedStockValue"]!, (long)c["substitutableItemCount"]!)).ToArray();
        Assert.Equal(categories, actual);
    }

    [Fact]
    public async Task Figures_in_rubles_match_the_hand_computed_ones()
    {
        var w = await DataSetAsync();
        var report = await (await api.As(w.Key).GetAsync(Path(w.Id))).ExpectAsync(HttpStatusCode.OK);
        AssertReport(report, 16, 3, 3 / 16.0, 3432.5m, 2001.5m, (double)(2001.5m / 3432.5m),
            ("25.62", 5, 1187m, 2), ("26.11", 1, 100m, 0), ("27.12", 1, 100m, 0), ("28.11", 1, 21m, 1),
            ("22.21", 2, 20m, 1), ("24.10", 1, 2m, 0), ("23.19", 1, 1m, 0), ("20.11", 1, 0m, 0));
        // Money keeps its decimals exactly (no REAL rounding on SQLite).
        Assert.Equal("3432.5", report["stockValue"]!.ToJsonString());
        Assert.Equal(report.ToJsonString(), (await (await api.Admin().GetAsync(Path(w.Id, "currency=RUB"))).ExpectAsync(HttpStatusCode.OK)).ToJsonString());
    }

    [Fact]
    public async Task Stock_values_count_only_the_given_currency_while_counts_cover_every_item()
    {
        var w = await DataSetAsync();
        var client = api.As(w.Key);

        var usd = await (await client.GetAsync(Path(w.Id, "currency=USD"))).ExpectAsync(HttpStatusCode.OK);
        AssertReport(usd, 16, 3, 3 / 16.0, 200m, 0m, 0.0,
            ("20.11", 1, 100m, 0), ("25.62", 5, 100m, 2), ("22.21", 2, 0m, 1), ("23.19", 1, 0m, 0), ("24.10", 1, 0m, 0),
            ("26.11", 1, 0m, 0), ("27.12", 1, 0m, 0), ("28.11", 1, 0m, 1));

        var eur = await (await client.GetAsync(Path(w.Id, "currency=EUR"))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(50m, (decimal)eur["stockValue"]!);
        Assert.Equal(50m, (decimal)eur["ruStockValue"]!);
        Assert.Equal(1.0, (double?)eur["ruStockValueShare"]);

        // No item in yen: the value share has no denominator (null), the item share still has one.
        var jpy = await (await client.GetAsync(Path(w.Id, "currency=JPY"))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0m, (decimal)jpy["stockValue"]!);
        Assert.Null(jpy["ruStockValueShare"]);
        Assert.Equal(3 / 16.0, (double?)jpy["ruItemShare"]);
    }

    [Fact]
    public async Task An_empty_catalog_has_null_shares_and_no_categories()
    {
        var w = await api.CreateCompanyAsync(roles: ["wholesaler"]);
        var report = await (await api.As(w.Key).GetAsync(Path(w.Id))).ExpectAsync(HttpStatusCode.OK);
        var expected = JsonNode.Parse("""
            {"itemCount":0,"ruItemCount":0,"ruItemShare":null,"stockValue":0,"ruStockValue":0,"ruStockValueShare":null,"categories":[]}
            """);
        Assert.True(JsonNode.DeepEquals(expected, report), report.ToJsonString());
    }

    [Fact]
    public async Task A_catalog_of_only_russian_items_lists_no_category()
    {
        var w = await api.CreateCompanyAsync(roles: ["wholesaler"]);
        await api.PutItemsAsync(w.Id, CatalogScenario.Item("R1", price: 2.5m, stock: 4), CatalogScenario.Item("R2", "26.11", price: 1m, stock: 1));
        var report = await (await api.As(w.Key).GetAsync(Path(w.Id))).ExpectAsync(HttpStatusCode.OK);
        AssertReport(report, 2, 2, 1.0, 11m, 11m, 1.0);
    }

    [Theory]
    [InlineData("currency=ABC")]
    [InlineData("currency=rub")]
    [InlineData("currency=")]
    [InlineData("currency=RUB&currency=USD")]
    public async Task A_bad_currency_is_400(string query)
    {
        var w = await api.CreateCompanyAsync(roles: ["wholesaler"]);
        await (await api.As(w.Key).GetAsync(Path(w.Id, query))).ExpectFieldErrorAsync("currency");
    }

    [Fact]
    public async Task Others_get_404_and_a_company_without_the_wholesaler_role_403()
    {
        var w = await api.CreateCompanyAsync(roles: ["wholesaler"]);
        var other = await api.CreateCompanyAsync(roles: ["wholesaler"]);
        await (await api.As(other.Key).GetAsync(Path(w.Id))).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await api.As(other.Key).GetAsync(Path(w.Id, "currency=ABC"))).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await api.Admin().GetAsync(Path("0194f3a0-0000-7000-8000-0000000000ff"))).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await api.Admin().GetAsync(Path("not-an-id"))).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await api.Admin().GetAsync(Path(w.Id))).ExpectAsync(HttpStatusCode.OK);

        var supplier = await api.CreateCompanyAsync(roles: ["supplier"]);
        await (await api.As(supplier.Key).GetAsync(Path(supplier.Id))).ExpectProblemAsync(HttpStatusCode.Forbidden, "company.role_required");
    }
}

public sealed class CatalogAnalyticsTestsOnSqlite(SqliteApi api) : CatalogAnalyticsTests(api), IClassFixture<SqliteApi>;
public sealed class CatalogAnalyticsTestsOnPostgres(PostgresApi api) : CatalogAnalyticsTests(api), IClassFixture<PostgresApi>;
