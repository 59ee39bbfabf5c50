using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Domain.Companies;

namespace Marketplace.Api.Tests.Features.Companies;

/// The request shapes the company tests repeat: bodies, the list walk, reads and patches.
public static class CompanyRequests
{
    public const string CompaniesPath = "/api/v1/companies";

    /// A valid create body with a fresh taxId; tests replace or remove one field from it.
    public static Dictionary<string, object?> ValidBody(string? taxId = null) => new()
    {
        ["name"] = "Kaluga Turning",
        ["taxId"] = taxId ?? Scenario.NewTaxId(),
        ["roles"] = new[] { "supplier" },
        ["size"] = "small",
    };

    public static Dictionary<string, object?> With(this Dictionary<string, object?> body, string field, object? value)
    {
        body[field] = value;
        return body;
    }

    public static Dictionary<string, object?> Without(this Dictionary<string, object?> body, string field)
    {
        body.Remove(field);
        return body;
    }

    /// A valid 12-digit INN (individual entrepreneur).
    public static string NewIndividualTaxId() => TaxId.Generate(Random.Shared, individual: true);

    /// A 10-digit INN whose check digit is wrong.
    public static string TaxIdWithBadCheckDigit()
    {
        var valid = Scenario.NewTaxId();
        var wrong = (char)('0' + (valid[9] - '0' + 1) % 10);
        return valid[..9] + wrong;
    }

    public static Task<HttpResponseMessage> PostCompanyAsync(this HttpClient client, object body) =>
        client.PostJsonAsync(CompaniesPath, body);

    public static Task<HttpResponseMessage> PatchCompanyAsync(this HttpClient client, string id, object body,
        string? ifMatch = null, string contentType = "application/merge-patch+json") =>
        client.PatchJsonAsync($"{CompaniesPath}/{id}", body, contentType, ifMatch);

    /// The company as an admin reads it, with its ETag.
    public static async Task<(JsonNode Company, string ETag)> ReadCompanyAsync(this ApiFactory api, string id)
    {
        var response = await api.Admin().GetAsync($"{CompaniesPath}/{id}");
        var company = await response.ExpectAsync(HttpStatusCode.OK);
        return (company, ETagOf(response));
    }

    public static string ETagOf(HttpResponseMessage response) =>
        response.Headers.ETag?.ToString() ?? throw new Xunit.Sdk.XunitException("The answer has no ETag header.");

    /// Every page of `GET /companies?{query}` with this limit, following nextCursor until null.
    public static async Task<List<JsonNode>> WalkAsync(this ApiFactory api, string query = "", int limit = 200)
    {
        var client = api.Admin();
        var items = new List<JsonNode>();
        string? cursor = null;
        for (var pages = 0; ; pages++)
        {
            Assert.True(pages < 1000, "The list never ends.");
            var url = new StringBuilder($"{CompaniesPath}?limit={limit}");
            if (query.Length > 0) url.Append('&').Append(query);
            if (cursor is not null) url.Append("&cursor=").Append(Uri.EscapeDataString(cursor));
            var page = await (await client.GetAsync(url.ToString())).ExpectAsync(HttpStatusCode.OK);
            var pageItems = page["items"]!.AsArray().Select(i => i!).ToList();
            Assert.True(pageItems.Count <= limit, $"A page holds {pageItems.Count} items, over limit={limit}.");
            items.AddRange(pageItems);
            cursor = (string?)page["nextCursor"];
            if (cursor is null) return items;
            Assert.NotEmpty(pageItems);
        }
    }

    public static async Task<List<string>> IdsAsync(this ApiFactory api, string query = "", int limit = 200) =>
        (await api.WalkAsync(query, limit)).Select(c => (string)c["id"]!).ToList();

    public static async Task<int> CompanyCountAsync(this ApiFactory api) => (await api.WalkAsync()).Count;

    /// Asserts a 400 whose `errors` names exactly this one field.
    public static async Task<JsonNode> ExpectOnlyFieldErrorAsync(this HttpResponseMessage response, string field)
    {
        var problem = await response.ExpectFieldErrorAsync(field);
        Assert.Equal([field], problem["errors"]!.AsObject().Select(e => e.Key));
        return problem;
    }

    public static IEnumerable<string> Strings(this JsonNode? array) => array!.AsArray().Select(n => (string)n!);
}
