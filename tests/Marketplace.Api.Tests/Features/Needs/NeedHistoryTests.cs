using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;
using static Marketplace.Api.Tests.Features.Needs.TenderScenario;

namespace Marketplace.Api.Tests.Features.Needs;

/// GET /needs/{id}/history: owner and admins only; ordered by at, then entityId; bid entries
/// only after the deadline (before it, bidCounts); the derived open -> closed entry is `system`'s.
public abstract class NeedHistoryTests(ApiFactory api)
{
    private sealed record Entry(DateTimeOffset At, string By, string Entity, string EntityId, string? From, string To)
    {
        public override string ToString() => $"{Iso(At)} {By} {Entity} {EntityId} {From ?? "null"} -> {To}";
    }

    private static string HistoryPath(string needId) => $"{NeedPath(needId)}/history";

    private static List<string> Expected(params Entry[] entries) =>
        entries.OrderBy(e => e.At).ThenBy(e => e.EntityId, StringComparer.Ordinal).Select(e => e.ToString()).ToList();

    private static List<string> Actual(JsonNode history) =>
        history["items"]!.AsArray().Select(e => new Entry(Time(e!["at"]), (string)e["by"]!, (string)e["entity"]!, (string)e["entityId"]!,
            (string?)e["from"], (string)e["to"]!).ToString()).ToList();

    private static async Task<JsonNode> HistoryAsync(HttpClient client, string needId) =>
        await (await client.GetAsync(HistoryPath(needId))).ExpectAsync(HttpStatusCode.OK);

    private static void AssertBidCounts(JsonNode history, int submitted, int withdrawn, int cancelled)
    {
        var counts = history["bidCounts"] ?? throw new Xunit.Sdk.XunitException("bidCounts is null.");
        Assert.Equal(submitted, (int)counts["submitted"]!);
        Assert.Equal(withdrawn, (int)counts["withdrawn"]!);
        Assert.Equal(cancelled, (int)counts["cancelled"]!);
    }

    /// Entries ordered by at, then entityId (as strings, ordinally).
    private static void AssertOrdered(JsonNode history)
    {
        var items = history["items"]!.AsArray().Select(e => (At: Time(e!["at"]), Id: (string)e["entityId"]!)).ToList();
        for (var i = 1; i < items.Count; i++)
        {
            var (a, b) = (items[i - 1], items[i]);
            Assert.True(a.At < b.At || (a.At == b.At && string.CompareOrdinal(a.Id, b.Id) <= 0),
                $"Entry {i} ({Iso(b.At)} {b.Id}) comes after ({Iso(a.At)} {a.Id}).");
        }
    }

    [Fact]
    public async Task New_draft_has_one_creation_entry_with_from_null_and_zero_bid_counts()
    {
        var anchor = await api.CreateAnchorAsync();
        var draft = await api.CreateDraftAsync(anchor);

        var history = await HistoryAsync(api.As(anchor.Key), draft.Id());

        var entry = Assert.Single(history["items"]!.AsArray())!;
        Assert.Equal(draft["createdAt"]!.ToJsonString(), entry["at"]!.ToJsonString());
        Assert.Equal(anchor.Id, (string?)entry["by"]);
        Assert.Equal("need", (string?)entry["entity"]);
        Assert.Equal(draft.Id(), (string?)entry["entityId"]);
        Assert.True(entry.AsObject().ContainsKey("from"));
        Assert.Null(entry["from"]);
        Assert.Equal("draft", (string?)entry["to"]);
        AssertBidCounts(history, 0, 0, 0);
        Assert.Null((string?)history["nextCursor"]);
        var byAdmin = await HistoryAsync(api.Admin(), draft.Id());
        Assert.Equal(history.ToJsonString(), byAdmin.ToJsonString());
    }

    [Fact]
    public async Task Only_the_owner_and_admins_read_the_history()
    {
        var anchor = await api.CreateAnchorAsync();
        var other = await api.CreateAnchorAsync();
        var supplier = await api.CreateSupplierAsync(anchor.ClusterId);
        var partner = await api.CreatePartnerAsync();
        await api.GrantAsync(supplier.Company, partner);
        var open = await api.CreateOpenNeedAsync(anchor);
        await api.BidAsync(supplier, open.Id());
        var draft = await api.CreateDraftAsync(anchor);

        foreach (var client in new[] { api.As(other.Key), api.As(supplier.Key), api.AsPartner(partner, supplier.Id) })
        {
            await (await client.GetAsync(HistoryPath(open.Id()))).ExpectProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
            await client.GetAsync(HistoryPath(draft.Id())).ExpectNotFoundAsync();
        }
        await api.As(anchor.Key).GetAsync(HistoryPath(Guid.CreateVersion7().ToString())).ExpectNotFoundAsync();
        await HistoryAsync(api.As(anchor.Key), open.Id());
        await HistoryAsync(api.Admin(), open.Id());
        await HistoryAsync(api.Admin(), draft.Id());

        // A cancelled need: the supplier that bid still sees it, but not its history.
        await (await api.As(anchor.Key).CancelAsync(open.Id())).ExpectAsync(HttpStatusCode.OK);
        await (await api.As(supplier.Key).GetAsync(HistoryPath(open.Id()))).ExpectProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
        await api.As(other.Key).GetAsync(HistoryPath(open.Id())).ExpectNotFoundAsync();
    }

    [Fact]
    public async Task Whole_tender_is_recorded_bids_hidden_before_the_deadline_and_listed_after_it()
    {
        var anchor = await api.CreateAnchorAsync();
        var first = await api.CreateSupplierAsync(anchor.ClusterId);
        var second = await api.CreateSupplierAsync(anchor.ClusterId);
        var partner = await api.CreatePartnerAsync();
        await api.GrantAsync(second.Company, partner);
        var step = TimeSpan.FromMinutes(1);
        var owner = api.As(anchor.Key);

        var draft = await api.CreateDraftAsync(anchor);
        var created = api.Now();
        api.Clock.Advance(step);
        var published = await (await owner.PublishAsync(draft.Id(), api.Now() + TimeSpan.FromHours(1))).ExpectAsync(HttpStatusCode.OK);
        var publishedAt = api.Now();
        var deadline = Time(published["bidDeadline"]);
        api.Clock.Advance(step);
        var a = await api.BidAsync(first, draft.Id());
        var aAt = api.Now();
        api.Clock.Advance(step);
        var b = await api.AsPartner(partner, second.Id).BidAsync(draft.Id()); // recorded as the supplier's
        var bAt = api.Now();
        api.Clock.Advance(step);
        await api.AsPartner(partner, second.Id).WithdrawAsync(draft.Id(), b.Id());
        var withdrawnAt = api.Now();
        api.Clock.Advance(step);
        var c = await api.BidAsync(second, draft.Id());
        var cAt = api.Now();

        var id = draft.Id();
        var needEntries = new[]
        {
            new Entry(created, anchor.Id, "need", id, null, "draft"),
            new Entry(publishedAt, anchor.Id, "need", id, "draft", "open"),
        };

        // Sealed: only need entries; bid events counted.
        foreach (var client in new[] { owner, api.Admin() })
        {
            var sealedHistory = await HistoryAsync(client, id);
            Assert.Equal(Expected(needEntries), Actual(sealedHistory));
            AssertBidCounts(sealedHistory, 3, 1, 0);
        }

        // Unsealed: every bid entry, and the derived closing at the deadline by `system`.
        api.PassDeadline(published);
        var bidEntries = new[]
        {
            new Entry(aAt, first.Id, "bid", a.Id(), null, "submitted"),
            new Entry(bAt, second.Id, "bid", b.Id(), null, "submitted"),
            new Entry(withdrawnAt, second.Id, "bid", b.Id(), "submitted", "withdrawn"),
            new Entry(cAt, second.Id, "bid", c.Id(), null, "submitted"),
        };
        var closing = new Entry(deadline, "system", "need", id, "open", "closed");
        var unsealed = await HistoryAsync(owner, id);
        Assert.Equal(Expected([.. needEntries, .. bidEntries, closing]), Actual(unsealed));
        Assert.Null(unsealed["bidCounts"]);
        Assert.True(unsealed.AsObject().ContainsKey("bidCounts"));
        AssertOrdered(unsealed);

        // The award: the need and every live bid change at one instant, ordered by entityId.
        api.Clock.Advance(step);
        await (await owner.AwardAsync(id, c.Id())).ExpectAsync(HttpStatusCode.OK);
        var awardedAt = api.Now();
        var awarded = await HistoryAsync(api.Admin(), id);
        Assert.Equal(Expected([.. needEntries, .. bidEntries, closing,
            new Entry(awardedAt, anchor.Id, "need", id, "closed", "awarded"),
            new Entry(awardedAt, anchor.Id, "bid", c.Id(), "submitted", "awarded"),
            new Entry(awardedAt, anchor.Id, "bid", a.Id(), "submitted", "rejected")]), Actual(awarded));
        Assert.Null(awarded["bidCounts"]);
        AssertOrdered(awarded);
    }

    [Fact]
    public async Task Cancel_before_the_deadline_counts_cancelled_bids_and_never_gets_a_closing_entry()
    {
        var anchor = await api.CreateAnchorAsync();
        var first = await api.CreateSupplierAsync(anchor.ClusterId);
        var second = await api.CreateSupplierAsync(anchor.ClusterId);
        var need = await api.CreateOpenNeedAsync(anchor, TimeSpan.FromHours(1));
        var publishedAt = api.Now();
        api.Clock.Advance(TimeSpan.FromMinutes(1));
        var a = await api.BidAsync(first, need.Id());
        var b = await api.BidAsync(second, need.Id());
        var bidAt = api.Now();
        api.Clock.Advance(TimeSpan.FromMinutes(1));
        await (await api.Admin().CancelAsync(need.Id(), "Duplicate posting")).ExpectAsync(HttpStatusCode.OK);
        var cancelledAt = api.Now();

        var sealedHistory = await HistoryAsync(api.As(anchor.Key), need.Id());
        var needEntries = new[]
        {
            new Entry(publishedAt, anchor.Id, "need", need.Id(), null, "draft"),
            new Entry(publishedAt, anchor.Id, "need", need.Id(), "draft", "open"),
            new Entry(cancelledAt, "admin", "need", need.Id(), "open", "cancelled"),
        };
        Assert.Equal(needEntries.Select(e => e.ToString()), Actual(sealedHistory));
        AssertBidCounts(sealedHistory, 2, 0, 2);

        api.PassDeadline(need);
        var unsealed = await HistoryAsync(api.As(anchor.Key), need.Id());
        Assert.Null(unsealed["bidCounts"]);
        var actual = Actual(unsealed);
        Assert.DoesNotContain(actual, e => e.Contains(" system ", StringComparison.Ordinal));
        Assert.Equal(Expected(
            new Entry(bidAt, first.Id, "bid", a.Id(), null, "submitted"),
            new Entry(bidAt, second.Id, "bid", b.Id(), null, "submitted"),
            new Entry(cancelledAt, "admin", "need", need.Id(), "open", "cancelled"),
            new Entry(cancelledAt, "admin", "bid", a.Id(), "submitted", "cancelled"),
            new Entry(cancelledAt, "admin", "bid", b.Id(), "submitted", "cancelled")),
            actual.Skip(2).ToList());
        Assert.Equal(needEntries.Take(2).Select(e => e.ToString()), actual.Take(2));
        AssertOrdered(unsealed);
    }

    [Fact]
    public async Task Cancel_of_a_closed_need_comes_after_the_derived_closing()
    {
        var anchor = await api.CreateAnchorAsync();
        var need = await api.CreateOpenNeedAsync(anchor, TimeSpan.FromHours(1));
        var deadline = Time(need["bidDeadline"]);
        api.PassDeadline(need);
        await (await api.As(anchor.Key).CancelAsync(need.Id())).ExpectAsync(HttpStatusCode.OK);

        var history = await HistoryAsync(api.As(anchor.Key), need.Id());

        var tail = Actual(history).TakeLast(2).ToList();
        Assert.Equal(new Entry(deadline, "system", "need", need.Id(), "open", "closed").ToString(), tail[0]);
        Assert.Equal(new Entry(api.Now(), anchor.Id, "need", need.Id(), "closed", "cancelled").ToString(), tail[1]);
    }

    [Fact]
    public async Task History_pages_walk_every_entry_once()
    {
        var anchor = await api.CreateAnchorAsync();
        var need = await api.CreateOpenNeedAsync(anchor, TimeSpan.FromHours(1));
        for (var i = 0; i < 4; i++)
        {
            api.Clock.Advance(TimeSpan.FromSeconds(10));
            await api.BidAsync(await api.CreateSupplierAsync(anchor.ClusterId), need.Id());
        }
        api.PassDeadline(need);
        var all = Actual(await HistoryAsync(api.As(anchor.Key), need.Id()));
        Assert.Equal(7, all.Count); // created, published, 4 bids, closing

        foreach (var limit in new[] { 1, 2, 3 })
        {
            var walked = new List<string>();
            string? cursor = null;
            do
            {
                var page = await (await api.As(anchor.Key).GetAsync($"{HistoryPath(need.Id())}?limit={limit}"
                    + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"))).ExpectAsync(HttpStatusCode.OK);
                Assert.True(page["items"]!.AsArray().Count <= limit);
                walked.AddRange(Actual(page));
                cursor = (string?)page["nextCursor"];
            } while (cursor is not null);
            Assert.Equal(all, walked);
        }
        await (await api.As(anchor.Key).GetAsync($"{HistoryPath(need.Id())}?limit=0")).ExpectFieldErrorAsync("limit");
    }
}

public sealed class NeedHistoryTestsOnSqlite(SqliteApi api) : NeedHistoryTests(api), IClassFixture<SqliteApi>;
public sealed class NeedHistoryTestsOnPostgres(PostgresApi api) : NeedHistoryTests(api), IClassFixture<PostgresApi>;
