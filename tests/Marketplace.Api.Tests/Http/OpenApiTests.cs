using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Api.Common.Errors;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Http;

/// api.md: "The OpenAPI document served at /swagger/v1/swagger.json is the full contract", and
/// it holds the list of problem `code`s.
public abstract class OpenApiTests(ApiFactory api)
{
    private async Task<JsonNode> DocumentAsync()
    {
        var response = await api.Anonymous().GetAsync("/swagger/v1/swagger.json");
        var document = await response.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return document;
    }

    /// Follows a local `$ref` (`#/components/schemas/...`), or answers the schema itself.
    private static JsonNode Resolve(JsonNode document, JsonNode schema)
    {
        if ((string?)schema["$ref"] is not { } reference) return schema;
        Assert.StartsWith("#/", reference);
        var node = document;
        foreach (var part in reference[2..].Split('/')) node = node[part] ?? throw new Xunit.Sdk.XunitException($"Dangling $ref {reference}.");
        return node;
    }

    [Theory]
    [InlineData("/api/v1/companies", "get")]
    [InlineData("/api/v1/companies", "post")]
    [InlineData("/api/v1/companies/{id}", "get")]
    [InlineData("/api/v1/companies/{id}", "patch")]
    [InlineData("/api/v1/clusters", "get")]
    [InlineData("/api/v1/clusters", "post")]
    [InlineData("/api/v1/clusters/{id}", "get")]
    [InlineData("/api/v1/companies/{id}/api-keys", "get")]
    [InlineData("/api/v1/companies/{id}/api-keys", "post")]
    [InlineData("/api/v1/companies/{id}/api-keys/{keyId}", "get")]
    [InlineData("/api/v1/companies/{id}/api-keys/{keyId}", "delete")]
    [InlineData("/health", "get")]
    [InlineData("/health/ready", "get")]
    public async Task Document_lists_the_path_and_method(string path, string method)
    {
        var paths = (await DocumentAsync())["paths"]!.AsObject();
        Assert.True(paths.ContainsKey(path), $"No {path} in: {string.Join(", ", paths.Select(p => p.Key))}");
        Assert.True(paths[path]!.AsObject().ContainsKey(method), $"No {method} on {path}.");
    }

    /// Each property as `name:type`, the JSON type a client must send (a merge-patch member is the
    /// field's own type, not a wrapper object).
    [Theory]
    [InlineData("/api/v1/companies", "post", "application/json",
        "name:string", "taxId:string", "roles:array", "size:string", "certifications:array")]
    [InlineData("/api/v1/companies/{id}", "patch", "application/merge-patch+json",
        "name:string", "taxId:string", "roles:array", "size:string", "certifications:array", "active:boolean")]
    [InlineData("/api/v1/companies/{id}", "patch", "application/json", "name:string", "certifications:array")]
    [InlineData("/api/v1/clusters", "post", "application/json",
        "name:string", "regionCode:string", "regionName:string", "center:object", "specializations:array", "localSourcingThreshold:number")]
    public async Task Write_has_a_request_body_schema(string path, string method, string contentType, params string[] properties)
    {
        var document = await DocumentAsync();
        var body = document["paths"]![path]![method]!["requestBody"];
        Assert.NotNull(body);
        var content = body["content"]!.AsObject();
        Assert.True(content.ContainsKey(contentType), $"The body of {method} {path} has no {contentType}: {content.ToJsonString()}");
        var schema = Resolve(document, content[contentType]!["schema"]!);
        Assert.Equal("object", (string?)schema["type"]);
        var declared = schema["properties"]!.AsObject();
        foreach (var (name, type) in properties.Select(p => p.Split(':')).Select(p => (p[0], p[1])))
        {
            Assert.True(declared.ContainsKey(name), $"{method} {path} does not declare '{name}'.");
            var property = Resolve(document, declared[name]!);
            Assert.True((string?)property["type"] == type, $"'{name}' of {method} {path} is documented as {property.ToJsonString()}, not {type}.");
        }
        Assert.False(declared.ContainsKey("id"), $"{method} {path} documents the read-only 'id' as writable.");
    }

    [Theory]
    [InlineData("company.tax_id_taken")]
    [InlineData("db.busy")]
    [InlineData("auth.unauthenticated")]
    [InlineData("auth.admin_only")]
    [InlineData("request.body_too_large")]
    [InlineData("request.unsupported_media_type")]
    [InlineData("validation.failed")]
    [InlineData("not_found")]
    public async Task Description_lists_the_error_code(string code)
    {
        var description = (string)(await DocumentAsync())["info"]!["description"]!;
        Assert.Contains($"`{code}`", description);
    }

    [Fact]
    public async Task Description_lists_every_error_code_the_api_defines()
    {
        var description = (string)(await DocumentAsync())["info"]!["description"]!;
        foreach (var code in ErrorCodes.Descriptions.Keys) Assert.Contains($"`{code}`", description);
    }

    [Fact]
    public async Task Document_declares_bearer_authentication()
    {
        var schemes = (await DocumentAsync())["components"]!["securitySchemes"]!.AsObject();
        Assert.Contains(schemes, s => (string?)s.Value!["type"] == "http" && (string?)s.Value["scheme"] == "bearer");
    }
}

public sealed class OpenApiTestsOnSqlite(SqliteApi api) : OpenApiTests(api), IClassFixture<SqliteApi>;
public sealed class OpenApiTestsOnPostgres(PostgresApi api) : OpenApiTests(api), IClassFixture<PostgresApi>;
