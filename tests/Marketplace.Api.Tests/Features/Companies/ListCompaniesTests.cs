using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;
using static Marketplace.Api.Tests.Features.Companies.CompanyRequests;

namespace Marketplace.Api.Tests.Features.Companies;

public abstract class ListCompaniesTests(ApiFactory api)
{
    [Fact]
    public async Task Any_company_key_lists_the_directory_with_items_and_next_cursor()
    {
        var created = await api.CreateCompanyAsync(roles: ["anchor"], size: "large", certifications: ["iso9001"]);
        var other = await api.CreateCompanyAsync();

        var page = await (await api.As(other.Key).GetAsync($"{CompaniesPath}?limit=200")).ExpectAsync(HttpStatusCode.OK);

        Assert.True(page.AsObject().ContainsKey("nextCursor"));
        var item = Assert.Single(page["items"]!.AsArray(), c => (string?)c!["id"] == created.Id)!;
        var (read, _) = await api.ReadCompanyAsync(created.Id);
        Assert.Equal(read.ToJsonString(), item.ToJsonString());
    }

    // ---- filters ----

    [Fact]
    public async Task Role_filter_lists_a_company_under_each_of_its_roles()
    {
        var anchorSupplier = await CreateAsync(["anchor", "supplier"], "medium");
        var wholesaler = await CreateAsync(["wholesaler"], "large");
        var supplier = await CreateAsync(["supplier"], "micro");

        var anchors = await api.WalkAsync("role=anchor");
        var suppliers = await api.WalkAsync("role=supplier");
        var wholesalers = await api.WalkAsync("role=wholesaler");

        Assert.All(anchors, c => Assert.Contains("anchor", c["roles"].Strings()));
        Assert.All(suppliers, c => Assert.Contains("supplier", c["roles"].Strings()));
        Assert.All(wholesalers, c => Assert.Contains("wholesaler", c["roles"].Strings()));

        Assert.Equal([anchorSupplier], Mine(anchors));
        Assert.Equal([anchorSupplier, supplier], Mine(suppliers));
        Assert.Equal([wholesaler], Mine(wholesalers));

        string[] Mine(List<JsonNode> items) => items.Select(c => (string)c["id"]!)
            .Where(id => id == anchorSupplier || id == wholesaler || id == supplier).ToArray();
    }

    [Fact]
    public async Task Size_filter_lists_only_companies_of_that_size()
    {
        var micro = await CreateAsync(["supplier"], "micro");
        var large = await CreateAsync(["supplier", "anchor"], "large");

        var micros = await api.WalkAsync("size=micro");
        var larges = await api.WalkAsync("size=large");

        Assert.All(micros, c => Assert.Equal("micro", (string?)c["size"]));
        Assert.All(larges, c => Assert.Equal("large", (string?)c["size"]));
        Assert.Contains(micros, c => (string?)c["id"] == micro);
        Assert.DoesNotContain(micros, c => (string?)c["id"] == large);
        Assert.Contains(larges, c => (string?)c["id"] == large);
    }

    [Fact]
    public async Task Role_and_size_filters_combine()
    {
        var smallAnchor = await CreateAsync(["anchor"], "small");
        var largeAnchor = await CreateAsync(["anchor"], "large");
        var smallSupplier = await CreateAsync(["supplier"], "small");

        var items = await api.WalkAsync("role=anchor&size=small");

        Assert.All(items, c =>
        {
            Assert.Contains("anchor", c["roles"].Strings());
            Assert.Equal("small", (string?)c["size"]);
        });
        var ids = items.Select(c => (string)c["id"]!).ToList();
        Assert.Contains(smallAnchor, ids);
        Assert.DoesNotContain(largeAnchor, ids);
        Assert.DoesNotContain(smallSupplier, ids);
    }

    [Theory]
    [InlineData("role=admin")]
    [InlineData("role=Anchor")]
    [InlineData("role=buyer")]
    [InlineData("role=anchor,supplier")]
    public async Task Invalid_role_filter_is_400_naming_role(string query) =>
        await (await api.Admin().GetAsync($"{CompaniesPath}?{query}")).ExpectOnlyFieldErrorAsync("role");

    [Theory]
    [InlineData("size=huge")]
    [InlineData("size=Small")]
    [InlineData("size=sme")]
    public async Task Invalid_size_filter_is_400_naming_size(string query) =>
        await (await api.Admin().GetAsync($"{CompaniesPath}?{query}")).ExpectOnlyFieldErrorAsync("size");

    [Theory]
    [InlineData("role=anchor&role=supplier", "role")]
    [InlineData("role=supplier&role=supplier", "role")]
    [InlineData("size=small&size=large", "size")]
    public async Task Repeated_filter_is_400_naming_it(string query, string field) =>
        await (await api.Admin().GetAsync($"{CompaniesPath}?{query}")).ExpectOnlyFieldErrorAsync(field);

    // ---- paging ----

    [Fact]
    public async Task Walking_with_limit_2_sees_every_company_once_in_creation_order()
    {
        var created = new List<string>();
        for (var i = 0; i < 7; i++) created.Add(await CreateAsync(["supplier"], "small"));

        var walked = await api.IdsAsync(limit: 2);

        Assert.Equal(walked.Count, walked.Distinct().Count());
        Assert.Equal(created, walked.Where(created.Contains));
        // The same directory, in the same order, as one big page.
        Assert.Equal(await api.IdsAsync(limit: 200), walked);
    }

    [Fact]
    public async Task Walking_a_filtered_list_keeps_the_filter_on_every_page()
    {
        var anchors = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            anchors.Add(await CreateAsync(["anchor"], "medium"));
            await CreateAsync(["supplier"], "medium");
        }

        var walked = await api.WalkAsync("role=anchor", limit: 2);

        Assert.All(walked, c => Assert.Contains("anchor", c["roles"].Strings()));
        var ids = walked.Select(c => (string)c["id"]!).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(anchors, ids.Where(anchors.Contains));
    }

    [Fact]
    public async Task Last_page_has_a_null_next_cursor()
    {
        await CreateAsync(["supplier"], "small");
        var total = await api.CompanyCountAsync();
        Assert.InRange(total, 1, 200);

        var page = await (await api.Admin().GetAsync($"{CompaniesPath}?limit={total}")).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(total, page["items"]!.AsArray().Count);
        Assert.True(page.AsObject().ContainsKey("nextCursor"));
        Assert.Null(page["nextCursor"]);
    }

    [Fact]
    public async Task Default_limit_is_50()
    {
        for (var count = await api.CompanyCountAsync(); count < 51; count++) await CreateAsync(["supplier"], "small");

        var page = await (await api.Admin().GetAsync(CompaniesPath)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(50, page["items"]!.AsArray().Count);
        Assert.NotNull((string?)page["nextCursor"]);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("200")]
    public async Task Limit_at_the_bounds_is_accepted(string limit)
    {
        await CreateAsync(["supplier"], "small");
        var page = await (await api.Admin().GetAsync($"{CompaniesPath}?limit={limit}")).ExpectAsync(HttpStatusCode.OK);
        Assert.InRange(page["items"]!.AsArray().Count, 1, int.Parse(limit));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("201")]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("2.5")]
    [InlineData("")]
    [InlineData("99999999999999999999")]
    public async Task Limit_outside_1_to_200_or_not_a_number_is_400_naming_limit(string limit) =>
        await (await api.Admin().GetAsync($"{CompaniesPath}?limit={Uri.EscapeDataString(limit)}")).ExpectOnlyFieldErrorAsync("limit");

    [Fact]
    public async Task Repeated_limit_is_400_naming_limit() =>
        await (await api.Admin().GetAsync($"{CompaniesPath}?limit=2&limit=2")).ExpectOnlyFieldErrorAsync("limit");

    [Theory]
    [InlineData("garbage")]
    [InlineData("not-a-cursor!")]
    [InlineData("AAAA")]
    [InlineData("")]
    public async Task Garbage_cursor_is_400_naming_cursor(string cursor) =>
        await (await api.Admin().GetAsync($"{CompaniesPath}?cursor={Uri.EscapeDataString(cursor)}")).ExpectOnlyFieldErrorAsync("cursor");

    [Fact]
    public async Task Cursor_taken_with_one_role_filter_is_400_with_another()
    {
        for (var i = 0; i < 2; i++) await CreateAsync(["supplier", "anchor"], "small");
        var cursor = await NextCursorAsync("role=supplier&limit=1");

        await (await api.Admin().GetAsync($"{CompaniesPath}?role=anchor&limit=1&cursor={Uri.EscapeDataString(cursor)}"))
            .ExpectOnlyFieldErrorAsync("cursor");
        await (await api.Admin().GetAsync($"{CompaniesPath}?limit=1&cursor={Uri.EscapeDataString(cursor)}"))
            .ExpectOnlyFieldErrorAsync("cursor");
        // With its own filter the cursor is good.
        await (await api.Admin().GetAsync($"{CompaniesPath}?role=supplier&limit=1&cursor={Uri.EscapeDataString(cursor)}"))
            .ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Cursor_taken_with_one_size_filter_is_400_with_another()
    {
        for (var i = 0; i < 2; i++) await CreateAsync(["supplier"], "small");
        var cursor = await NextCursorAsync("size=small&limit=1");

        await (await api.Admin().GetAsync($"{CompaniesPath}?size=large&limit=1&cursor={Uri.EscapeDataString(cursor)}"))
            .ExpectOnlyFieldErrorAsync("cursor");
    }

    [Fact]
    public async Task Cursor_of_another_endpoint_is_400_naming_cursor()
    {
        for (var i = 0; i < 2; i++) await api.CreateClusterAsync();
        var clusters = await (await api.Admin().GetAsync("/api/v1/clusters?limit=1")).ExpectAsync(HttpStatusCode.OK);
        var cursor = (string?)clusters["nextCursor"] ?? throw new Xunit.Sdk.XunitException("No cluster cursor.");

        await (await api.Admin().GetAsync($"{CompaniesPath}?limit=1&cursor={Uri.EscapeDataString(cursor)}"))
            .ExpectOnlyFieldErrorAsync("cursor");
    }

    // ---- helpers ----

    private async Task<string> CreateAsync(string[] roles, string size) =>
        (string)(await (await api.Admin().PostCompanyAsync(ValidBody().With("roles", roles).With("size", size)))
            .ExpectAsync(HttpStatusCode.Created))["id"]!;

    private async Task<string> NextCursorAsync(string query)
    {
        var page = await (await api.Admin().GetAsync($"{CompaniesPath}?{query}")).ExpectAsync(HttpStatusCode.OK);
        return (string?)page["nextCursor"] ?? throw new Xunit.Sdk.XunitException($"No next page for {query}.");
    }
}

public sealed class ListCompaniesTestsOnSqlite(SqliteApi api) : ListCompaniesTests(api), IClassFixture<SqliteApi>;
public sealed class ListCompaniesTestsOnPostgres(PostgresApi api) : ListCompaniesTests(api), IClassFixture<PostgresApi>;
