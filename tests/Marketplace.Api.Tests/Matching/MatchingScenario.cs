using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Infrastructure.Matching;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Api.Tests.Matching;

/// Supply and needs for matching tests, through the public API.
public static class MatchingScenario
{
    /// The application's own index, caught up with everything committed so far.
    public static async Task<SupplyIndex> CaughtUpIndexAsync(this ApiFactory api)
    {
        var index = api.Services.GetRequiredService<SupplyIndex>();
        await api.CatchUpThroughAsync(index);
        return index;
    }

    /// Catches the index up at least through every change committed before this call. On a server
    /// the feed holds a change back while any older transaction (of any test, in any database of
    /// the server) is still running, so one catch-up right after a write may not see it yet: a
    /// marker change is made and awaited in the feed, then followed.
    public static async Task CatchUpThroughAsync(this ApiFactory api, SupplyIndex index)
    {
        var mark = await api.ChangeMarkAsync();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            await index.CatchUpAsync(CancellationToken.None);
            if (index.LoadedThroughToken >= mark) return;
            Assert.True(DateTime.UtcNow < deadline, $"The index stayed at token {index.LoadedThroughToken}, before the mark {mark}.");
            await Task.Delay(20);
        }
    }

    public static async Task<string> SiteAtAsync(this ApiFactory api, string companyId, double lat, double lon, string? clusterId,
        string regionCode = "RU-KLU")
    {
        var site = await (await api.Admin().PostJsonAsync($"/api/v1/companies/{companyId}/sites", new
        {
            name = "Plant", lat, lon, clusterId, regionCode = clusterId is null ? regionCode : null,
        })).ExpectAsync(HttpStatusCode.Created);
        return (string)site["id"]!;
    }

    public static async Task<string> CapabilityAsync(this ApiFactory api, string companyId, string siteId, string categoryCode,
        double capacity, double localShare, string unit = "PCE")
    {
        var capability = await (await api.Admin().PostJsonAsync($"/api/v1/companies/{companyId}/capabilities", new
        {
            siteId, categoryCode, capacityPerMonth = capacity, unit, localShare,
        })).ExpectAsync(HttpStatusCode.Created);
        return (string)capability["id"]!;
    }

    public static async Task<JsonNode> NeedAsync(this ApiFactory api, TestCompany owner, string siteId, string categoryCode = "25.62.10",
        double annualValue = 1_000_000, string scope = "any", double currentLocalShare = 0.2, double minLocalShare = 0.3)
    {
        var body = new JsonObject
        {
            ["title"] = "Bracket", ["categoryCode"] = categoryCode, ["quantityPerMonth"] = 100, ["unit"] = "PCE",
            ["deliverySiteId"] = siteId, ["currentLocalShare"] = currentLocalShare, ["minLocalShare"] = minLocalShare,
            ["annualValue"] = annualValue, ["scope"] = scope,
        };
        return await (await api.As(owner.Key).PostJsonAsync("/api/v1/needs", body)).ExpectAsync(HttpStatusCode.Created);
    }
}
