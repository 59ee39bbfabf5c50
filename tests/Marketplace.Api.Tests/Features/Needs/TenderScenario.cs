using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Features.Needs;

/// An anchor (or wholesaler) company with one delivery site in a cluster of its own.
public sealed record TestAnchor(TestCompany Company, string ClusterId, string SiteId)
{
    public string Id => Company.Id;
    public string Key => Company.Key;
}

/// A supplier company with a site and one capability there.
public sealed record TestSupplier(TestCompany Company, string SiteId, string CapabilityId)
{
    public string Id => Company.Id;
    public string Key => Company.Key;
}

/// Builders and requests for the tender tests (needs, bids, awards), all through the public API.
/// Time moves with `api.Clock`, never by sleeping.
public static class TenderScenario
{
    public const string NeedsPath = "/api/v1/needs";

    public static string NeedPath(string needId) => $"{NeedsPath}/{needId}";
    public static string BidsPath(string needId) => $"{NeedsPath}/{needId}/bids";
    public static string BidPath(string needId, string bidId) => $"{NeedsPath}/{needId}/bids/{bidId}";

    public static DateTimeOffset Now(this ApiFactory api) => api.Clock.GetUtcNow();

    /// A timestamp as api.md writes them: UTC with `Z`.
    public static string Iso(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset Time(JsonNode? node) =>
        DateTimeOffset.Parse((string)node!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    /// A valid POST /needs body with only the required fields.
    public static JsonObject NeedBody(string deliverySiteId, string title = "Turned steel shafts", string categoryCode = "25.62.10") => new()
    {
        ["title"] = title,
        ["categoryCode"] = categoryCode,
        ["quantityPerMonth"] = 1000,
        ["unit"] = "PCE",
        ["deliverySiteId"] = deliverySiteId,
        ["currentLocalShare"] = 0.3,
        ["annualValue"] = 1200000,
    };

    /// A company that posts needs (anchor unless told), with a site in a fresh cluster (or the given one).
    public static async Task<TestAnchor> CreateAnchorAsync(this ApiFactory api, string[]? roles = null, string? clusterId = null)
    {
        var company = await api.CreateCompanyAsync(roles: roles ?? ["anchor"], size: "large");
        clusterId ??= await api.CreateClusterAsync();
        var site = await api.CreateSiteAsync(company.Id, clusterId);
        return new TestAnchor(company, clusterId, site);
    }

    public static async Task<TestSupplier> CreateSupplierAsync(this ApiFactory api, string? clusterId = null, string[]? roles = null,
        string size = "small")
    {
        var company = await api.CreateCompanyAsync(roles: roles ?? ["supplier"], size: size);
        var site = await api.CreateSiteAsync(company.Id, clusterId);
        var capability = await api.CreateCapabilityAsync(company.Id, site);
        return new TestSupplier(company, site, capability);
    }

    /// A draft need of the anchor; `edit` changes the body first.
    public static async Task<JsonNode> CreateDraftAsync(this ApiFactory api, TestAnchor anchor, Action<JsonObject>? edit = null)
    {
        var body = NeedBody(anchor.SiteId);
        edit?.Invoke(body);
        return await (await api.As(anchor.Key).PostJsonAsync(NeedsPath, body)).ExpectAsync(HttpStatusCode.Created);
    }

    /// A published need whose deadline is `openFor` (one day unless told) from now.
    public static async Task<JsonNode> CreateOpenNeedAsync(this ApiFactory api, TestAnchor anchor, TimeSpan? openFor = null,
        Action<JsonObject>? edit = null)
    {
        var draft = await api.CreateDraftAsync(anchor, edit);
        return await (await api.As(anchor.Key).PublishAsync((string)draft["id"]!, api.Now() + (openFor ?? TimeSpan.FromDays(1))))
            .ExpectAsync(HttpStatusCode.OK);
    }

    /// Moves the clock one second past the need's deadline (the need reads `closed` from then on).
    public static void PassDeadline(this ApiFactory api, JsonNode need)
    {
        var deadline = Time(need["bidDeadline"]);
        var now = api.Now();
        if (now <= deadline) api.Clock.Advance(deadline - now + TimeSpan.FromSeconds(1));
    }

    public static Task<HttpResponseMessage> PublishAsync(this HttpClient client, string needId, DateTimeOffset deadline) =>
        client.PostJsonAsync($"{NeedPath(needId)}/publish", new { bidDeadline = Iso(deadline) });

    public static Task<HttpResponseMessage> CancelAsync(this HttpClient client, string needId, string reason = "No longer needed") =>
        client.PostJsonAsync($"{NeedPath(needId)}/cancel", new { reason });

    public static Task<HttpResponseMessage> AwardAsync(this HttpClient client, string needId, string bidId) =>
        client.PostJsonAsync($"{NeedPath(needId)}/award", new { bidId });

    public static Task<HttpResponseMessage> PatchNeedAsync(this HttpClient client, string needId, object body, string? ifMatch,
        string contentType = "application/merge-patch+json") =>
        client.PatchJsonAsync(NeedPath(needId), body, contentType, ifMatch);

    /// A valid bid body; tests replace or remove fields from it.
    public static JsonObject BidBody(decimal unitPrice = 125.5m, int leadTimeDays = 14, double localShare = 0.6,
        string? capabilityId = null, string? comment = null)
    {
        var body = new JsonObject { ["unitPrice"] = unitPrice, ["leadTimeDays"] = leadTimeDays, ["localShare"] = localShare };
        if (capabilityId is not null) body["capabilityId"] = capabilityId;
        if (comment is not null) body["comment"] = comment;
        return body;
    }

    public static Task<HttpResponseMessage> PostBidAsync(this HttpClient client, string needId, object? body = null) =>
        client.PostJsonAsync(BidsPath(needId), body ?? BidBody());

    /// A bid that must be accepted (201); answers the bid.
    public static async Task<JsonNode> BidAsync(this HttpClient client, string needId, decimal unitPrice = 125.5m, double localShare = 0.6) =>
        await (await client.PostBidAsync(needId, BidBody(unitPrice, localShare: localShare))).ExpectAsync(HttpStatusCode.Created);

    public static async Task<JsonNode> BidAsync(this ApiFactory api, TestSupplier supplier, string needId, decimal unitPrice = 125.5m) =>
        await api.As(supplier.Key).BidAsync(needId, unitPrice);

    public static async Task WithdrawAsync(this HttpClient client, string needId, string bidId) =>
        await (await client.DeleteAsync(BidPath(needId, bidId))).ExpectAsync(HttpStatusCode.NoContent);

    /// The need as this client reads it (200), with its ETag.
    public static async Task<(JsonNode Need, string ETag)> ReadNeedAsync(this HttpClient client, string needId)
    {
        var response = await client.GetAsync(NeedPath(needId));
        var need = await response.ExpectAsync(HttpStatusCode.OK);
        return (need, ETagOf(response));
    }

    public static async Task<string> StatusOfAsync(this ApiFactory api, string needId) =>
        (string)(await api.Admin().ReadNeedAsync(needId)).Need["status"]!;

    /// The bid list of a need as this client sees it (200).
    public static async Task<JsonNode> ListBidsAsync(this HttpClient client, string needId) =>
        await (await client.GetAsync(BidsPath(needId))).ExpectAsync(HttpStatusCode.OK);

    /// A bid's status as an admin reads it after the deadline (or straight from the database).
    public static async Task<string> BidStatusAsync(this ApiFactory api, string bidId) =>
        (await api.QueryAsync<string>("SELECT status FROM bids WHERE id = @id", new { id = Guid.Parse(bidId) })).Single();

    /// Every need id of `GET /needs{query}` for this client, page by page.
    public static Task<List<string>> NeedIdsAsync(this HttpClient client, string query = "", int limit = 200) =>
        client.WalkAsync(NeedsPath + query, limit);

    public static string ETagOf(HttpResponseMessage response) =>
        response.Headers.ETag?.ToString() ?? throw new Xunit.Sdk.XunitException("The answer has no ETag header.");

    public static async Task ExpectNotFoundAsync(this Task<HttpResponseMessage> response) =>
        await (await response).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");

    public static IEnumerable<string> Ids(this JsonNode? items) => items!.AsArray().Select(i => (string)i!["id"]!);

    public static string Id(this JsonNode node) => (string)node["id"]!;
}
