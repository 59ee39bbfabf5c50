using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Features.Needs;
using Marketplace.Api.Tests.Infrastructure;
using static Marketplace.Api.Tests.Features.Needs.TenderScenario;

namespace Marketplace.Api.Tests.Features.Bids;

/// api.md, Sealed bids: GET /needs/{id}/bids answers {items, sealed, count, nextCursor}:
/// | caller                       | sealed (before the deadline)         | unsealed (after it)                      |
/// | owner, admin                 | items [], count = live bids          | every bid of any status, count = all     |
/// | a supplier (or its partner)  | its own bids of any status           | the same                                 |
/// | anyone else who sees it      | items [], count 0                    | the same                                 |
/// GET /needs/{id}/bids/{bidId} follows the table (404 where not listable).
public abstract class SealedBidTests(ApiFactory api)
{
    private const string Owner = "owner", Admin = "admin", Bidder = "bidding supplier", BidderPartner = "its partner",
        Second = "second bidding supplier", OtherSupplier = "another supplier", OtherAnchor = "another anchor";

    private static readonly string[] Everyone = [Owner, Admin, Bidder, BidderPartner, Second, OtherSupplier, OtherAnchor];

    /// An open need with three bids: the bidder's live one, and the second supplier's withdrawn
    /// and live ones (2 live, 3 in all).
    private sealed record Tender(
        JsonNode Need, Dictionary<string, HttpClient> Callers, string BidderBid, string SecondWithdrawn, string SecondLive)
    {
        public string NeedId => Need.Id();
        public string[] All => [BidderBid, SecondWithdrawn, SecondLive];
    }

    private async Task<Tender> TenderAsync()
    {
        var anchor = await api.CreateAnchorAsync();
        var bidder = await api.CreateSupplierAsync(anchor.ClusterId);
        var second = await api.CreateSupplierAsync(anchor.ClusterId);
        var other = await api.CreateSupplierAsync(anchor.ClusterId);
        var otherAnchor = await api.CreateAnchorAsync();
        var partner = await api.CreatePartnerAsync();
        await api.GrantAsync(bidder.Company, partner);
        var callers = new Dictionary<string, HttpClient>
        {
            [Owner] = api.As(anchor.Key), [Admin] = api.Admin(), [Bidder] = api.As(bidder.Key),
            [BidderPartner] = api.AsPartner(partner, bidder.Id), [Second] = api.As(second.Key), [OtherSupplier] = api.As(other.Key),
            [OtherAnchor] = api.As(otherAnchor.Key),
        };
        var need = await api.CreateOpenNeedAsync(anchor, TimeSpan.FromHours(6));
        var bidderBid = await callers[BidderPartner].BidAsync(need.Id(), unitPrice: 100m);
        var withdrawn = await callers[Second].BidAsync(need.Id(), unitPrice: 110m);
        await callers[Second].WithdrawAsync(need.Id(), withdrawn.Id());
        var secondLive = await callers[Second].BidAsync(need.Id(), unitPrice: 105m);
        return new Tender(need, callers, bidderBid.Id(), withdrawn.Id(), secondLive.Id());
    }

    private static async Task ExpectListAsync(Tender t, string caller, bool isSealed, int count, params string[] ids)
    {
        var list = await t.Callers[caller].ListBidsAsync(t.NeedId);
        Assert.Equal(["count", "items", "nextCursor", "sealed"], list.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.True(ids.SequenceEqual(list["items"].Ids()),
            $"{caller}: listed [{string.Join(", ", list["items"].Ids())}], expected [{string.Join(", ", ids)}].");
        Assert.True(isSealed == (bool)list["sealed"]!, $"{caller}: sealed was {list["sealed"]}.");
        Assert.True(count == (int)list["count"]!, $"{caller}: count was {list["count"]}, expected {count}.");
        Assert.Null((string?)list["nextCursor"]);
        foreach (var item in list["items"]!.AsArray())
            Assert.Equal(t.NeedId, (string?)item!["needId"]);
    }

    /// GET /needs/{id}/bids/{bidId} answers 200 exactly for the listable bids (and the same bid).
    private static async Task ExpectSingleReadsAsync(Tender t, string caller, params string[] listable)
    {
        foreach (var bidId in t.All)
        {
            var response = await t.Callers[caller].GetAsync(BidPath(t.NeedId, bidId));
            if (listable.Contains(bidId))
            {
                var bid = await response.ExpectAsync(HttpStatusCode.OK);
                Assert.Equal(bidId, bid.Id());
            }
            else
            {
                Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{caller} read bid {bidId}: {(int)response.StatusCode}, expected 404.");
                await response.ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
            }
        }
    }

    [Fact]
    public async Task Before_the_deadline_the_owner_and_admins_see_only_the_live_count_and_suppliers_their_own_bids()
    {
        var t = await TenderAsync();

        await ExpectListAsync(t, Owner, true, 2);
        await ExpectListAsync(t, Admin, true, 2);
        await ExpectListAsync(t, Bidder, true, 1, t.BidderBid);
        await ExpectListAsync(t, BidderPartner, true, 1, t.BidderBid);
        await ExpectListAsync(t, Second, true, 2, t.SecondWithdrawn, t.SecondLive);
        await ExpectListAsync(t, OtherSupplier, true, 0);
        await ExpectListAsync(t, OtherAnchor, true, 0);

        await ExpectSingleReadsAsync(t, Owner);
        await ExpectSingleReadsAsync(t, Admin);
        await ExpectSingleReadsAsync(t, Bidder, t.BidderBid);
        await ExpectSingleReadsAsync(t, BidderPartner, t.BidderBid);
        await ExpectSingleReadsAsync(t, Second, t.SecondWithdrawn, t.SecondLive);
        await ExpectSingleReadsAsync(t, OtherSupplier);
        await ExpectSingleReadsAsync(t, OtherAnchor);
    }

    [Fact]
    public async Task One_second_before_the_deadline_the_bids_are_still_sealed()
    {
        var t = await TenderAsync();
        api.Clock.Advance(Time(t.Need["bidDeadline"]) - api.Now() - TimeSpan.FromSeconds(1));

        await ExpectListAsync(t, Owner, true, 2);
        await ExpectSingleReadsAsync(t, Owner);
    }

    [Fact]
    public async Task From_the_deadline_on_the_owner_and_admins_see_every_bid_of_any_status()
    {
        var t = await TenderAsync();
        api.Clock.Advance(Time(t.Need["bidDeadline"]) - api.Now()); // exactly at the deadline

        await ExpectListAsync(t, Owner, false, 3, t.All);
        await ExpectListAsync(t, Admin, false, 3, t.All);
        await ExpectListAsync(t, Bidder, false, 1, t.BidderBid);
        await ExpectListAsync(t, BidderPartner, false, 1, t.BidderBid);
        await ExpectListAsync(t, Second, false, 2, t.SecondWithdrawn, t.SecondLive);
        await ExpectListAsync(t, OtherSupplier, false, 0);
        await ExpectListAsync(t, OtherAnchor, false, 0);

        await ExpectSingleReadsAsync(t, Owner, t.All);
        await ExpectSingleReadsAsync(t, Admin, t.All);
        await ExpectSingleReadsAsync(t, Bidder, t.BidderBid);
        await ExpectSingleReadsAsync(t, BidderPartner, t.BidderBid);
        await ExpectSingleReadsAsync(t, Second, t.SecondWithdrawn, t.SecondLive);
        await ExpectSingleReadsAsync(t, OtherSupplier);
        await ExpectSingleReadsAsync(t, OtherAnchor);

        var owners = await t.Callers[Owner].ListBidsAsync(t.NeedId);
        Assert.Equal(["submitted", "withdrawn", "submitted"], owners["items"]!.AsArray().Select(b => (string)b!["status"]!));
        Assert.Equal([100m, 110m, 105m], owners["items"]!.AsArray().Select(b => (decimal)b!["unitPrice"]!));
    }

    [Fact]
    public async Task After_the_award_the_table_holds_with_the_new_statuses_and_everyone_sees_the_award()
    {
        var t = await TenderAsync();
        api.PassDeadline(t.Need);
        await (await t.Callers[Owner].AwardAsync(t.NeedId, t.BidderBid)).ExpectAsync(HttpStatusCode.OK);

        await ExpectListAsync(t, Owner, false, 3, t.All);
        await ExpectListAsync(t, Admin, false, 3, t.All);
        await ExpectListAsync(t, Bidder, false, 1, t.BidderBid);
        await ExpectListAsync(t, BidderPartner, false, 1, t.BidderBid);
        await ExpectListAsync(t, Second, false, 2, t.SecondWithdrawn, t.SecondLive);
        await ExpectListAsync(t, OtherSupplier, false, 0);
        await ExpectListAsync(t, OtherAnchor, false, 0);
        await ExpectSingleReadsAsync(t, Second, t.SecondWithdrawn, t.SecondLive);
        await ExpectSingleReadsAsync(t, OtherSupplier);
        await ExpectSingleReadsAsync(t, OtherAnchor);

        var owners = await t.Callers[Owner].ListBidsAsync(t.NeedId);
        Assert.Equal(["awarded", "withdrawn", "rejected"], owners["items"]!.AsArray().Select(b => (string)b!["status"]!));
        var seconds = await t.Callers[Second].ListBidsAsync(t.NeedId);
        Assert.Equal(["withdrawn", "rejected"], seconds["items"]!.AsArray().Select(b => (string)b!["status"]!));
        var winners = await t.Callers[BidderPartner].ListBidsAsync(t.NeedId);
        Assert.Equal("awarded", (string?)winners["items"]![0]!["status"]);

        foreach (var caller in Everyone)
        {
            var (need, _) = await t.Callers[caller].ReadNeedAsync(t.NeedId);
            Assert.Equal(t.BidderBid, (string?)need["award"]!["bidId"]);
            Assert.Equal(100m, (decimal)need["award"]!["unitPrice"]!);
        }
    }

    [Fact]
    public async Task Nobody_but_the_owner_and_admins_ever_sees_a_competitors_bid()
    {
        var t = await TenderAsync();
        var competitors = new Dictionary<string, string[]>
        {
            [Bidder] = [t.SecondWithdrawn, t.SecondLive], [BidderPartner] = [t.SecondWithdrawn, t.SecondLive],
            [Second] = [t.BidderBid], [OtherSupplier] = t.All, [OtherAnchor] = t.All,
        };

        async Task CheckAsync(string moment)
        {
            foreach (var (caller, hidden) in competitors)
            {
                var listed = (await t.Callers[caller].ListBidsAsync(t.NeedId))["items"].Ids().ToList();
                foreach (var bidId in hidden)
                {
                    Assert.DoesNotContain(bidId, listed);
                    var response = await t.Callers[caller].GetAsync(BidPath(t.NeedId, bidId));
                    Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{moment}: {caller} read competitor bid {bidId}.");
                }
                // Withdrawing a competitor's bid is as hidden as reading it.
                foreach (var bidId in hidden)
                    await t.Callers[caller].DeleteAsync(BidPath(t.NeedId, bidId)).ExpectNotFoundAsync();
            }
        }

        await CheckAsync("sealed");
        api.PassDeadline(t.Need);
        await CheckAsync("unsealed");
        await (await t.Callers[Owner].AwardAsync(t.NeedId, t.SecondLive)).ExpectAsync(HttpStatusCode.OK);
        await CheckAsync("awarded");
        // The refused withdrawals changed nothing.
        Assert.Equal("withdrawn", await api.BidStatusAsync(t.SecondWithdrawn));
        Assert.Equal("awarded", await api.BidStatusAsync(t.SecondLive));
        Assert.Equal("rejected", await api.BidStatusAsync(t.BidderBid));
    }

    [Fact]
    public async Task Cancelled_need_follows_the_same_table()
    {
        var t = await TenderAsync();
        await (await t.Callers[Owner].CancelAsync(t.NeedId)).ExpectAsync(HttpStatusCode.OK);

        // Still before the deadline: sealed, no live bids left.
        await ExpectListAsync(t, Owner, true, 0);
        await ExpectListAsync(t, Bidder, true, 1, t.BidderBid);
        await ExpectListAsync(t, BidderPartner, true, 1, t.BidderBid);
        await ExpectListAsync(t, Second, true, 2, t.SecondWithdrawn, t.SecondLive);
        var mine = await t.Callers[Bidder].ListBidsAsync(t.NeedId);
        Assert.Equal("cancelled", (string?)mine["items"]![0]!["status"]);
        // Suppliers that never bid, and other anchors, no longer see the need at all.
        await t.Callers[OtherSupplier].GetAsync(BidsPath(t.NeedId)).ExpectNotFoundAsync();
        await t.Callers[OtherAnchor].GetAsync(BidsPath(t.NeedId)).ExpectNotFoundAsync();
        await t.Callers[OtherSupplier].GetAsync(BidPath(t.NeedId, t.BidderBid)).ExpectNotFoundAsync();

        api.PassDeadline(t.Need);
        await ExpectListAsync(t, Owner, false, 3, t.All);
        await ExpectListAsync(t, Bidder, false, 1, t.BidderBid);
    }

    [Fact]
    public async Task Bid_read_under_another_need_of_the_same_owner_is_404()
    {
        var anchor = await api.CreateAnchorAsync();
        var supplier = await api.CreateSupplierAsync(anchor.ClusterId);
        var first = await api.CreateOpenNeedAsync(anchor, TimeSpan.FromHours(1));
        var second = await api.CreateOpenNeedAsync(anchor, TimeSpan.FromHours(1));
        var bid = await api.BidAsync(supplier, first.Id());
        api.PassDeadline(first);

        await (await api.As(anchor.Key).GetAsync(BidPath(first.Id(), bid.Id()))).ExpectAsync(HttpStatusCode.OK);
        await api.As(anchor.Key).GetAsync(BidPath(second.Id(), bid.Id())).ExpectNotFoundAsync();
        await api.As(supplier.Key).GetAsync(BidPath(second.Id(), bid.Id())).ExpectNotFoundAsync();
        await api.Admin().GetAsync(BidPath(second.Id(), bid.Id())).ExpectNotFoundAsync();
        await api.Admin().GetAsync(BidPath(first.Id(), "not-a-bid")).ExpectNotFoundAsync();
    }

    [Fact]
    public async Task Draft_has_no_deadline_and_is_sealed()
    {
        var anchor = await api.CreateAnchorAsync();
        var draft = await api.CreateDraftAsync(anchor);

        foreach (var client in new[] { api.As(anchor.Key), api.Admin() })
        {
            var list = await client.ListBidsAsync(draft.Id());
            Assert.True((bool)list["sealed"]!);
            Assert.Equal(0, (int)list["count"]!);
            Assert.Empty(list["items"]!.AsArray());
        }
    }

    [Fact]
    public async Task Unsealed_list_pages_through_every_bid_once()
    {
        var anchor = await api.CreateAnchorAsync();
        var need = await api.CreateOpenNeedAsync(anchor, TimeSpan.FromHours(1));
        var bids = new List<string>();
        for (var i = 0; i < 5; i++)
            bids.Add((await api.BidAsync(await api.CreateSupplierAsync(anchor.ClusterId), need.Id(), unitPrice: 100 + i)).Id());
        api.PassDeadline(need);

        foreach (var limit in new[] { 1, 2, 5 })
        {
            Assert.Equal(bids, await api.As(anchor.Key).WalkAsync(BidsPath(need.Id()), limit));
            var first = await (await api.As(anchor.Key).GetAsync($"{BidsPath(need.Id())}?limit={limit}")).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal(5, (int)first["count"]!);
        }
        await (await api.As(anchor.Key).GetAsync($"{BidsPath(need.Id())}?limit=0")).ExpectFieldErrorAsync("limit");
        await (await api.As(anchor.Key).GetAsync($"{BidsPath(need.Id())}?cursor=nope")).ExpectFieldErrorAsync("cursor");
    }

    [Fact]
    public async Task Bid_list_of_a_need_the_caller_cannot_see_is_404_even_with_bad_paging()
    {
        // 404 (step 2) comes before 400 (step 6).
        var anchor = await api.CreateAnchorAsync();
        var other = await api.CreateAnchorAsync();
        var draft = await api.CreateDraftAsync(anchor);

        await api.As(other.Key).GetAsync($"{BidsPath(draft.Id())}?limit=0").ExpectNotFoundAsync();
        await api.As(other.Key).GetAsync($"{BidsPath(draft.Id())}?cursor=nope").ExpectNotFoundAsync();
        await api.As(other.Key).GetAsync($"{BidsPath(Guid.CreateVersion7().ToString())}?limit=0").ExpectNotFoundAsync();
    }
}

public sealed class SealedBidTestsOnSqlite(SqliteApi api) : SealedBidTests(api), IClassFixture<SqliteApi>;
public sealed class SealedBidTestsOnPostgres(PostgresApi api) : SealedBidTests(api), IClassFixture<PostgresApi>;
