using System.Net;
using System.Text.Json.Nodes;
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

    /// A site of the company, created by an admin. Without a cluster the region defaults to RU-KLU.
    public static async Task<string> CreateSiteAsync(this ApiFactory api, string companyId, string? clusterId = null,
        string? regionCode = null, string? name = null)
    {
        var site = await (await api.Admin().PostJsonAsync($"/api/v1/companies/{companyId}/sites", new
        {
            name = name ?? $"Site {Guid.NewGuid():N}", lat = 54.5293, lon = 36.2754, clusterId,
            regionCode = regionCode ?? (clusterId is null ? "RU-KLU" : null),
        })).ExpectAsync(HttpStatusCode.Created);
        return (string)site["id"]!;
    }

    /// A capability of the company at one of its sites, created by an admin.
    public static async Task<string> CreateCapabilityAsync(this ApiFactory api, string companyId, string siteId,
        string categoryCode = "25.62.10", string unit = "PCE")
    {
        var capability = await (await api.Admin().PostJsonAsync($"/api/v1/companies/{companyId}/capabilities", new
        {
            siteId, categoryCode, description = "CNC turning", capacityPerMonth = 5000, unit, localShare = 0.8,
        })).ExpectAsync(HttpStatusCode.Created);
        return (string)capability["id"]!;
    }

    /// The ids (or another string `key`) of every item of a list, following nextCursor page by page.
    public static async Task<List<string>> WalkAsync(this HttpClient client, string path, int limit = 200, string key = "id")
    {
        var ids = new List<string>();
        string? cursor = null;
        var separator = path.Contains('?') ? '&' : '?';
        do
        {
            var page = await (await client.GetAsync($"{path}{separator}limit={limit}" + (cursor is null ? "" : $"&cursor={cursor}")))
                .ExpectAsync(HttpStatusCode.OK);
            var items = page["items"]!.AsArray();
            Assert.True(items.Count <= limit, $"A page of {items.Count} items exceeds limit={limit}.");
            ids.AddRange(items.Select(i => (string)i![key]!));
            cursor = (string?)page["nextCursor"];
        } while (cursor is not null);
        return ids;
    }

    /// A point in the change feed that every change made afterwards comes after: a company is
    /// created (a company change) and its token is awaited. Earlier writes all committed before this
    /// one began, so none of them can appear past it.
    public static async Task<long> ChangeMarkAsync(this ApiFactory api)
    {
        var marker = await api.CreateCompanyAsync(roles: ["anchor"]);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        long after = 0;
        while (true)
        {
            var page = await ReadChangesAsync(api, after);
            var mark = page.Items.FindIndex(c => c.Kind == "company" && c.Id == marker.Id);
            if (mark >= 0) return page.Items[mark].Token;
            after = page.Next;
            if (page.Items.Count == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "The marker change never appeared in the feed.");
                await Task.Delay(20);
            }
        }
    }

    /// The changes after `after`, once at least `count` are readable (the feed holds a change back
    /// while an older transaction might still commit).
    public static async Task<List<(string Kind, string Id)>> ChangesAfterAsync(this ApiFactory api, long after, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        var changes = new List<(string Kind, string Id)>();
        while (true)
        {
            var page = await ReadChangesAsync(api, after);
            changes.AddRange(page.Items.Select(c => (c.Kind, c.Id)));
            after = page.Next;
            if (page.Items.Count > 0) continue;
            if (changes.Count >= count || DateTime.UtcNow > deadline) return changes;
            await Task.Delay(20);
        }
    }

    private static async Task<(List<(long Token, string Kind, string Id)> Items, long Next)> ReadChangesAsync(ApiFactory api, long after)
    {
        var page = await (await api.Admin().GetAsync($"/api/v1/changes?after={after}&limit=200")).ExpectAsync(HttpStatusCode.OK);
        var items = page["items"]!.AsArray()
            .Select(i => ((long)i!["token"]!, (string)i["kind"]!, (string)i["id"]!)).ToList();
        return (items, (long)page["nextCursor"]!);
    }

    /// A copy of a JSON object with one property set to a JSON value, or removed when `json` is null.
    public static JsonObject With(this JsonObject body, string property, string? json)
    {
        var copy = body.DeepClone().AsObject();
        if (json is null) copy.Remove(property);
        else copy[property] = JsonNode.Parse(json);
        return copy;
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
