using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Features.ApiKeys;

/// `POST/GET/DELETE /companies/{id}/api-keys[/{keyId}]` (admin): `{id, createdAt, key}`, the key
/// shown once and stored only as its SHA-256.
public abstract class ApiKeyTests(ApiFactory api)
{
    private static string KeysPath(string companyId) => $"/api/v1/companies/{companyId}/api-keys";

    private async Task<(HttpResponseMessage Response, JsonNode Key)> IssueAsync(string companyId)
    {
        var response = await api.Admin().PostJsonAsync(KeysPath(companyId), new { });
        return (response, await response.ExpectAsync(HttpStatusCode.Created));
    }

    [Fact]
    public async Task Admin_issues_a_key_that_authenticates_as_the_company()
    {
        var company = await api.CreateCompanyAsync();
        var (response, issued) = await IssueAsync(company.Id);

        var id = (string)issued["id"]!;
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", id);
        Assert.Equal($"/api/v1/companies/{company.Id}/api-keys/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(api.Clock.GetUtcNow(), DateTimeOffset.Parse((string)issued["createdAt"]!));
        Assert.EndsWith("Z", (string)issued["createdAt"]!);
        var key = (string)issued["key"]!;
        // 256 random bits: at least 43 base64url characters.
        Assert.True(key.Length >= 43, $"The key '{key}' is too short for 256 bits.");
        Assert.NotEqual(company.Key, key);

        // The new key acts as the company: it may change the company's name (admins and the company only).
        var patched = await (await api.As(key).PatchJsonAsync($"/api/v1/companies/{company.Id}", new { name = "Renamed by its new key" }))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Renamed by its new key", (string?)patched["name"]);
    }

    [Fact]
    public async Task Keys_issued_twice_differ()
    {
        var company = await api.CreateCompanyAsync();
        var (_, first) = await IssueAsync(company.Id);
        var (_, second) = await IssueAsync(company.Id);
        Assert.NotEqual((string)first["id"]!, (string)second["id"]!);
        Assert.NotEqual((string)first["key"]!, (string)second["key"]!);
    }

    [Fact]
    public async Task Empty_body_without_content_type_issues_a_key()
    {
        var company = await api.CreateCompanyAsync();
        var response = await api.Admin().PostAsync(KeysPath(company.Id), null);
        var issued = await response.ExpectAsync(HttpStatusCode.Created);
        Assert.NotNull((string?)issued["key"]);
    }

    [Fact]
    public async Task Empty_json_body_issues_a_key()
    {
        var company = await api.CreateCompanyAsync();
        var content = new ByteArrayContent([]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var issued = await (await api.Admin().PostAsync(KeysPath(company.Id), content)).ExpectAsync(HttpStatusCode.Created);
        Assert.NotNull((string?)issued["key"]);
    }

    [Fact]
    public async Task List_and_get_never_show_the_key()
    {
        var company = await api.CreateCompanyAsync();
        var (_, issued) = await IssueAsync(company.Id);
        var id = (string)issued["id"]!;
        var key = (string)issued["key"]!;

        var listText = await (await api.Admin().GetAsync(KeysPath(company.Id))).Content.ReadAsStringAsync();
        var list = JsonNode.Parse(listText)!;
        var items = list["items"]!.AsArray();
        Assert.Equal(2, items.Count); // the one Scenario issued, and this one
        Assert.Contains(items, i => (string?)i!["id"] == id);
        Assert.All(items, i => Assert.False(i!.AsObject().ContainsKey("key"), $"An item shows its key: {i.ToJsonString()}"));
        Assert.DoesNotContain(key, listText, StringComparison.Ordinal);
        Assert.DoesNotContain(company.Key, listText, StringComparison.Ordinal);

        var oneResponse = await api.Admin().GetAsync($"{KeysPath(company.Id)}/{id}");
        var one = await oneResponse.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(id, (string?)one["id"]);
        Assert.Equal((string?)issued["createdAt"], (string?)one["createdAt"]);
        Assert.False(one.AsObject().ContainsKey("key"));
        Assert.DoesNotContain(key, one.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Database_stores_only_the_sha256_of_the_key()
    {
        var company = await api.CreateCompanyAsync();
        var (_, issued) = await IssueAsync(company.Id);
        var key = (string)issued["key"]!;
        var id = Guid.Parse((string)issued["id"]!);

        await using var db = api.OpenDb();
        await using var connection = await db.OpenAsync(CancellationToken.None);
        var hash = await connection.QuerySingleAsync<byte[]>("SELECT key_hash FROM api_keys WHERE id = @id", new { id });
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(key)), hash);

        var row = (IDictionary<string, object?>)await connection.QuerySingleAsync("SELECT * FROM api_keys WHERE id = @id", new { id });
        var keyBytes = Encoding.UTF8.GetBytes(key);
        foreach (var (column, value) in row)
        {
            var holdsKey = value switch
            {
                byte[] bytes => bytes.AsSpan().IndexOf(keyBytes) >= 0 || Encoding.UTF8.GetString(bytes).Contains(key, StringComparison.Ordinal),
                null => false,
                _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!.Contains(key, StringComparison.Ordinal),
            };
            Assert.False(holdsKey, $"Column api_keys.{column} holds the key text.");
        }
    }

    [Fact]
    public async Task Revoking_is_204_then_404_and_the_key_is_gone()
    {
        var company = await api.CreateCompanyAsync();
        var (_, issued) = await IssueAsync(company.Id);
        var path = $"{KeysPath(company.Id)}/{issued["id"]}";
        var key = (string)issued["key"]!;

        var deleted = await api.Admin().DeleteAsync(path);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Empty(await deleted.Content.ReadAsByteArrayAsync());

        await (await api.Admin().DeleteAsync(path)).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await api.Admin().GetAsync(path)).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        var list = await (await api.Admin().GetAsync(KeysPath(company.Id))).ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(list["items"]!.AsArray(), i => (string?)i!["id"] == (string?)issued["id"]);
        await (await api.As(key).GetAsync("/api/v1/clusters")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.unauthenticated");
    }

    [Fact]
    public async Task Key_of_another_company_is_404_under_this_one()
    {
        var company = await api.CreateCompanyAsync();
        var other = await api.CreateCompanyAsync();
        var (_, issued) = await IssueAsync(other.Id);
        var wrongPath = $"{KeysPath(company.Id)}/{issued["id"]}";

        await (await api.Admin().GetAsync(wrongPath)).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await api.Admin().DeleteAsync(wrongPath)).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        // Still alive under its own company.
        await (await api.As((string)issued["key"]!).GetAsync("/api/v1/clusters")).ExpectAsync(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("GET")]
    public async Task Unknown_company_is_404(string method)
    {
        var before = await api.CountRowsAsync("api_keys");
        var path = KeysPath(Guid.CreateVersion7().ToString());
        var response = method == "POST" ? await api.Admin().PostJsonAsync(path, new { }) : await api.Admin().GetAsync(path);
        await response.ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(before, await api.CountRowsAsync("api_keys"));
    }

    [Theory]
    [InlineData("not-an-id")]
    [InlineData("00000000-0000-0000-0000-00000000000g")]
    public async Task Malformed_company_or_key_id_is_404(string badId)
    {
        var company = await api.CreateCompanyAsync();
        await (await api.Admin().PostJsonAsync(KeysPath(badId), new { })).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await api.Admin().GetAsync($"{KeysPath(company.Id)}/{badId}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await api.Admin().DeleteAsync($"{KeysPath(company.Id)}/{badId}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Unknown_key_id_is_404()
    {
        var company = await api.CreateCompanyAsync();
        var path = $"{KeysPath(company.Id)}/{Guid.CreateVersion7()}";
        await (await api.Admin().GetAsync(path)).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await api.Admin().DeleteAsync(path)).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Theory]
    [InlineData("""{"key":"x"}""", "key")]
    [InlineData("""{"id":"0190c5f0-0000-7000-8000-000000000000"}""", "id")]
    [InlineData("""{"createdAt":"2026-01-01T00:00:00Z"}""", "createdAt")]
    [InlineData("""{"name":"x"}""", "name")]
    public async Task Body_with_any_property_is_400_naming_it(string body, string field)
    {
        var company = await api.CreateCompanyAsync();
        var before = await api.CountRowsAsync("api_keys");
        await (await api.Admin().PostJsonAsync(KeysPath(company.Id), body)).ExpectFieldErrorAsync(field);
        Assert.Equal(before, await api.CountRowsAsync("api_keys"));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("\"x\"")]
    [InlineData("{")]
    public async Task Body_that_is_not_an_empty_object_is_400(string body)
    {
        var company = await api.CreateCompanyAsync();
        var before = await api.CountRowsAsync("api_keys");
        await (await api.Admin().PostJsonAsync(KeysPath(company.Id), body)).ExpectFieldErrorAsync("$");
        Assert.Equal(before, await api.CountRowsAsync("api_keys"));
    }

    [Fact]
    public async Task Company_key_may_not_list_read_or_revoke_its_own_keys()
    {
        var company = await api.CreateCompanyAsync();
        var client = api.As(company.Key);
        var keys = await (await api.Admin().GetAsync(KeysPath(company.Id))).ExpectAsync(HttpStatusCode.OK);
        var keyPath = $"{KeysPath(company.Id)}/{keys["items"]![0]!["id"]}";

        await (await client.GetAsync(KeysPath(company.Id))).ExpectProblemAsync(HttpStatusCode.Forbidden, "auth.admin_only");
        await (await client.GetAsync(keyPath)).ExpectProblemAsync(HttpStatusCode.Forbidden, "auth.admin_only");
        await (await client.DeleteAsync(keyPath)).ExpectProblemAsync(HttpStatusCode.Forbidden, "auth.admin_only");
        await (await client.GetAsync("/api/v1/clusters")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task List_pages_through_every_live_key_once()
    {
        var company = await api.CreateCompanyAsync();
        for (var i = 0; i < 4; i++) await IssueAsync(company.Id);
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await (await api.Admin().GetAsync($"{KeysPath(company.Id)}?limit=2" + (cursor is null ? "" : $"&cursor={cursor}")))
                .ExpectAsync(HttpStatusCode.OK);
            var items = page["items"]!.AsArray();
            Assert.InRange(items.Count, 1, 2);
            seen.AddRange(items.Select(i => (string)i!["id"]!));
            cursor = (string?)page["nextCursor"];
        } while (cursor is not null);

        Assert.Equal(5, seen.Count);
        Assert.Equal(seen.Distinct().Count(), seen.Count);
        Assert.Equal(seen.Order(StringComparer.Ordinal), seen);
    }

    [Fact]
    public async Task Cursor_of_another_company_is_400()
    {
        var company = await api.CreateCompanyAsync();
        var other = await api.CreateCompanyAsync();
        await IssueAsync(company.Id);
        var page = await (await api.Admin().GetAsync($"{KeysPath(company.Id)}?limit=1")).ExpectAsync(HttpStatusCode.OK);
        var cursor = (string)page["nextCursor"]!;
        await (await api.Admin().GetAsync($"{KeysPath(other.Id)}?cursor={cursor}")).ExpectFieldErrorAsync("cursor");
    }
}

public sealed class ApiKeyTestsOnSqlite(SqliteApi api) : ApiKeyTests(api), IClassFixture<SqliteApi>;
public sealed class ApiKeyTestsOnPostgres(PostgresApi api) : ApiKeyTests(api), IClassFixture<PostgresApi>;
