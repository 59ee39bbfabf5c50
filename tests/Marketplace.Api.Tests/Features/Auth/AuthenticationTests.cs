using System.Diagnostics;
using System.Net;
using System.Text;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Features.Auth;

/// api.md "Auth and roles" and step 1 of the check order: who may call at all, and what comes
/// first when several checks fail.
public abstract class AuthenticationTests(ApiFactory api)
{
    private static object ValidCluster => new
    {
        name = "Auth test cluster", regionCode = "RU-KLU", center = new { lat = 54.5, lon = 36.25 },
    };

    private HttpClient WithAuthorization(string header)
    {
        var client = api.Anonymous();
        Assert.True(client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", header));
        return client;
    }

    [Fact]
    public async Task No_authorization_header_is_401_problem()
    {
        var problem = await (await api.Anonymous().GetAsync("/api/v1/clusters"))
            .ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.unauthenticated");
        Assert.False(string.IsNullOrEmpty((string?)problem["title"]));
        Assert.False(string.IsNullOrEmpty((string?)problem["type"]));
        Assert.False(string.IsNullOrEmpty((string?)problem["detail"]));
    }

    [Fact]
    public async Task Unknown_key_is_401()
    {
        await (await api.As("mp_this_key_was_never_issued_0123456789abcdef").GetAsync("/api/v1/clusters"))
            .ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.unauthenticated");
    }

    [Theory]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Basic xyz")]
    [InlineData("Bearer a b")]
    [InlineData("Bearer mp_clé_non_ascii")]
    [InlineData("Bearer ключ")]
    [InlineData("Token " + ApiFactory.AdminKey)]
    [InlineData(ApiFactory.AdminKey)]
    public async Task Malformed_authorization_header_is_401(string header)
    {
        await (await WithAuthorization(header).GetAsync("/api/v1/clusters"))
            .ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.unauthenticated");
    }

    [Fact]
    public async Task Two_authorization_headers_are_401()
    {
        var client = api.Anonymous();
        Assert.True(client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization",
            ["Bearer " + ApiFactory.AdminKey, "Bearer " + ApiFactory.AdminKey]));
        await (await client.GetAsync("/api/v1/clusters")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.unauthenticated");
    }

    [Fact]
    public async Task Bearer_scheme_is_case_insensitive()
    {
        // RFC 9110: the auth-scheme is case-insensitive.
        await (await WithAuthorization("bearer " + ApiFactory.AdminKey).GetAsync("/api/v1/clusters"))
            .ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Company_key_authenticates()
    {
        var company = await api.CreateCompanyAsync();
        var page = await (await api.As(company.Key).GetAsync("/api/v1/clusters")).ExpectAsync(HttpStatusCode.OK);
        Assert.NotNull(page["items"]);
    }

    [Fact]
    public async Task Revoked_key_is_401_within_a_second()
    {
        var company = await api.CreateCompanyAsync();
        var issued = await (await api.Admin().PostJsonAsync($"/api/v1/companies/{company.Id}/api-keys", new { }))
            .ExpectAsync(HttpStatusCode.Created);
        var key = (string)issued["key"]!;
        var client = api.As(key);
        // Warm any lookup cache, so that revocation has to reach it.
        await (await client.GetAsync("/api/v1/clusters")).ExpectAsync(HttpStatusCode.OK);

        await (await api.Admin().DeleteAsync($"/api/v1/companies/{company.Id}/api-keys/{issued["id"]}"))
            .ExpectAsync(HttpStatusCode.NoContent);
        var revokedAt = Stopwatch.StartNew();
        var status = await PollUntilUnauthorizedAsync(client, TimeSpan.FromSeconds(3));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.True(revokedAt.Elapsed < TimeSpan.FromSeconds(1.5), $"The revoked key still worked after {revokedAt.Elapsed}.");
        // The company's other key is untouched.
        await (await api.As(company.Key).GetAsync("/api/v1/clusters")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Revocation_reaches_another_process_within_a_second()
    {
        var company = await api.CreateCompanyAsync();
        var other = api.OnSameDatabase();
        try
        {
            var client = other.As(company.Key);
            // The other process has looked the key up (and may cache it for up to 1 s).
            await (await client.GetAsync("/api/v1/clusters")).ExpectAsync(HttpStatusCode.OK);

            var keys = await (await api.Admin().GetAsync($"/api/v1/companies/{company.Id}/api-keys")).ExpectAsync(HttpStatusCode.OK);
            var keyId = (string)keys["items"]![0]!["id"]!;
            await (await api.Admin().DeleteAsync($"/api/v1/companies/{company.Id}/api-keys/{keyId}"))
                .ExpectAsync(HttpStatusCode.NoContent);
            var revokedAt = Stopwatch.StartNew();
            var status = await PollUntilUnauthorizedAsync(client, TimeSpan.FromSeconds(3));

            Assert.Equal(HttpStatusCode.Unauthorized, status);
            Assert.True(revokedAt.Elapsed < TimeSpan.FromSeconds(1.5), $"The revoked key still worked after {revokedAt.Elapsed}.");
        }
        finally
        {
            await other.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/health/ready")]
    [InlineData("/swagger/v1/swagger.json")]
    public async Task Health_and_openapi_need_no_key(string path)
    {
        await (await api.Anonymous().GetAsync(path)).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Company_key_creating_a_cluster_is_403_admin_only()
    {
        var company = await api.CreateCompanyAsync(roles: ["anchor", "supplier", "wholesaler"]);
        var before = await api.CountRowsAsync("clusters");
        await (await api.As(company.Key).PostJsonAsync("/api/v1/clusters", ValidCluster))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "auth.admin_only");
        Assert.Equal(before, await api.CountRowsAsync("clusters"));
    }

    [Fact]
    public async Task Unauthenticated_request_with_malformed_body_is_401_not_400()
    {
        await (await api.Anonymous().PostJsonAsync("/api/v1/clusters", """{"name":"""))
            .ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.unauthenticated");
        await (await api.As("mp_unknown_key_for_order_test").PostJsonAsync("/api/v1/clusters", "[1,2"))
            .ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.unauthenticated");
    }

    [Fact]
    public async Task Unauthenticated_request_with_wrong_content_type_is_401_not_415()
    {
        await (await api.Anonymous().SendJsonAsync(HttpMethod.Post, "/api/v1/clusters", "name=x", "text/plain"))
            .ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.unauthenticated");
    }

    [Fact]
    public async Task Company_key_on_api_keys_of_an_unknown_company_is_404_but_of_an_existing_one_403()
    {
        var company = await api.CreateCompanyAsync();
        var other = await api.CreateCompanyAsync();
        var client = api.As(company.Key);

        await (await client.PostJsonAsync($"/api/v1/companies/{Guid.CreateVersion7()}/api-keys", new { }))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await client.PostJsonAsync($"/api/v1/companies/{other.Id}/api-keys", new { }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "auth.admin_only");
        // A company may not issue keys for itself either (admin only).
        await (await client.PostJsonAsync($"/api/v1/companies/{company.Id}/api-keys", new { }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "auth.admin_only");
        // Only the key each company was created with.
        Assert.Equal(2, await api.CountRowsAsync("api_keys", "company_id IN (@a, @b)",
            new { a = Guid.Parse(company.Id), b = Guid.Parse(other.Id) }));
    }

    [Fact]
    public async Task Forbidden_request_with_wrong_content_type_is_403_not_415()
    {
        var company = await api.CreateCompanyAsync();
        await (await api.As(company.Key).SendJsonAsync(HttpMethod.Post, "/api/v1/clusters", "name=x", "text/plain"))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "auth.admin_only");
        await (await api.As(company.Key).SendJsonAsync(HttpMethod.Post, $"/api/v1/companies/{company.Id}/api-keys", "x", "text/plain"))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "auth.admin_only");
    }

    [Fact]
    public async Task Forbidden_request_with_oversized_body_is_403_not_413()
    {
        var company = await api.CreateCompanyAsync();
        var huge = new StringBuilder("{\"name\":\"").Append('x', 1_100_000).Append("\"}").ToString();
        await (await api.As(company.Key).PostJsonAsync("/api/v1/clusters", huge))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "auth.admin_only");
    }

    private static async Task<HttpStatusCode> PollUntilUnauthorizedAsync(HttpClient client, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var response = await client.GetAsync("/api/v1/clusters");
            if (response.StatusCode != HttpStatusCode.OK || clock.Elapsed > limit) return response.StatusCode;
            await Task.Delay(50);
        }
    }
}

public sealed class AuthenticationTestsOnSqlite(SqliteApi api) : AuthenticationTests(api), IClassFixture<SqliteApi>;
public sealed class AuthenticationTestsOnPostgres(PostgresApi api) : AuthenticationTests(api), IClassFixture<PostgresApi>;
