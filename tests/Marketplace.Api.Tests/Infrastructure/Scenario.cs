using System.Net;
using Marketplace.Domain.Companies;

namespace Marketplace.Api.Tests.Infrastructure;

public sealed record TestCompany(string Id, string Key, string TaxId);

public sealed record TestPartner(string Id, string Key, string Name);

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

    /// A partner app registered by the admin (its key is only in this answer).
    public static async Task<TestPartner> CreatePartnerAsync(this ApiFactory api, string? name = null)
    {
        name ??= $"Partner {Guid.NewGuid():N}";
        var partner = await (await api.Admin().PostJsonAsync("/api/v1/partners", new { name })).ExpectAsync(HttpStatusCode.Created);
        return new TestPartner((string)partner["id"]!, (string)partner["key"]!, name);
    }

    /// The supplier lets the partner act for it.
    public static async Task GrantAsync(this ApiFactory api, TestCompany supplier, TestPartner partner) =>
        await (await api.As(supplier.Key).PostJsonAsync($"/api/v1/companies/{supplier.Id}/partners", new { partnerId = partner.Id }))
            .ExpectAsync(HttpStatusCode.NoContent);

    /// A client with the partner's key acting for this company (X-On-Behalf-Of).
    public static HttpClient AsPartner(this ApiFactory api, TestPartner partner, string onBehalfOf)
    {
        var client = api.As(partner.Key);
        client.DefaultRequestHeaders.TryAddWithoutValidation("X-On-Behalf-Of", onBehalfOf);
        return client;
    }
}
