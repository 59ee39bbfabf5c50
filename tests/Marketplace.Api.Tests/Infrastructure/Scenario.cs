using System.Net;
using Marketplace.Domain.Companies;

namespace Marketplace.Api.Tests.Infrastructure;

public sealed record TestCompany(string Id, string Key, string TaxId);

/// Builders for the facts most tests start from, all through the public API.
public static class Scenario
{
    private static int _seed = Environment.ProcessId * 7919;

    public static string NewTaxId() => TaxId.Generate(new Random(Interlocked.Increment(ref _seed)));

    public static async Task<TestCompany> CreateCompanyAsync(this ApiFactory api, string[]? roles = null, string size = "small",
        string? name = null, string[]? certifications = null)
    {
        var admin = api.Admin();
        var taxId = NewTaxId();
        var company = await (await admin.PostJsonAsync("/api/v1/companies", new
        {
            name = name ?? $"Company {taxId}", taxId, roles = roles ?? ["supplier"], size, certifications = certifications ?? [],
        })).ExpectAsync(HttpStatusCode.Created);
        var id = (string)company["id"]!;
        var key = await (await admin.PostJsonAsync($"/api/v1/companies/{id}/api-keys", new { })).ExpectAsync(HttpStatusCode.Created);
        return new TestCompany(id, (string)key["key"]!, taxId);
    }

    public static async Task<string> CreateClusterAsync(this ApiFactory api, string regionCode = "RU-KLU", double lat = 54.5059848, double lon = 36.2516245)
    {
        var cluster = await (await api.Admin().PostJsonAsync("/api/v1/clusters", new
        {
            name = $"Cluster {Guid.NewGuid():N}", regionCode, center = new { lat, lon }, specializations = new[] { "25.62", "29" },
        })).ExpectAsync(HttpStatusCode.Created);
        return (string)cluster["id"]!;
    }
}
