using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Features.Sites;

public abstract class CreateSiteTests(ApiFactory api)
{
    private static JsonObject ValidBody() => new() { ["name"] = "Workshop 2", ["lat"] = 54.5293, ["lon"] = 36.2754, ["regionCode"] = "RU-KLU" };

    [Fact]
    public async Task Company_adds_a_site_and_reads_it_back_at_its_location()
    {
        var company = await api.CreateCompanyAsync(roles: ["anchor"]);
        var response = await api.As(company.Key).PostJsonAsync($"/api/v1/companies/{company.Id}/sites", ValidBody());
        var site = await response.ExpectAsync(HttpStatusCode.Created);

        var id = (string)site["id"]!;
        Assert.Equal($"/api/v1/companies/{company.Id}/sites/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(company.Id, (string?)site["companyId"]);
        Assert.Equal("Workshop 2", (string?)site["name"]);
        Assert.Equal(54.5293, (double)site["lat"]!);
        Assert.Equal(36.2754, (double)site["lon"]!);
        Assert.Null(site["clusterId"]);
        Assert.True(site.AsObject().ContainsKey("clusterId"));
        Assert.Equal("RU-KLU", (string?)site["regionCode"]);
        Assert.Equal("2026-03-02T09:00:00Z", (string?)site["createdAt"]);
        Assert.Equal(["id", "companyId", "name", "lat", "lon", "clusterId", "regionCode", "createdAt"],
            site.AsObject().Select(p => p.Key));

        var read = await (await api.As(company.Key).GetAsync($"/api/v1/companies/{company.Id}/sites/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(site.ToJsonString(), read.ToJsonString());
    }

    [Fact]
    public async Task Region_defaults_to_the_clusters_and_a_different_explicit_one_is_kept()
    {
        var company = await api.CreateCompanyAsync();
        var cluster = await api.CreateClusterAsync(regionCode: "RU-TUL");
        var client = api.As(company.Key);

        var defaulted = await (await client.PostJsonAsync($"/api/v1/companies/{company.Id}/sites",
            ValidBody().With("regionCode", null).With("clusterId", $"\"{cluster}\""))).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(cluster, (string?)defaulted["clusterId"]);
        Assert.Equal("RU-TUL", (string?)defaulted["regionCode"]);

        var explicitNull = await (await client.PostJsonAsync($"/api/v1/companies/{company.Id}/sites",
            ValidBody().With("regionCode", "null").With("clusterId", $"\"{cluster}\""))).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("RU-TUL", (string?)explicitNull["regionCode"]);

        var kept = await (await client.PostJsonAsync($"/api/v1/companies/{company.Id}/sites",
            ValidBody().With("regionCode", "\"RU-KLU\"").With("clusterId", $"\"{cluster}\""))).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(cluster, (string?)kept["clusterId"]);
        Assert.Equal("RU-KLU", (string?)kept["regionCode"]);

        var read = await (await client.GetAsync($"/api/v1/companies/{company.Id}/sites/{(string)kept["id"]!}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("RU-KLU", (string?)read["regionCode"]);
    }

    public static TheoryData<string, string, string?> InvalidFields => new()
    {
        { "name", "name", null },
        { "name", "name", "null" },
        { "name", "name", "\"   \"" },
        { "name", "name", $"\"{new string('n', 301)}\"" },
        { "lat", "lat", null },
        { "lat", "lat", "90.0001" },
        { "lat", "lat", "-90.5" },
        { "lat", "lat", "\"54.5\"" },
        { "lon", "lon", null },
        { "lon", "lon", "180.5" },
        { "lon", "lon", "-181" },
        { "clusterId", "clusterId", "\"not-an-id\"" },
        { "clusterId", "clusterId", "\"0194f3a0-0000-7000-8000-000000000000\"" },
        { "regionCode", "regionCode", null },
        { "regionCode", "regionCode", "\"RU-XXX\"" },
        { "regionCode", "regionCode", "\"KLU\"" },
        { "id", "id", "\"0194f3a0-0000-7000-8000-000000000001\"" },
        { "companyId", "companyId", "\"0194f3a0-0000-7000-8000-000000000001\"" },
        { "createdAt", "createdAt", "\"2026-03-02T09:00:00Z\"" },
        { "color", "color", "\"red\"" },
    };

    [Theory]
    [MemberData(nameof(InvalidFields), MemberType = typeof(CreateSiteTests))]
    public async Task Invalid_site_is_400_naming_the_field(string field, string property, string? json)
    {
        var company = await api.CreateCompanyAsync();
        await (await api.As(company.Key).PostJsonAsync($"/api/v1/companies/{company.Id}/sites", ValidBody().With(property, json)))
            .ExpectFieldErrorAsync(field);
    }

    [Fact]
    public async Task Region_must_be_valid_also_with_a_cluster()
    {
        var company = await api.CreateCompanyAsync();
        var cluster = await api.CreateClusterAsync();
        await (await api.As(company.Key).PostJsonAsync($"/api/v1/companies/{company.Id}/sites",
                ValidBody().With("clusterId", $"\"{cluster}\"").With("regionCode", "\"RU-ZZZ\"")))
            .ExpectFieldErrorAsync("regionCode");
    }

    [Fact]
    public async Task Each_site_write_is_in_the_change_feed_and_a_rejected_one_adds_no_change_and_no_row()
    {
        var company = await api.CreateCompanyAsync();
        var client = api.As(company.Key);
        var mark = await api.ChangeMarkAsync();

        // Rejected in the handler's transaction (no such cluster) and by the validator.
        await (await client.PostJsonAsync($"/api/v1/companies/{company.Id}/sites",
            ValidBody().With("clusterId", "\"0194f3a0-0000-7000-8000-000000000000\""))).ExpectFieldErrorAsync("clusterId");
        await (await client.PostJsonAsync($"/api/v1/companies/{company.Id}/sites", ValidBody().With("lat", "91")))
            .ExpectFieldErrorAsync("lat");
        Assert.Empty(await client.WalkAsync($"/api/v1/companies/{company.Id}/sites"));

        var site = await (await client.PostJsonAsync($"/api/v1/companies/{company.Id}/sites", ValidBody())).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal([("site", (string)site["id"]!)], await api.ChangesAfterAsync(mark, 1));
        Assert.Equal([(string)site["id"]!], await client.WalkAsync($"/api/v1/companies/{company.Id}/sites"));
    }

    [Fact]
    public async Task Inactive_company_may_read_its_sites_but_not_add_one()
    {
        var taxId = Scenario.NewTaxId();
        var company = await (await api.Admin().PostJsonAsync("/api/v1/companies",
            new { name = "Dormant", taxId, roles = new[] { "supplier" }, size = "micro", active = false })).ExpectAsync(HttpStatusCode.Created);
        var id = (string)company["id"]!;
        var key = (string)(await (await api.Admin().PostJsonAsync($"/api/v1/companies/{id}/api-keys", new { })).ExpectAsync(HttpStatusCode.Created))["key"]!;

        await (await api.As(key).PostJsonAsync($"/api/v1/companies/{id}/sites", ValidBody()))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "company.inactive");
        await (await api.As(key).GetAsync($"/api/v1/companies/{id}/sites")).ExpectAsync(HttpStatusCode.OK);
    }
}

public sealed class CreateSiteTestsOnSqlite(SqliteApi api) : CreateSiteTests(api), IClassFixture<SqliteApi>;
public sealed class CreateSiteTestsOnPostgres(PostgresApi api) : CreateSiteTests(api), IClassFixture<PostgresApi>;
