using System.Net;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Features.Companies;

/// `GET /companies?clusterId=` (has a site there) and `?categoryCode=` (has a capability under it).
public abstract class ListCompaniesBySupplyTests(ApiFactory api)
{
    private Task<List<string>> ListAsync(string query, int limit = 200) => api.Admin().WalkAsync($"/api/v1/companies?{query}", limit);

    [Fact]
    public async Task Cluster_filter_lists_each_company_with_a_site_there_once_in_creation_order()
    {
        var cluster = await api.CreateClusterAsync();
        var elsewhere = await api.CreateClusterAsync(regionCode: "RU-TUL");
        var twoSites = await api.CreateCompanyAsync();
        await api.CreateSiteAsync(twoSites.Id, clusterId: cluster);
        await api.CreateSiteAsync(twoSites.Id, clusterId: cluster);
        var inOther = await api.CreateCompanyAsync();
        await api.CreateSiteAsync(inOther.Id, clusterId: elsewhere);
        var noCluster = await api.CreateCompanyAsync();
        await api.CreateSiteAsync(noCluster.Id, regionCode: "RU-KLU");
        var anchor = await api.CreateCompanyAsync(roles: ["anchor"], size: "large");
        await api.CreateSiteAsync(anchor.Id, clusterId: cluster);
        await api.CreateSiteAsync(inOther.Id, regionCode: "RU-KLU");

        Assert.Equal([twoSites.Id, anchor.Id], await ListAsync($"clusterId={cluster}"));
        Assert.Equal([twoSites.Id, anchor.Id], await ListAsync($"clusterId={cluster}", limit: 1));
        Assert.Equal([inOther.Id], await ListAsync($"clusterId={elsewhere}"));
        Assert.Empty(await ListAsync("clusterId=0194f3a0-0000-7000-8000-0000000000ff"));
        Assert.Empty(await ListAsync("clusterId=00000000-0000-0000-0000-000000000000"));

        // Combined with role= and size=.
        Assert.Equal([anchor.Id], await ListAsync($"clusterId={cluster}&role=anchor"));
        Assert.Equal([twoSites.Id], await ListAsync($"clusterId={cluster}&role=supplier"));
        Assert.Equal([anchor.Id], await ListAsync($"clusterId={cluster}&size=large"));
        Assert.Empty(await ListAsync($"clusterId={cluster}&role=wholesaler"));
    }

    [Fact]
    public async Task Category_filter_matches_by_segment_prefix()
    {
        var companies = new Dictionary<string, string>();
        foreach (var code in new[] { "25.62", "25.62.1", "25.62.10", "25.62.10.110", "25.63", "25.61.1" })
        {
            var company = await api.CreateCompanyAsync();
            await api.CreateCapabilityAsync(company.Id, await api.CreateSiteAsync(company.Id), categoryCode: code);
            companies[code] = company.Id;
        }
        var withTwo = await api.CreateCompanyAsync();
        var site = await api.CreateSiteAsync(withTwo.Id);
        await api.CreateCapabilityAsync(withTwo.Id, site, categoryCode: "25.62.10.120");
        await api.CreateCapabilityAsync(withTwo.Id, site, categoryCode: "25.62.10.130");
        companies["two"] = withTwo.Id;
        string[] Of(params string[] codes) => codes.Select(c => companies[c]).ToArray();

        async Task<List<string>> Mine(string code) =>
            (await ListAsync($"categoryCode={code}")).Where(companies.ContainsValue).ToList();

        Assert.Equal(Of("25.62", "25.62.1", "25.62.10", "25.62.10.110", "two"), await Mine("25.62"));
        Assert.Equal(Of("25.62.10", "25.62.10.110", "two"), await Mine("25.62.10"));
        // 25.62.1 is a subgroup of its own, not a prefix of 25.62.10 (api.md).
        Assert.Equal(Of("25.62.1"), await Mine("25.62.1"));
        Assert.Equal(Of("25.62.10.110"), await Mine("25.62.10.110"));
        Assert.Equal(Of("25.63"), await Mine("25.63"));
        Assert.Empty(await Mine("25.64"));
        Assert.Empty(await Mine("25.61.10"));
        Assert.Equal(Of("two"), await ListAsync("categoryCode=25.62.10.130"));
    }

    [Fact]
    public async Task Filters_combine_and_follow_the_data()
    {
        var cluster = await api.CreateClusterAsync();
        var local = await api.CreateCompanyAsync();
        var localCapability = await api.CreateCapabilityAsync(local.Id, await api.CreateSiteAsync(local.Id, clusterId: cluster), categoryCode: "29.32.30");
        var remote = await api.CreateCompanyAsync();
        await api.CreateCapabilityAsync(remote.Id, await api.CreateSiteAsync(remote.Id), categoryCode: "29.32.30");
        var localOtherTrade = await api.CreateCompanyAsync();
        await api.CreateCapabilityAsync(localOtherTrade.Id, await api.CreateSiteAsync(localOtherTrade.Id, clusterId: cluster), categoryCode: "22.29");

        Assert.Equal([local.Id], await ListAsync($"clusterId={cluster}&categoryCode=29.32"));
        Assert.Equal([local.Id], await ListAsync($"clusterId={cluster}&categoryCode=29.32&role=supplier&size=small"));
        Assert.Empty(await ListAsync($"clusterId={cluster}&categoryCode=29.32&size=micro"));

        Assert.Equal(HttpStatusCode.NoContent,
            (await api.Admin().DeleteAsync($"/api/v1/companies/{local.Id}/capabilities/{localCapability}")).StatusCode);
        Assert.Empty(await ListAsync($"clusterId={cluster}&categoryCode=29.32"));
        Assert.Equal([local.Id, localOtherTrade.Id], await ListAsync($"clusterId={cluster}"));
    }

    [Theory]
    [InlineData("clusterId=not-an-id", "clusterId")]
    [InlineData("clusterId=", "clusterId")]
    [InlineData("clusterId=0194f3a0-0000-7000-8000-0000000000ff&clusterId=0194f3a0-0000-7000-8000-0000000000fe", "clusterId")]
    [InlineData("categoryCode=25.6", "categoryCode")]
    [InlineData("categoryCode=25", "categoryCode")]
    [InlineData("categoryCode=25.62.", "categoryCode")]
    [InlineData("categoryCode=25.62.%25", "categoryCode")]
    [InlineData("categoryCode=25.62&categoryCode=25.63", "categoryCode")]
    public async Task Malformed_filters_are_400(string query, string field)
    {
        await (await api.Admin().GetAsync($"/api/v1/companies?{query}")).ExpectFieldErrorAsync(field);
    }

    [Fact]
    public async Task A_cursor_belongs_to_its_filter()
    {
        var cluster = await api.CreateClusterAsync();
        for (var i = 0; i < 2; i++)
        {
            var company = await api.CreateCompanyAsync();
            await api.CreateCapabilityAsync(company.Id, await api.CreateSiteAsync(company.Id, clusterId: cluster), categoryCode: "25.62");
        }
        var page = await (await api.Admin().GetAsync($"/api/v1/companies?clusterId={cluster}&limit=1")).ExpectAsync(HttpStatusCode.OK);
        var cursor = (string)page["nextCursor"]!;

        await (await api.Admin().GetAsync($"/api/v1/companies?clusterId={cluster}&cursor={cursor}")).ExpectAsync(HttpStatusCode.OK);
        await (await api.Admin().GetAsync($"/api/v1/companies?cursor={cursor}")).ExpectFieldErrorAsync("cursor");
        await (await api.Admin().GetAsync($"/api/v1/companies?clusterId={cluster}&categoryCode=25.62&cursor={cursor}")).ExpectFieldErrorAsync("cursor");
        var other = await api.CreateClusterAsync();
        await (await api.Admin().GetAsync($"/api/v1/companies?clusterId={other}&cursor={cursor}")).ExpectFieldErrorAsync("cursor");

        var byCode = await (await api.Admin().GetAsync("/api/v1/companies?categoryCode=25.62&limit=1")).ExpectAsync(HttpStatusCode.OK);
        await (await api.Admin().GetAsync($"/api/v1/companies?categoryCode=25.62.1&cursor={(string)byCode["nextCursor"]!}"))
            .ExpectFieldErrorAsync("cursor");
    }
}

public sealed class ListCompaniesBySupplyTestsOnSqlite(SqliteApi api) : ListCompaniesBySupplyTests(api), IClassFixture<SqliteApi>;
public sealed class ListCompaniesBySupplyTestsOnPostgres(PostgresApi api) : ListCompaniesBySupplyTests(api), IClassFixture<PostgresApi>;
