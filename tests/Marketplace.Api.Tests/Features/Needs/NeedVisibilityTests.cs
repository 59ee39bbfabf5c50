using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;
using static Marketplace.Api.Tests.Features.Needs.TenderScenario;

namespace Marketplace.Api.Tests.Features.Needs;

/// api.md, "Needs: lifecycle and visibility": who sees a need in each status, GET /needs with
/// and without status=, its filters and paging.
public abstract class NeedVisibilityTests(ApiFactory api)
{
    /// The roles the rules name, and one need of one owner in every status.
    private sealed record World(
        Dictionary<string, HttpClient> Callers, TestAnchor Owner,
        string Draft, string Open, string Closed, string Awarded, string CancelledWithBid, string CancelledWithoutBid)
    {
        /// In creation order.
        public IEnumerable<(string Name, string Id)> Needs =>
        [
            ("draft", Draft), ("closed", Closed), ("awarded", Awarded), ("open", Open),
            ("cancelled (bid)", CancelledWithBid), ("cancelled (no bid)", CancelledWithoutBid),
        ];
    }

    private const string Owner = "owner", Admin = "admin", OtherAnchor = "another anchor", Bidder = "supplier that bid",
        BidderPartner = "partner of the supplier that bid", NonBidder = "another supplier", Wholesaler = "a wholesaler";

    private static readonly string[] Everyone = [Owner, Admin, OtherAnchor, Bidder, BidderPartner, NonBidder, Wholesaler];

    private async Task<World> BuildWorldAsync()
    {
        var owner = await api.CreateAnchorAsync();
        var other = await api.CreateAnchorAsync();
        var wholesaler = await api.CreateAnchorAsync(roles: ["wholesaler"]);
        var bidder = await api.CreateSupplierAsync(owner.ClusterId);
        var nonBidder = await api.CreateSupplierAsync(owner.ClusterId);
        var partner = await api.CreatePartnerAsync();
        await api.GrantAsync(bidder.Company, partner);
        var callers = new Dictionary<string, HttpClient>
        {
            [Owner] = api.As(owner.Key), [Admin] = api.Admin(), [OtherAnchor] = api.As(other.Key), [Bidder] = api.As(bidder.Key),
            [BidderPartner] = api.AsPartner(partner, bidder.Id), [NonBidder] = api.As(nonBidder.Key), [Wholesaler] = api.As(wholesaler.Key),
        };

        var draft = (await api.CreateDraftAsync(owner)).Id();
        var closed = await api.CreateOpenNeedAsync(owner, TimeSpan.FromHours(1));
        await api.BidAsync(bidder, closed.Id());
        var awarded = await api.CreateOpenNeedAsync(owner, TimeSpan.FromHours(1));
        var winning = await api.BidAsync(bidder, awarded.Id());
        var open = (await api.CreateOpenNeedAsync(owner, TimeSpan.FromDays(10))).Id();
        var cancelledWithBid = (await api.CreateOpenNeedAsync(owner, TimeSpan.FromDays(10))).Id();
        await api.BidAsync(bidder, cancelledWithBid);
        await (await callers[Owner].CancelAsync(cancelledWithBid)).ExpectAsync(HttpStatusCode.OK);
        var cancelledWithoutBid = (await api.CreateOpenNeedAsync(owner, TimeSpan.FromDays(10))).Id();
        await (await callers[Owner].CancelAsync(cancelledWithoutBid)).ExpectAsync(HttpStatusCode.OK);

        api.Clock.Advance(TimeSpan.FromHours(2));
        await (await callers[Owner].AwardAsync(awarded.Id(), winning.Id())).ExpectAsync(HttpStatusCode.OK);

        var world = new World(callers, owner, draft, open, closed.Id(), awarded.Id(), cancelledWithBid, cancelledWithoutBid);
        foreach (var (name, id) in world.Needs)
            Assert.Equal(name.Split(' ')[0], await api.StatusOfAsync(id));
        return world;
    }

    /// Who may see each status (api.md): drafts the owner and admins; open, closed and awarded
    /// every company key and partners acting for a supplier; cancelled the owner, admins and
    /// suppliers that had bid.
    private static bool MaySee(World w, string caller, string needId)
    {
        if (caller is Owner or Admin) return true;
        if (needId == w.Draft || needId == w.CancelledWithoutBid) return false;
        if (needId == w.CancelledWithBid) return caller is Bidder or BidderPartner;
        return true;
    }

    [Fact]
    public async Task Get_need_follows_the_visibility_rules_for_every_role_and_status()
    {
        var w = await BuildWorldAsync();
        var mismatches = new List<string>();

        foreach (var caller in Everyone)
        foreach (var (name, id) in w.Needs)
        {
            var response = await w.Callers[caller].GetAsync(NeedPath(id));
            var expected = MaySee(w, caller, id) ? HttpStatusCode.OK : HttpStatusCode.NotFound;
            if (response.StatusCode != expected)
                mismatches.Add($"{caller} reading the {name} need: {(int)response.StatusCode}, expected {(int)expected}");
            else if (expected == HttpStatusCode.OK)
            {
                var need = await response.JsonAsync();
                Assert.Equal(id, need.Id());
                Assert.Equal(name.Split(' ')[0], (string?)need["status"]);
                Assert.NotNull(response.Headers.ETag);
            }
            else
                await response.ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        }

        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    [Fact]
    public async Task Bid_list_of_a_need_is_404_exactly_where_the_need_is()
    {
        var w = await BuildWorldAsync();
        var mismatches = new List<string>();

        foreach (var caller in Everyone)
        foreach (var (name, id) in w.Needs)
        {
            var response = await w.Callers[caller].GetAsync(BidsPath(id));
            var expected = MaySee(w, caller, id) ? HttpStatusCode.OK : HttpStatusCode.NotFound;
            if (response.StatusCode != expected)
                mismatches.Add($"{caller} listing the bids of the {name} need: {(int)response.StatusCode}, expected {(int)expected}");
        }

        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    [Fact]
    public async Task Bids_on_a_draft_are_404_to_other_companies_for_every_call()
    {
        var w = await BuildWorldAsync();
        var someBid = Guid.CreateVersion7().ToString();

        foreach (var caller in new[] { OtherAnchor, Bidder, BidderPartner, NonBidder, Wholesaler })
        {
            var client = w.Callers[caller];
            await client.GetAsync(BidsPath(w.Draft)).ExpectNotFoundAsync();
            await client.GetAsync(BidPath(w.Draft, someBid)).ExpectNotFoundAsync();
            await client.DeleteAsync(BidPath(w.Draft, someBid)).ExpectNotFoundAsync();
        }
        await w.Callers[Bidder].PostBidAsync(w.Draft).ExpectNotFoundAsync();
        await w.Callers[BidderPartner].PostBidAsync(w.Draft).ExpectNotFoundAsync();
        await w.Callers[NonBidder].PostBidAsync(w.Draft).ExpectNotFoundAsync();
        Assert.Equal(0L, await api.CountAsync("SELECT COUNT(*) FROM bids WHERE need_id = @id", new { id = Guid.Parse(w.Draft) }));

        var ownList = await w.Callers[Owner].ListBidsAsync(w.Draft);
        Assert.Empty(ownList["items"]!.AsArray());
        Assert.True((bool)ownList["sealed"]!);
        Assert.Equal(0, (int)ownList["count"]!);
    }

    [Fact]
    public async Task List_without_status_has_own_needs_in_every_status_and_only_the_open_needs_of_others()
    {
        var w = await BuildWorldAsync();
        var all = w.Needs.Select(n => n.Id).ToList();

        foreach (var caller in Everyone)
        {
            var expected = caller is Owner or Admin ? all : [w.Open];
            var listed = await w.Callers[caller].NeedIdsAsync($"?ownerId={w.Owner.Id}", limit: 2);
            Assert.True(expected.SequenceEqual(listed),
                $"{caller}: GET /needs?ownerId= listed [{string.Join(", ", listed)}], expected [{string.Join(", ", expected)}].");

            var unfiltered = await w.Callers[caller].NeedIdsAsync();
            Assert.Equal(unfiltered.Count, unfiltered.Distinct().Count());
            foreach (var (name, id) in w.Needs)
                Assert.True(expected.Contains(id) == unfiltered.Contains(id),
                    $"{caller}: GET /needs {(unfiltered.Contains(id) ? "listed" : "left out")} the {name} need.");
        }
    }

    [Fact]
    public async Task List_with_status_has_the_needs_in_that_derived_status_the_caller_may_see()
    {
        var w = await BuildWorldAsync();
        var byStatus = new Dictionary<string, string[]>
        {
            ["draft"] = [w.Draft], ["open"] = [w.Open], ["closed"] = [w.Closed], ["awarded"] = [w.Awarded],
            ["cancelled"] = [w.CancelledWithBid, w.CancelledWithoutBid],
        };

        foreach (var caller in Everyone)
        foreach (var (status, ids) in byStatus)
        {
            var expected = ids.Where(id => MaySee(w, caller, id)).ToList();
            var listed = await w.Callers[caller].NeedIdsAsync($"?status={status}&ownerId={w.Owner.Id}", limit: 1);
            Assert.True(expected.SequenceEqual(listed),
                $"{caller}: status={status} listed [{string.Join(", ", listed)}], expected [{string.Join(", ", expected)}].");

            var unfiltered = await w.Callers[caller].NeedIdsAsync($"?status={status}");
            foreach (var id in ids)
                Assert.True(expected.Contains(id) == unfiltered.Contains(id), $"{caller}: status={status} without ownerId= got {id} wrong.");
        }
    }

    [Fact]
    public async Task Listed_needs_carry_their_derived_status()
    {
        var w = await BuildWorldAsync();
        var page = await (await w.Callers[Owner].GetAsync($"{NeedsPath}?ownerId={w.Owner.Id}")).ExpectAsync(HttpStatusCode.OK);
        var statuses = page["items"]!.AsArray().ToDictionary(n => n!.Id(), n => (string)n!["status"]!);
        foreach (var (name, id) in w.Needs) Assert.Equal(name.Split(' ')[0], statuses[id]);
    }

    [Fact]
    public async Task Cancelled_need_stays_visible_to_a_supplier_that_bid_and_withdrew()
    {
        // "suppliers that had bid": a withdrawn bid is still a bid the supplier made.
        var owner = await api.CreateAnchorAsync();
        var supplier = await api.CreateSupplierAsync(owner.ClusterId);
        var need = (await api.CreateOpenNeedAsync(owner)).Id();
        var bid = await api.BidAsync(supplier, need);
        await api.As(supplier.Key).WithdrawAsync(need, bid.Id());
        await (await api.As(owner.Key).CancelAsync(need)).ExpectAsync(HttpStatusCode.OK);

        var (read, _) = await api.As(supplier.Key).ReadNeedAsync(need);
        Assert.Equal("cancelled", (string?)read["status"]);
        var list = await api.As(supplier.Key).ListBidsAsync(need);
        Assert.Equal([bid.Id()], list["items"].Ids());
        Assert.Equal("withdrawn", (string?)list["items"]![0]!["status"]);
    }

    [Fact]
    public async Task Unknown_or_malformed_need_id_is_404()
    {
        var anchor = await api.CreateAnchorAsync();
        foreach (var id in new[] { Guid.CreateVersion7().ToString(), "not-an-id", "123" })
        {
            await api.Admin().GetAsync(NeedPath(id)).ExpectNotFoundAsync();
            await api.As(anchor.Key).GetAsync(NeedPath(id)).ExpectNotFoundAsync();
        }
    }

    // ---- filters ----

    [Fact]
    public async Task Category_code_filter_matches_by_segment_prefix()
    {
        var owner = await api.CreateAnchorAsync();
        var need = new Dictionary<string, string>();
        foreach (var code in new[] { "25.62.10", "25.62.10.110", "25.62.1", "25.61", "26.11", "25.62", "25.62.11" })
            need[code] = (await api.CreateDraftAsync(owner, b => b["categoryCode"] = code)).Id();
        var client = api.As(owner.Key);

        async Task Expect(string filter, params string[] codes) =>
            Assert.Equal(codes.Select(c => need[c]), await client.NeedIdsAsync($"?ownerId={owner.Id}&categoryCode={filter}"));

        await Expect("25.62", "25.62.10", "25.62.10.110", "25.62.1", "25.62", "25.62.11");
        await Expect("25.62.1", "25.62.1");
        await Expect("25.62.10", "25.62.10", "25.62.10.110");
        await Expect("25.62.10.110", "25.62.10.110");
        await Expect("25.61", "25.61");
        await Expect("26.11", "26.11");
        await Expect("27.11");
    }

    [Fact]
    public async Task Cluster_filter_matches_the_cluster_of_the_delivery_site()
    {
        var owner = await api.CreateAnchorAsync();
        var secondCluster = await api.CreateClusterAsync();
        var siteInSecond = await api.CreateSiteAsync(owner.Id, secondCluster);
        var siteWithoutCluster = await api.CreateSiteAsync(owner.Id);
        var inFirst = (await api.CreateDraftAsync(owner)).Id();
        var inSecond = (await api.CreateDraftAsync(owner, b => b["deliverySiteId"] = siteInSecond)).Id();
        var nowhere = (await api.CreateDraftAsync(owner, b => b["deliverySiteId"] = siteWithoutCluster)).Id();
        var alsoInFirst = (await api.CreateOpenNeedAsync(owner)).Id();
        var client = api.As(owner.Key);

        Assert.Equal([inFirst, alsoInFirst], await client.NeedIdsAsync($"?clusterId={owner.ClusterId}"));
        Assert.Equal([inSecond], await client.NeedIdsAsync($"?clusterId={secondCluster}"));
        Assert.Empty(await client.NeedIdsAsync($"?clusterId={Guid.CreateVersion7()}"));
        Assert.Equal([inFirst, inSecond, nowhere, alsoInFirst], await client.NeedIdsAsync($"?ownerId={owner.Id}"));
        // Another company sees only the open one, also through the cluster filter.
        var other = await api.CreateSupplierAsync();
        Assert.Equal([alsoInFirst], await api.As(other.Key).NeedIdsAsync($"?clusterId={owner.ClusterId}"));
        Assert.Equal([alsoInFirst], await api.Admin().NeedIdsAsync($"?clusterId={owner.ClusterId}&status=open"));
    }

    [Fact]
    public async Task Owner_filter_and_combined_filters()
    {
        var first = await api.CreateAnchorAsync();
        var second = await api.CreateAnchorAsync(clusterId: first.ClusterId);
        var a = (await api.CreateOpenNeedAsync(first, edit: x => x["categoryCode"] = "25.62.10")).Id();
        var b = (await api.CreateOpenNeedAsync(first, edit: x => x["categoryCode"] = "26.11")).Id();
        var c = (await api.CreateOpenNeedAsync(second, edit: x => x["categoryCode"] = "25.62.10")).Id();
        var supplier = await api.CreateSupplierAsync();
        var client = api.As(supplier.Key);

        Assert.Equal([a, b], await client.NeedIdsAsync($"?ownerId={first.Id}"));
        Assert.Equal([c], await client.NeedIdsAsync($"?ownerId={second.Id}"));
        Assert.Equal([a, c], await client.NeedIdsAsync($"?clusterId={first.ClusterId}&categoryCode=25.62"));
        Assert.Equal([a], await client.NeedIdsAsync($"?clusterId={first.ClusterId}&categoryCode=25.62&ownerId={first.Id}&status=open"));
        Assert.Empty(await client.NeedIdsAsync($"?clusterId={first.ClusterId}&categoryCode=25.62&ownerId={first.Id}&status=closed"));
        Assert.Empty(await client.NeedIdsAsync($"?ownerId={Guid.CreateVersion7()}"));
    }

    [Theory]
    [InlineData("status", "status=Open")]
    [InlineData("status", "status=closedd")]
    [InlineData("status", "status=")]
    [InlineData("status", "status=open&status=closed")]
    [InlineData("categoryCode", "categoryCode=abc")]
    [InlineData("categoryCode", "categoryCode=25.6")]
    [InlineData("categoryCode", "categoryCode=25.62.100")]
    [InlineData("categoryCode", "categoryCode=25.62&categoryCode=25.61")]
    [InlineData("clusterId", "clusterId=not-an-id")]
    [InlineData("ownerId", "ownerId=123")]
    [InlineData("limit", "limit=0")]
    [InlineData("limit", "limit=201")]
    [InlineData("limit", "limit=ten")]
    [InlineData("cursor", "cursor=garbage")]
    public async Task Bad_filter_or_paging_value_is_400_naming_it(string field, string query)
    {
        var anchor = await api.CreateAnchorAsync();
        await (await api.As(anchor.Key).GetAsync($"{NeedsPath}?{query}")).ExpectFieldErrorAsync(field);
        await (await api.Admin().GetAsync($"{NeedsPath}?{query}")).ExpectFieldErrorAsync(field);
    }

    [Fact]
    public async Task Cursor_of_another_filter_is_400()
    {
        var anchor = await api.CreateAnchorAsync();
        await api.CreateDraftAsync(anchor);
        await api.CreateDraftAsync(anchor);
        var client = api.As(anchor.Key);
        var page = await (await client.GetAsync($"{NeedsPath}?ownerId={anchor.Id}&limit=1")).ExpectAsync(HttpStatusCode.OK);
        var cursor = (string)page["nextCursor"]!;

        await (await client.GetAsync($"{NeedsPath}?ownerId={anchor.Id}&status=draft&limit=1&cursor={cursor}")).ExpectFieldErrorAsync("cursor");
        await (await client.GetAsync($"{NeedsPath}?limit=1&cursor={cursor}")).ExpectFieldErrorAsync("cursor");
        await (await client.GetAsync($"{NeedsPath}?ownerId={anchor.Id}&limit=1&cursor={cursor}")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Paging_walks_every_need_once_in_creation_order()
    {
        var owner = await api.CreateAnchorAsync();
        var created = new List<string>();
        for (var i = 0; i < 7; i++) created.Add((await api.CreateDraftAsync(owner, b => b["title"] = $"Need {i}")).Id());
        for (var i = 0; i < 3; i++) created.Add((await api.CreateOpenNeedAsync(owner, edit: b => b["title"] = $"Open {i}")).Id());
        var client = api.As(owner.Key);

        foreach (var limit in new[] { 1, 2, 3, 10, 200 })
            Assert.Equal(created, await client.NeedIdsAsync($"?ownerId={owner.Id}", limit));
        Assert.Equal(created.Take(7), await client.NeedIdsAsync($"?ownerId={owner.Id}&status=draft", 2));
        Assert.Equal(created.Skip(7), await api.As((await api.CreateSupplierAsync()).Key).NeedIdsAsync($"?ownerId={owner.Id}", 2));

        var everything = await client.NeedIdsAsync(limit: 3);
        Assert.Equal(everything.Count, everything.Distinct().Count());
        Assert.Equal(created, everything.Where(created.Contains));
        var first = await (await client.GetAsync($"{NeedsPath}?ownerId={owner.Id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Null((string?)first["nextCursor"]);
        Assert.Equal(10, first["items"]!.AsArray().Count);
    }
}

public sealed class NeedVisibilityTestsOnSqlite(SqliteApi api) : NeedVisibilityTests(api), IClassFixture<SqliteApi>;
public sealed class NeedVisibilityTestsOnPostgres(PostgresApi api) : NeedVisibilityTests(api), IClassFixture<PostgresApi>;
