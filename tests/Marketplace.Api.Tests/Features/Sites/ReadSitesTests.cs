using System.Net;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Features.Sites;

public abstract class ReadSitesTests(ApiFactory api)
{
    private const string UnknownId = "0194f3a0-0000-7000-8000-0000000000ff";

    [Fact]
    public async Task Another_companys_key_gets_404_on_list_get_and_post()
    {
        var owner = await api.CreateCompanyAsync();
        var other = await api.CreateCompanyAsync();
        var site = await api.CreateSiteAsync(owner.Id);
        var client = api.As(other.Key);

        await (await client.GetAsync($"/api/v1/companies/{owner.Id}/sites")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await client.GetAsync($"/api/v1/companies/{owner.Id}/sites/{site}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        // 404 comes before the body is even read (api.md check order), so an invalid body changes nothing.
        await (await client.PostJsonAsync($"/api/v1/companies/{owner.Id}/sites",
            new { name = "Mine now", lat = 54.5, lon = 36.2, regionCode = "RU-KLU" })).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await client.PostJsonAsync($"/api/v1/companies/{owner.Id}/sites", "{not json")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");

        Assert.Equal([site], await api.As(owner.Key).WalkAsync($"/api/v1/companies/{owner.Id}/sites"));
    }

    [Fact]
    public async Task Admin_adds_lists_and_reads_any_companys_sites()
    {
        var company = await api.CreateCompanyAsync(roles: ["wholesaler"]);
        var created = await (await api.Admin().PostJsonAsync($"/api/v1/companies/{company.Id}/sites",
            new { name = "Warehouse", lat = 55.75, lon = 37.62, regionCode = "RU-MOW" })).ExpectAsync(HttpStatusCode.Created);
        var id = (string)created["id"]!;

        var read = await (await api.Admin().GetAsync($"/api/v1/companies/{company.Id}/sites/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(created.ToJsonString(), read.ToJsonString());
        Assert.Equal([id], await api.Admin().WalkAsync($"/api/v1/companies/{company.Id}/sites"));
        Assert.Equal([id], await api.As(company.Key).WalkAsync($"/api/v1/companies/{company.Id}/sites"));
    }

    [Theory]
    [InlineData("not-an-id")]
    [InlineData(UnknownId)]
    public async Task Unknown_or_malformed_company_is_404_even_for_admins(string companyId)
    {
        await (await api.Admin().GetAsync($"/api/v1/companies/{companyId}/sites")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await api.Admin().GetAsync($"/api/v1/companies/{companyId}/sites/{UnknownId}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await api.Admin().PostJsonAsync($"/api/v1/companies/{companyId}/sites",
            new { name = "X", lat = 1, lon = 1, regionCode = "RU-KLU" })).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Theory]
    [InlineData("not-an-id")]
    [InlineData(UnknownId)]
    public async Task Unknown_or_malformed_site_is_404(string siteId)
    {
        var company = await api.CreateCompanyAsync();
        await (await api.As(company.Key).GetAsync($"/api/v1/companies/{company.Id}/sites/{siteId}"))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Another_companys_site_is_not_found_under_ones_own_path()
    {
        var company = await api.CreateCompanyAsync();
        var other = await api.CreateCompanyAsync();
        var othersSite = await api.CreateSiteAsync(other.Id);
        await (await api.As(company.Key).GetAsync($"/api/v1/companies/{company.Id}/sites/{othersSite}"))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await api.Admin().GetAsync($"/api/v1/companies/{company.Id}/sites/{othersSite}"))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Paging_walks_every_site_once_in_creation_order()
    {
        var company = await api.CreateCompanyAsync();
        var other = await api.CreateCompanyAsync();
        await api.CreateSiteAsync(other.Id);
        var created = new List<string>();
        for (var i = 0; i < 5; i++) created.Add(await api.CreateSiteAsync(company.Id, name: $"Site {i}"));
        var client = api.As(company.Key);

        Assert.Equal(created, await client.WalkAsync($"/api/v1/companies/{company.Id}/sites", limit: 2));
        Assert.Equal(created, await client.WalkAsync($"/api/v1/companies/{company.Id}/sites", limit: 5));

        var first = await (await client.GetAsync($"/api/v1/companies/{company.Id}/sites?limit=2")).ExpectAsync(HttpStatusCode.OK);
        var cursor = (string)first["nextCursor"]!;
        // A cursor belongs to one list: another company's sites, or the capabilities, is 400.
        await (await api.Admin().GetAsync($"/api/v1/companies/{other.Id}/sites?cursor={cursor}")).ExpectFieldErrorAsync("cursor");
        await (await client.GetAsync($"/api/v1/companies/{company.Id}/capabilities?cursor={cursor}")).ExpectFieldErrorAsync("cursor");
        await (await client.GetAsync($"/api/v1/companies/{company.Id}/sites?limit=0")).ExpectFieldErrorAsync("limit");
        await (await client.GetAsync($"/api/v1/companies/{company.Id}/sites?limit=201")).ExpectFieldErrorAsync("limit");
    }
}

public sealed class ReadSitesTestsOnSqlite(SqliteApi api) : ReadSitesTests(api), IClassFixture<SqliteApi>;
public sealed class ReadSitesTestsOnPostgres(PostgresApi api) : ReadSitesTests(api), IClassFixture<PostgresApi>;
