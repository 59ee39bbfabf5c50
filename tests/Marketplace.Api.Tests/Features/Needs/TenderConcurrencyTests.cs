using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;
using static Marketplace.Api.Tests.Features.Needs.TenderScenario;

namespace Marketplace.Api.Tests.Features.Needs;

/// Races over HTTP: exactly one award per need, concurrent bids all stored, and idempotent
/// replays of need creation and of a bid.
public abstract class TenderConcurrencyTests(ApiFactory api)
{
    private const string IdempotencyKey = "Idempotency-Key";

    private static Task<HttpResponseMessage> PostWithKeyAsync(HttpClient client, string path, string json, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        request.Headers.TryAddWithoutValidation(IdempotencyKey, key);
        return client.SendAsync(request);
    }

    private static bool Replayed(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Idempotent-Replayed", out var values) && values.SingleOrDefault() == "true";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Twenty_concurrent_awards_of_one_closed_need_let_exactly_one_win(bool sameBid)
    {
        var anchor = await api.CreateAnchorAsync();
        var need = await api.CreateOpenNeedAsync(anchor, TimeSpan.FromHours(1));
        var bids = new List<string>();
        for (var i = 0; i < 5; i++)
            bids.Add((await api.BidAsync(await api.CreateSupplierAsync(anchor.ClusterId), need.Id(), unitPrice: 100 + i)).Id());
        api.PassDeadline(need);
        var clients = Enumerable.Range(0, 20).Select(_ => api.As(anchor.Key)).ToList();

        var responses = await Task.WhenAll(clients.Select((client, i) => client.AwardAsync(need.Id(), sameBid ? bids[0] : bids[i % bids.Count])));

        var winner = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        foreach (var loser in responses.Where(r => r != winner))
            await loser.ExpectProblemAsync(HttpStatusCode.Conflict, "award.exists");
        var awarded = await winner.JsonAsync();
        var winningBid = (string)awarded["award"]!["bidId"]!;
        Assert.Contains(winningBid, bids);

        var byId = new { id = Guid.Parse(need.Id()) };
        Assert.Equal(1L, await api.CountAsync("SELECT COUNT(*) FROM bids WHERE need_id = @id AND status = 'awarded'", byId));
        Assert.Equal(4L, await api.CountAsync("SELECT COUNT(*) FROM bids WHERE need_id = @id AND status = 'rejected'", byId));
        Assert.Equal("awarded", await api.BidStatusAsync(winningBid));
        Assert.Equal(1L, await api.CountAsync(
            "SELECT COUNT(*) FROM need_events WHERE need_id = @id AND entity = 'need' AND to_status = 'awarded'", byId));
        var (read, _) = await api.Admin().ReadNeedAsync(need.Id());
        Assert.Equal("awarded", (string?)read["status"]);
        Assert.Equal(awarded["award"]!.ToJsonString(), read["award"]!.ToJsonString());
    }

    [Fact]
    public async Task Concurrent_awards_and_cancels_of_a_closed_need_leave_one_consistent_outcome()
    {
        var anchor = await api.CreateAnchorAsync();
        var need = await api.CreateOpenNeedAsync(anchor, TimeSpan.FromHours(1));
        var bids = new List<string>();
        for (var i = 0; i < 3; i++)
            bids.Add((await api.BidAsync(await api.CreateSupplierAsync(anchor.ClusterId), need.Id())).Id());
        api.PassDeadline(need);

        var requests = Enumerable.Range(0, 16).Select(i => i % 2 == 0
            ? api.As(anchor.Key).AwardAsync(need.Id(), bids[i % bids.Count])
            : api.As(anchor.Key).CancelAsync(need.Id(), $"Race {i}")).ToList();
        var responses = await Task.WhenAll(requests);

        var winner = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        var outcome = (string)(await winner.JsonAsync())["status"]!;
        var statuses = (await api.QueryAsync<string>("SELECT status FROM bids WHERE need_id = @id", new { id = Guid.Parse(need.Id()) })).ToList();
        for (var i = 0; i < responses.Length; i++)
        {
            if (responses[i] == winner) continue;
            var isAward = i % 2 == 0;
            var code = (outcome, isAward) switch
            {
                ("awarded", true) => "award.exists",
                ("awarded", false) => "need.not_cancellable",
                ("cancelled", true) => "need.not_closed",
                _ => "need.not_cancellable",
            };
            await responses[i].ExpectProblemAsync(HttpStatusCode.Conflict, code);
        }
        Assert.Equal(outcome, await api.StatusOfAsync(need.Id()));
        if (outcome == "awarded")
            Assert.Equal(["awarded", "rejected", "rejected"], statuses.Order(StringComparer.Ordinal));
        else
            Assert.All(statuses, s => Assert.Equal("cancelled", s));
    }

    [Fact]
    public async Task Bids_racing_a_cancel_leave_no_live_bid_on_the_cancelled_need()
    {
        var anchor = await api.CreateAnchorAsync();
        var need = await api.CreateOpenNeedAsync(anchor);
        var suppliers = new List<TestSupplier>();
        for (var i = 0; i < 12; i++) suppliers.Add(await api.CreateSupplierAsync(anchor.ClusterId));

        var bidTasks = suppliers.Select(s => api.As(s.Key).PostBidAsync(need.Id())).ToList();
        var cancelTask = api.As(anchor.Key).CancelAsync(need.Id(), "Racing the bids");
        await Task.WhenAll(bidTasks.Append(cancelTask));
        var bidResponses = await Task.WhenAll(bidTasks);

        await (await cancelTask).ExpectAsync(HttpStatusCode.OK);
        var accepted = new List<string>();
        foreach (var response in bidResponses)
        {
            if (response.StatusCode == HttpStatusCode.Created) accepted.Add((await response.JsonAsync()).Id());
            else await response.ExpectProblemAsync(HttpStatusCode.NotFound, "not_found"); // a stranger to a cancelled need
        }
        var byNeed = new { id = Guid.Parse(need.Id()) };
        Assert.Equal(0L, await api.CountAsync("SELECT COUNT(*) FROM bids WHERE need_id = @id AND status = 'submitted'", byNeed));
        Assert.Equal((long)accepted.Count, await api.CountAsync("SELECT COUNT(*) FROM bids WHERE need_id = @id AND status = 'cancelled'", byNeed));
        Assert.Equal("cancelled", await api.StatusOfAsync(need.Id()));
    }

    [Fact]
    public async Task Fifty_concurrent_bids_from_fifty_suppliers_are_all_stored()
    {
        var anchor = await api.CreateAnchorAsync();
        var need = await api.CreateOpenNeedAsync(anchor, TimeSpan.FromHours(1));
        var suppliers = new List<TestSupplier>();
        for (var i = 0; i < 50; i++) suppliers.Add(await api.CreateSupplierAsync(anchor.ClusterId));
        var clients = suppliers.Select(s => api.As(s.Key)).ToList();

        var responses = await Task.WhenAll(clients.Select((client, i) => client.PostBidAsync(need.Id(), BidBody(unitPrice: 100 + i))));

        var bids = new List<JsonNode>();
        foreach (var response in responses) bids.Add(await response.ExpectAsync(HttpStatusCode.Created));
        Assert.Equal(suppliers.Select(s => s.Id).Order(StringComparer.Ordinal),
            bids.Select(b => (string)b["supplierId"]!).Order(StringComparer.Ordinal));

        var sealedList = await api.As(anchor.Key).ListBidsAsync(need.Id());
        Assert.Equal(50, (int)sealedList["count"]!);
        api.PassDeadline(need);
        var listed = await api.As(anchor.Key).WalkAsync(BidsPath(need.Id()), limit: 7);
        Assert.Equal(50, listed.Count);
        Assert.Equal(bids.Select(b => b.Id()).Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
        var unsealed = await api.As(anchor.Key).ListBidsAsync(need.Id());
        Assert.Equal(50, (int)unsealed["count"]!);
        Assert.Equal(50L, await api.CountAsync("SELECT COUNT(*) FROM bids WHERE need_id = @id", new { id = Guid.Parse(need.Id()) }));
    }

    [Fact]
    public async Task Concurrent_bids_of_one_supplier_leave_exactly_one_live_bid()
    {
        var anchor = await api.CreateAnchorAsync();
        var supplier = await api.CreateSupplierAsync(anchor.ClusterId);
        var need = await api.CreateOpenNeedAsync(anchor);

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => api.As(supplier.Key).PostBidAsync(need.Id(), BidBody(unitPrice: 50 + i))));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        foreach (var response in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
            await response.ExpectProblemAsync(HttpStatusCode.Conflict, "bid.exists");
        Assert.Equal(1L, await api.CountAsync("SELECT COUNT(*) FROM bids WHERE need_id = @id", new { id = Guid.Parse(need.Id()) }));
    }

    [Fact]
    public async Task Replayed_need_creation_answers_the_same_201_and_stores_one_need()
    {
        var anchor = await api.CreateAnchorAsync();
        var json = NeedBody(anchor.SiteId, title: $"Idempotent {Guid.NewGuid():N}").ToJsonString();
        var key = $"need-{Guid.NewGuid():N}";

        var first = await PostWithKeyAsync(api.As(anchor.Key), NeedsPath, json, key);
        var firstBody = await first.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.False(Replayed(first));

        foreach (var _ in Enumerable.Range(0, 2))
        {
            var again = await PostWithKeyAsync(api.As(anchor.Key), NeedsPath, json, key);
            Assert.Equal(HttpStatusCode.Created, again.StatusCode);
            Assert.True(Replayed(again));
            Assert.Equal(firstBody, await again.Content.ReadAsStringAsync());
            Assert.Equal(first.Headers.Location, again.Headers.Location);
            Assert.Equal(first.Headers.ETag, again.Headers.ETag);
        }

        var id = JsonNode.Parse(firstBody)!.Id();
        Assert.Equal(1L, await api.CountAsync("SELECT COUNT(*) FROM needs WHERE owner_id = @id", new { id = Guid.Parse(anchor.Id) }));
        var (read, _) = await api.As(anchor.Key).ReadNeedAsync(id);
        Assert.Equal(JsonNode.Parse(firstBody)!.ToJsonString(), read.ToJsonString());
        // Another body under the same key is refused and creates nothing.
        var other = NeedBody(anchor.SiteId, title: "Another need").ToJsonString();
        await (await PostWithKeyAsync(api.As(anchor.Key), NeedsPath, other, key))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency.key_reused");
        Assert.Equal(1L, await api.CountAsync("SELECT COUNT(*) FROM needs WHERE owner_id = @id", new { id = Guid.Parse(anchor.Id) }));
    }

    [Fact]
    public async Task Concurrent_need_creations_with_one_key_store_one_need()
    {
        var anchor = await api.CreateAnchorAsync();
        var json = NeedBody(anchor.SiteId).ToJsonString();
        var key = $"need-{Guid.NewGuid():N}";

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PostWithKeyAsync(api.As(anchor.Key), NeedsPath, json, key)));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"{(int)r.StatusCode}"));
        foreach (var response in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
            await response.ExpectProblemAsync(HttpStatusCode.Conflict, "idempotency.in_progress");
        Assert.Equal(1L, await api.CountAsync("SELECT COUNT(*) FROM needs WHERE owner_id = @id", new { id = Guid.Parse(anchor.Id) }));
        var bodies = new HashSet<string>();
        foreach (var response in responses.Where(r => r.StatusCode == HttpStatusCode.Created))
            bodies.Add(await response.Content.ReadAsStringAsync());
        Assert.Single(bodies);
    }

    [Fact]
    public async Task Replayed_bid_answers_the_same_201_and_stores_one_bid()
    {
        var anchor = await api.CreateAnchorAsync();
        var supplier = await api.CreateSupplierAsync(anchor.ClusterId);
        var partner = await api.CreatePartnerAsync();
        await api.GrantAsync(supplier.Company, partner);
        var need = await api.CreateOpenNeedAsync(anchor);
        var json = BidBody(unitPrice: 77.7m, capabilityId: supplier.CapabilityId).ToJsonString();
        var key = $"bid-{Guid.NewGuid():N}";

        var first = await PostWithKeyAsync(api.AsPartner(partner, supplier.Id), BidsPath(need.Id()), json, key);
        var firstBody = await first.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.False(Replayed(first));

        var again = await PostWithKeyAsync(api.AsPartner(partner, supplier.Id), BidsPath(need.Id()), json, key);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.True(Replayed(again));
        Assert.Equal(firstBody, await again.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, again.Headers.Location);

        // Without the key the same request is a second live bid.
        await (await api.AsPartner(partner, supplier.Id).PostBidAsync(need.Id(), JsonNode.Parse(json)!))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "bid.exists");
        var byNeed = new { id = Guid.Parse(need.Id()) };
        Assert.Equal(1L, await api.CountAsync("SELECT COUNT(*) FROM bids WHERE need_id = @id", byNeed));
        Assert.Equal(1L, await api.CountAsync(
            "SELECT COUNT(*) FROM need_events WHERE need_id = @id AND entity = 'bid'", byNeed));
        var read = await (await api.As(supplier.Key).GetAsync(BidPath(need.Id(), JsonNode.Parse(firstBody)!.Id()))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(JsonNode.Parse(firstBody)!.ToJsonString(), read.ToJsonString());
    }

    [Fact]
    public async Task Replayed_409_of_a_bid_stays_409_after_the_live_bid_was_withdrawn()
    {
        // Stored responses include 409s; a replay answers the stored one and changes nothing.
        var anchor = await api.CreateAnchorAsync();
        var supplier = await api.CreateSupplierAsync(anchor.ClusterId);
        var need = await api.CreateOpenNeedAsync(anchor);
        var live = await api.BidAsync(supplier, need.Id());
        var json = BidBody(unitPrice: 66m).ToJsonString();
        var key = $"bid-{Guid.NewGuid():N}";

        await (await PostWithKeyAsync(api.As(supplier.Key), BidsPath(need.Id()), json, key)).ExpectProblemAsync(HttpStatusCode.Conflict, "bid.exists");
        await api.As(supplier.Key).WithdrawAsync(need.Id(), live.Id());
        var replay = await PostWithKeyAsync(api.As(supplier.Key), BidsPath(need.Id()), json, key);

        await replay.ExpectProblemAsync(HttpStatusCode.Conflict, "bid.exists");
        Assert.True(Replayed(replay));
        Assert.Equal(0L, await api.CountAsync("SELECT COUNT(*) FROM bids WHERE need_id = @id AND status = 'submitted'",
            new { id = Guid.Parse(need.Id()) }));
    }
}

public sealed class TenderConcurrencyTestsOnSqlite(SqliteApi api) : TenderConcurrencyTests(api), IClassFixture<SqliteApi>;
public sealed class TenderConcurrencyTestsOnPostgres(PostgresApi api) : TenderConcurrencyTests(api), IClassFixture<PostgresApi>;
