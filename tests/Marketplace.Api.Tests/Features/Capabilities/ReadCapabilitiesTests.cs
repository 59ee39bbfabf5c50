using System.Net;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Features.Capabilities;

public abstract class ReadCapabilitiesTests(ApiFactory api)
{
    private const string UnknownId = "0194f3a0-0000-7000-8000-0000000000ff";

    [Fact]
    public async Task Another_companys_key_gets_404_on_list_get_and_post()
    {
        var owner = await api.CreateCompanyAsync();
        var site = await api.CreateSiteAsync(owner.Id);
        var capability = await api.CreateCapabilityAsync(owner.Id, site);
        var other = await api.CreateCompanyAsync(); // a supplier too: the role does not open another's data
        var client = api.As(other.Key);

        await (await client.GetAsync($"/api/v1/companies/{owner.Id}/capabilities")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await client.GetAsync($"/api/v1/companies/{owner.Id}/capabilities/{capability}"))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await client.PostJsonAsync($"/api/v1/companies/{owner.Id}/capabilities",
                new { siteId = site, categoryCode = "25.62", capacityPerMonth = 1, unit = "PCE", localShare = 1 }))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");

        Assert.Equal([capability], await api.As(owner.Key).WalkAsync($"/api/v1/companies/{owner.Id}/capabilities"));
    }

    [Fact]
    public async Task A_hidden_non_supplier_is_404_not_403()
    {
        var anchor = await api.CreateCompanyAsync(roles: ["anchor"]);
        var site = await api.CreateSiteAsync(anchor.Id);
        var stranger = await api.CreateCompanyAsync();
        await (await api.As(stranger.Key).PostJsonAsync($"/api/v1/companies/{anchor.Id}/capabilities",
                new { siteId = site, categoryCode = "25.62", capacityPerMonth = 1, unit = "PCE", localShare = 1 }))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Admin_lists_and_reads_any_companys_capabilities()
    {
        var company = await api.CreateCompanyAsync();
        var site = await api.CreateSiteAsync(company.Id);
        var capability = await api.CreateCapabilityAsync(company.Id, site);

        var read = await (await api.Admin().GetAsync($"/api/v1/companies/{company.Id}/capabilities/{capability}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(capability, (string?)read["id"]);
        Assert.Equal([capability], await api.Admin().WalkAsync($"/api/v1/companies/{company.Id}/capabilities"));
    }

    [Theory]
    [InlineData("not-an-id", UnknownId)]
    [InlineData(UnknownId, UnknownId)]
    [InlineData(null, "not-an-id")]
    [InlineData(null, UnknownId)]
    public async Task Unknown_or_malformed_ids_are_404(string? companyId, string capabilityId)
    {
        var company = companyId ?? (await api.CreateCompanyAsync()).Id;
        await (await api.Admin().GetAsync($"/api/v1/companies/{company}/capabilities/{capabilityId}"))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        if (companyId is not null)
            await (await api.Admin().GetAsync($"/api/v1/companies/{company}/capabilities")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Paging_walks_every_capability_once_in_creation_order()
    {
        var company = await api.CreateCompanyAsync();
        var site = await api.CreateSiteAsync(company.Id);
        var other = await api.CreateCompanyAsync();
        await api.CreateCapabilityAsync(other.Id, await api.CreateSiteAsync(other.Id));
        var created = new List<string>();
        for (var i = 0; i < 7; i++) created.Add(await api.CreateCapabilityAsync(company.Id, site, categoryCode: $"25.{60 + i}"));
        var client = api.As(company.Key);

        Assert.Equal(created, await client.WalkAsync($"/api/v1/companies/{company.Id}/capabilities", limit: 3));
        Assert.Equal(created, await client.WalkAsync($"/api/v1/companies/{company.Id}/capabilities", limit: 1));
        Assert.Equal(created, await client.WalkAsync($"/api/v1/companies/{company.Id}/capabilities"));

        var first = await (await client.GetAsync($"/api/v1/companies/{company.Id}/capabilities?limit=3")).ExpectAsync(HttpStatusCode.OK);
        await (await client.GetAsync($"/api/v1/companies/{company.Id}/sites?cursor={(string)first["nextCursor"]!}")).ExpectFieldErrorAsync("cursor");
        await (await client.GetAsync($"/api/v1/companies/{company.Id}/capabilities?cursor=garbage")).ExpectFieldErrorAsync("cursor");
    }
}

public sealed class ReadCapabilitiesTestsOnSqlite(SqliteApi api) : ReadCapabilitiesTests(api), IClassFixture<SqliteApi>;
public sealed class ReadCapabilitiesTestsOnPostgres(PostgresApi api) : ReadCapabilitiesTests(api), IClassFixture<PostgresApi>;
