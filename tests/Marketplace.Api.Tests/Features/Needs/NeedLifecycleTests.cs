using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;
using static Marketplace.Api.Tests.Features.Needs.TenderScenario;

namespace Marketplace.Api.Tests.Features.Needs;

/// api.md: draft -> open (publish), open -> closed at the deadline (derived), closed -> awarded,
/// draft | open | closed -> cancelled; every other transition 409.
public abstract class NeedLifecycleTests(ApiFactory api)
{
    // ---- publish ----

    [Fact]
    public async Task Publish_opens_a_draft_until_the_deadline_and_answers_the_need_with_a_new_etag()
    {
        var anchor = await api.CreateAnchorAsync();
        var draft = await api.CreateDraftAsync(anchor);
        var (_, draftETag) = await api.As(anchor.Key).ReadNeedAsync(draft.Id());
        var deadline = api.Now() + TimeSpan.FromDays(3);

        var response = await api.As(anchor.Key).PublishAsync(draft.Id(), deadline);
        var published = await response.ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("open", (string?)published["status"]);
        Assert.Equal(Iso(deadline), (string?)published["bidDeadline"]);
        Assert.NotEqual(draftETag, ETagOf(response));
        var (read, etag) = await api.As(anchor.Key).ReadNeedAsync(draft.Id());
        Assert.Equal(published.ToJsonString(), read.ToJsonString());
        Assert.Equal(ETagOf(response), etag);
        // Every other field is as it was.
        foreach (var field in new[] { "title", "categoryCode", "ownerId", "createdAt", "currency", "annualValue" })
            Assert.Equal(draft[field]!.ToJsonString(), read[field]!.ToJsonString());
    }

    [Fact]
    public async Task Publish_takes_a_deadline_with_any_offset_and_answers_it_in_utc()
    {
        var anchor = await api.CreateAnchorAsync();
        var draft = await api.CreateDraftAsync(anchor);
        var deadline = api.Now() + TimeSpan.FromDays(2);

        var published = await (await api.As(anchor.Key).PostJsonAsync($"{NeedPath(draft.Id())}/publish",
            new { bidDeadline = deadline.ToOffset(TimeSpan.FromHours(3)).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffffzzz", System.Globalization.CultureInfo.InvariantCulture) })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(Iso(deadline), (string?)published["bidDeadline"]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(-86400)]
    public async Task Publish_with_a_deadline_not_in_the_future_is_400_and_leaves_the_draft(int secondsFromNow)
    {
        var anchor = await api.CreateAnchorAsync();
        var draft = await api.CreateDraftAsync(anchor);

        await (await api.As(anchor.Key).PublishAsync(draft.Id(), api.Now() + TimeSpan.FromSeconds(secondsFromNow)))
            .ExpectFieldErrorAsync("bidDeadline");

        var (read, _) = await api.As(anchor.Key).ReadNeedAsync(draft.Id());
        Assert.Equal(draft.ToJsonString(), read.ToJsonString());
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"bidDeadline":null}""")]
    [InlineData("""{"bidDeadline":"2099-01-01T00:00:00"}""")]
    [InlineData("""{"bidDeadline":"next week"}""")]
    [InlineData("""{"bidDeadline":1234567890}""")]
    public async Task Publish_without_a_valid_deadline_is_400(string body)
    {
        var anchor = await api.CreateAnchorAsync();
        var draft = await api.CreateDraftAsync(anchor);

        await (await api.As(anchor.Key).PostJsonAsync($"{NeedPath(draft.Id())}/publish", body)).ExpectFieldErrorAsync("bidDeadline");

        Assert.Equal("draft", await api.StatusOfAsync(draft.Id()));
    }

    [Fact]
    public async Task Publish_of_a_need_that_is_not_a_draft_is_409_not_draft()
    {
        var anchor = await api.CreateAnchorAsync();
        var open = await api.CreateOpenNeedAsync(anchor);
        var cancelled = await api.CreateOpenNeedAsync(anchor);
        await (await api.As(anchor.Key).CancelAsync(cancelled.Id())).ExpectAsync(HttpStatusCode.OK);
        var closed = await api.CreateOpenNeedAsync(anchor, TimeSpan.FromMinutes(1));
        api.PassDeadline(closed);

        foreach (var need in new[] { open, cancelled, closed })
        {
            var (before, etag) = await api.As(anchor.Key).ReadNeedAsync(need.Id());
            await (await api.As(anchor.Key).PublishAsync(need.Id(), api.Now() + TimeSpan.FromDays(5)))
                .ExpectProblemAsync(HttpStatusCode.Conflict, "need.not_draft");
            var (after, etagAfter) = await api.As(anchor.Key).ReadNeedAsync(need.Id());
            Assert.Equal(before.ToJsonString(), after.ToJsonString());
            Assert.Equal(etag, etagAfter);
        }
    }

    [Fact]
    public async Task Publish_with_a_past_deadline_of_an_open_need_is_400_before_409()
    {
        var anchor = await api.CreateAnchorAsync();
        var open = await api.CreateOpenNeedAsync(anchor);
        await (await api.As(anchor.Key).PublishAsync(open.Id(), api.Now() - TimeSpan.FromDays(1))).ExpectFieldErrorAsync("bidDeadline");
    }

    [Fact]
    public async Task Publish_by_a_company_that_sees_the_need_but_does_not_own_it_is_403()
    {
        var anchor = await api.CreateAnchorAsync();
        var other = await api.CreateAnchorAsync();
        var supplier = await api.CreateSupplierAsync();
        var partner = await api.CreatePartnerAsync();
        await api.GrantAsync(supplier.Company, partner);
        var open = await api.CreateOpenNeedAsync(anchor);

        foreach (var client in new[] { api.As(other.Key), api.As(supplier.Key), api.AsPartner(partner, supplier.Id) })
        {
            await (await client.PublishAsync(open.Id(), api.Now() + TimeSpan.FromDays(9))).ExpectAsync(HttpStatusCode.Forbidden);
            // 403 (step 3) before 400 (step 6).
            await (await client.PublishAsync(open.Id(), api.Now() - TimeSpan.FromDays(9))).ExpectAsync(HttpStatusCode.Forbidden);
        }
        var (read, _) = await api.As(anchor.Key).ReadNeedAsync(open.Id());
        Assert.Equal(open["bidDeadline"]!.ToJsonString(), read["bidDeadline"]!.ToJsonString());
    }

    [Fact]
    public async Task Publish_of_a_draft_the_caller_cannot_see_is_404()
    {
        var anchor = await api.CreateAnchorAsync();
        var other = await api.CreateAnchorAsync();
        var draft = await api.CreateDraftAsync(anchor);

        await api.As(other.Key).PublishAsync(draft.Id(), api.Now() + TimeSpan.FromDays(1)).ExpectNotFoundAsync();
        // 404 (step 2) before 400 (step 6) and 415 (step 4).
        await api.As(other.Key).PublishAsync(draft.Id(), api.Now() - TimeSpan.FromDays(1)).ExpectNotFoundAsync();
        await api.As(other.Key).SendJsonAsync(HttpMethod.Post, $"{NeedPath(draft.Id())}/publish", "x", "text/plain").ExpectNotFoundAsync();
        await api.As(anchor.Key).PublishAsync(Guid.CreateVersion7().ToString(), api.Now() + TimeSpan.FromDays(1)).ExpectNotFoundAsync();

        Assert.Equal("draft", await api.StatusOfAsync(draft.Id()));
    }

    // ---- closing at the deadline (derived) ----

    [Fact]
    public async Task Need_reads_closed_from_its_deadline_on_in_get_and_list_with_a_new_etag()
    {
        var anchor = await api.CreateAnchorAsync();
        var open = await api.CreateOpenNeedAsync(anchor, TimeSpan.FromHours(1));
        var client = api.As(anchor.Key);
        var (_, openETag) = await client.ReadNeedAsync(open.Id());

        api.Clock.Advance(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1));
        var (stillOpen, stillOpenETag) = await client.ReadNeedAsync(open.Id());
        Assert.Equal("open", (string?)stillOpen["status"]);
        Assert.Equal(openETag, stillOpenETag);
        Assert.Equal([open.Id()], await client.NeedIdsAsync($"?ownerId={anchor.Id}&status=open"));

        api.Clock.Advance(TimeSpan.FromSeconds(1)); // now == bidDeadline
        var (closed, closedETag) = await client.ReadNeedAsync(open.Id());
        Assert.Equal("closed", (string?)closed["status"]);
        Assert.NotEqual(openETag, closedETag);
        Assert.Equal([open.Id()], await client.NeedIdsAsync($"?ownerId={anchor.Id}&status=closed"));
        Assert.Empty(await client.NeedIdsAsync($"?ownerId={anchor.Id}&status=open"));
        var listed = await (await client.GetAsync($"{NeedsPath}?ownerId={anchor.Id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("closed", (string?)listed["items"]![0]!["status"]);
        var (byAdmin, adminETag) = await api.Admin().ReadNeedAsync(open.Id());
        Assert.Equal("closed", (string?)byAdmin["status"]);
        Assert.Equal(closedETag, adminETag);
        // Nothing was written: the stored status is still open.
        Assert.Equal("open", (await api.QueryAsync<string>("SELECT status FROM needs WHERE id = @id", new { id = Guid.Parse(open.Id()) })).Single());
    }

    [Fact]
    public async Task Deadline_with_a_fraction_of_a_second_closes_the_need_exactly_then()
    {
        var anchor = await api.CreateAnchorAsync();
        var supplier = await api.CreateSupplierAsync(anchor.ClusterId);
        var draft = await api.CreateDraftAsync(anchor);
        var deadline = api.Now() + TimeSpan.FromMilliseconds(1500.25);
        var published = await (await api.As(anchor.Key).PublishAsync(draft.Id(), deadline)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(deadline, Time(published["bidDeadline"]));
        var client = api.As(anchor.Key);

        api.Clock.Advance(TimeSpan.FromMilliseconds(1500.24));
        Assert.Equal("open", (string?)(await client.ReadNeedAsync(draft.Id())).Need["status"]);
        Assert.Equal([draft.Id()], await client.NeedIdsAsync($"?ownerId={anchor.Id}&status=open"));
        Assert.Equal([draft.Id()], await api.As(supplier.Key).NeedIdsAsync($"?ownerId={anchor.Id}"));
        await api.BidAsync(supplier, draft.Id());

        api.Clock.Advance(TimeSpan.FromMilliseconds(0.01));
        Assert.Equal("closed", (string?)(await client.ReadNeedAsync(draft.Id())).Need["status"]);
        Assert.Equal([draft.Id()], await client.NeedIdsAsync($"?ownerId={anchor.Id}&status=closed"));
        Assert.Empty(await api.As(supplier.Key).NeedIdsAsync($"?ownerId={anchor.Id}"));
        Assert.False((bool)(await client.ListBidsAsync(draft.Id()))["sealed"]!);
    }

    // ---- cancel ----

    [Fact]
    public async Task Cancel_needs_a_reason()
    {
        var anchor = await api.CreateAnchorAsync();
        var open = await api.CreateOpenNeedAsync(anchor);

        foreach (var body in new[] { "{}", """{"reason":null}""", """{"reason":""}""", """{"reason":"   "}""",
                     $$"""{"reason":"{{new string('r', 2001)}}"}""", """{"reason":5}""" })
            await (await api.As(anchor.Key).PostJsonAsync($"{NeedPath(open.Id())}/cancel", body)).ExpectFieldErrorAsync("reason");

        Assert.Equal("open", await api.StatusOfAsync(open.Id()));
        var cancelled = await (await api.As(anchor.Key).CancelAsync(open.Id(), new string('r', 2000))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(new string('r', 2000), (string?)cancelled["cancelReason"]);
    }

    [Fact]
    public async Task Cancel_of_a_draft_keeps_the_reason()
    {
        var anchor = await api.CreateAnchorAsync();
        var draft = await api.CreateDraftAsync(anchor);

        var response = await api.As(anchor.Key).CancelAsync(draft.Id(), "Budget moved to next year");
        var cancelled = await response.ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("cancelled", (string?)cancelled["status"]);
        Assert.Equal("Budget moved to next year", (string?)cancelled["cancelReason"]);
        var (read, etag) = await api.As(anchor.Key).ReadNeedAsync(draft.Id());
        Assert.Equal(cancelled.ToJsonString(), read.ToJsonString());
        Assert.Equal(ETagOf(response), etag);
    }

    [Fact]
    public async Task Cancel_of_an_open_need_turns_live_bids_into_cancelled_and_leaves_withdrawn_ones()
    {
        var anchor = await api.CreateAnchorAsync();
        var first = await api.CreateSupplierAsync(anchor.ClusterId);
        var second = await api.CreateSupplierAsync(anchor.ClusterId);
        var open = await api.CreateOpenNeedAsync(anchor);
        var live = await api.BidAsync(first, open.Id());
        var withdrawn = await api.BidAsync(second, open.Id());
        await api.As(second.Key).WithdrawAsync(open.Id(), withdrawn.Id());
        var secondLive = await api.BidAsync(second, open.Id());

        var cancelled = await (await api.As(anchor.Key).CancelAsync(open.Id(), "Supplier found elsewhere")).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("cancelled", (string?)cancelled["status"]);
        Assert.Equal("Supplier found elsewhere", (string?)cancelled["cancelReason"]);
        Assert.Equal("cancelled", await api.BidStatusAsync(live.Id()));
        Assert.Equal("cancelled", await api.BidStatusAsync(secondLive.Id()));
        Assert.Equal("withdrawn", await api.BidStatusAsync(withdrawn.Id()));
        // Through the API: each supplier sees its own bids with their new status.
        var mine = await api.As(first.Key).ListBidsAsync(open.Id());
        Assert.Equal("cancelled", (string?)mine["items"]![0]!["status"]);
        var theirs = await api.As(second.Key).ListBidsAsync(open.Id());
        Assert.Equal(["withdrawn", "cancelled"], theirs["items"]!.AsArray().Select(b => (string)b!["status"]!));
        // The owner, before the deadline, is told there are no live bids any more.
        var ownerView = await api.As(anchor.Key).ListBidsAsync(open.Id());
        Assert.Equal(0, (int)ownerView["count"]!);
    }

    [Fact]
    public async Task Cancel_of_a_closed_need_is_allowed_and_cancels_its_live_bids()
    {
        var anchor = await api.CreateAnchorAsync();
        var supplier = await api.CreateSupplierAsync(anchor.ClusterId);
        var need = await api.CreateOpenNeedAsync(anchor, TimeSpan.FromHours(2));
        var bid = await api.BidAsync(supplier, need.Id());
        api.PassDeadline(need);
        Assert.Equal("closed", await api.StatusOfAsync(need.Id()));

        var cancelled = await (await api.As(anchor.Key).CancelAsync(need.Id())).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("cancelled", (string?)cancelled["status"]);
        Assert.Equal("cancelled", await api.BidStatusAsync(bid.Id()));
        var ownerView = await api.As(anchor.Key).ListBidsAsync(need.Id());
        Assert.Equal("cancelled", (string?)Assert.Single(ownerView["items"]!.AsArray())!["status"]);
    }

    [Fact]
    public async Task Cancel_of_an_awarded_or_cancelled_need_is_409_not_cancellable()
    {
        var anchor = await api.CreateAnchorAsync();
        var supplier = await api.CreateSupplierAsync(anchor.ClusterId);
        var awarded = await api.CreateOpenNeedAsync(anchor, TimeSpan.FromHours(1));
        var bid = await api.BidAsync(supplier, awarded.Id());
        var cancelled = await api.CreateDraftAsync(anchor);
        await (await api.As(anchor.Key).CancelAsync(cancelled.Id(), "First reason")).ExpectAsync(HttpStatusCode.OK);
        api.PassDeadline(awarded);
        await (await api.As(anchor.Key).AwardAsync(awarded.Id(), bid.Id())).ExpectAsync(HttpStatusCode.OK);

        foreach (var need in new[] { awarded, cancelled })
        {
            var (before, etag) = await api.As(anchor.Key).ReadNeedAsync(need.Id());
            await (await api.As(anchor.Key).CancelAsync(need.Id(), "Second reason"))
                .ExpectProblemAsync(HttpStatusCode.Conflict, "need.not_cancellable");
            var (after, etagAfter) = await api.As(anchor.Key).ReadNeedAsync(need.Id());
            Assert.Equal(before.ToJsonString(), after.ToJsonString());
            Assert.Equal(etag, etagAfter);
        }
        Assert.Equal("awarded", await api.BidStatusAsync(bid.Id()));
    }

    [Fact]
    public async Task Cancel_by_another_company_is_403_and_of_an_invisible_need_404()
    {
        var anchor = await api.CreateAnchorAsync();
        var other = await api.CreateAnchorAsync();
        var supplier = await api.CreateSupplierAsync();
        var open = await api.CreateOpenNeedAsync(anchor);
        var draft = await api.CreateDraftAsync(anchor);

        await (await api.As(other.Key).CancelAsync(open.Id())).ExpectProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
        await (await api.As(supplier.Key).CancelAsync(open.Id())).ExpectProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
        await (await api.As(other.Key).PostJsonAsync($"{NeedPath(open.Id())}/cancel", "{}")).ExpectAsync(HttpStatusCode.Forbidden);
        await api.As(other.Key).CancelAsync(draft.Id()).ExpectNotFoundAsync();

        Assert.Equal("open", await api.StatusOfAsync(open.Id()));
        Assert.Equal("draft", await api.StatusOfAsync(draft.Id()));
    }

    [Fact]
    public async Task Admin_may_cancel_any_need()
    {
        var anchor = await api.CreateAnchorAsync();
        var open = await api.CreateOpenNeedAsync(anchor);
        var cancelled = await (await api.Admin().CancelAsync(open.Id(), "Fraudulent")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("cancelled", (string?)cancelled["status"]);
        Assert.Equal("Fraudulent", (string?)cancelled["cancelReason"]);
    }

    // ---- award ----

    [Fact]
    public async Task Award_of_a_closed_need_awards_the_bid_rejects_the_others_and_shows_the_award_to_everyone_who_sees_the_need()
    {
        var anchor = await api.CreateAnchorAsync();
        var winner = await api.CreateSupplierAsync(anchor.ClusterId);
        var loser = await api.CreateSupplierAsync(anchor.ClusterId);
        var quitter = await api.CreateSupplierAsync(anchor.ClusterId);
        var bystander = await api.CreateSupplierAsync(anchor.ClusterId);
        var otherAnchor = await api.CreateAnchorAsync();
        var partner = await api.CreatePartnerAsync();
        await api.GrantAsync(loser.Company, partner);
        var need = await api.CreateOpenNeedAsync(anchor, TimeSpan.FromHours(4));
        var winning = await api.BidAsync(winner, need.Id(), unitPrice: 99.95m);
        var losing = await api.BidAsync(loser, need.Id(), unitPrice: 90m);
        var withdrawn = await api.BidAsync(quitter, need.Id(), unitPrice: 80m);
        await api.As(quitter.Key).WithdrawAsync(need.Id(), withdrawn.Id());
        api.PassDeadline(need);

        var response = await api.As(anchor.Key).AwardAsync(need.Id(), winning.Id());
        var awarded = await response.ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("awarded", (string?)awarded["status"]);
        var award = awarded["award"]!;
        Assert.Equal(winning.Id(), (string?)award["bidId"]);
        Assert.Equal(winner.Id, (string?)award["supplierId"]);
        Assert.Equal(99.95m, (decimal)award["unitPrice"]!);
        Assert.Equal("RUB", (string?)award["currency"]);
        Assert.Equal(["bidId", "supplierId", "unitPrice", "currency"], award.AsObject().Select(p => p.Key));
        Assert.Equal("awarded", await api.BidStatusAsync(winning.Id()));
        Assert.Equal("rejected", await api.BidStatusAsync(losing.Id()));
        Assert.Equal("withdrawn", await api.BidStatusAsync(withdrawn.Id()));
        var (own, etag) = await api.As(anchor.Key).ReadNeedAsync(need.Id());
        Assert.Equal(awarded.ToJsonString(), own.ToJsonString());
        Assert.Equal(ETagOf(response), etag);

        foreach (var client in new[] { api.Admin(), api.As(winner.Key), api.As(loser.Key), api.AsPartner(partner, loser.Id),
                     api.As(quitter.Key), api.As(bystander.Key), api.As(otherAnchor.Key) })
        {
            var (seen, _) = await client.ReadNeedAsync(need.Id());
            Assert.Equal("awarded", (string?)seen["status"]);
            Assert.Equal(award.ToJsonString(), seen["award"]!.ToJsonString());
        }
        var listed = await api.As(bystander.Key).NeedIdsAsync($"?status=awarded&ownerId={anchor.Id}");
        Assert.Equal([need.Id()], listed);
        // The winner's size at the moment of the award is recorded.
        Assert.Equal("small", (await api.QueryAsync<string>("SELECT award_supplier_size FROM needs WHERE id = @id",
            new { id = Guid.Parse(need.Id()) })).Single());
    }

    [Fact]
    public async Task Award_in_another_currency_reports_the_need_currency()
    {
        var anchor = await api.CreateAnchorAsync();
        var supplier = await api.CreateSupplierAsync(anchor.ClusterId);
        var need = await api.CreateOpenNeedAsync(anchor, TimeSpan.FromHours(1), b => b["currency"] = "CNY");
        var bid = await api.BidAsync(supplier, need.Id(), unitPrice: 12.5m);
        Assert.Equal("CNY", (string?)bid["currency"]);
        api.PassDeadline(need);

        var awarded = await (await api.As(anchor.Key).AwardAsync(need.Id(), bid.Id())).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("CNY", (string?)awarded["award"]!["currency"]);
        Assert.Equal(12.5m, (decimal)awarded["award"]!["unitPrice"]!);
    }

    [Fact]
    public async Task Award_of_an_open_draft_or_cancelled_need_is_409_not_closed()
    {
        var anchor = await api.CreateAnchorAsync();
        var supplier = await api.CreateSupplierAsync(anchor.ClusterId);
        var open = await api.CreateOpenNeedAsync(anchor);
        var bid = await api.BidAsync(supplier, open.Id());
        var draft = await api.CreateDraftAsync(anchor);
        var cancelled = await api.CreateOpenNeedAsync(anchor);
        var cancelledBid = await api.BidAsync(supplier, cancelled.Id());
        await (await api.As(anchor.Key).CancelAsync(cancelled.Id())).ExpectAsync(HttpStatusCode.OK);

        await (await api.As(anchor.Key).AwardAsync(open.Id(), bid.Id())).ExpectProblemAsync(HttpStatusCode.Conflict, "need.not_closed");
        await (await api.As(anchor.Key).AwardAsync(draft.Id(), bid.Id())).ExpectProblemAsync(HttpStatusCode.Conflict, "need.not_closed");
        await (await api.As(anchor.Key).AwardAsync(cancelled.Id(), cancelledBid.Id())).ExpectProblemAsync(HttpStatusCode.Conflict, "need.not_closed");

        Assert.Equal("open", await api.StatusOfAsync(open.Id()));
        Assert.Equal("submitted", await api.BidStatusAsync(bid.Id()));
        Assert.Equal("cancelled", await api.StatusOfAsync(cancelled.Id()));
    }

    [Fact]
    public async Task Award_of_a_bid_that_is_not_live_or_not_of_this_need_is_409_bid_not_live()
    {
        var anchor = await api.CreateAnchorAsync();
        var first = await api.CreateSupplierAsync(anchor.ClusterId);
        var second = await api.CreateSupplierAsync(anchor.ClusterId);
        var need = await api.CreateOpenNeedAsync(anchor, TimeSpan.FromHours(1));
        var otherNeed = await api.CreateOpenNeedAsync(anchor, TimeSpan.FromHours(1));
        var live = await api.BidAsync(first, need.Id());
        var withdrawn = await api.BidAsync(second, need.Id());
        await api.As(second.Key).WithdrawAsync(need.Id(), withdrawn.Id());
        var foreign = await api.BidAsync(second, otherNeed.Id());
        api.PassDeadline(need);

        foreach (var bidId in new[] { withdrawn.Id(), foreign.Id(), Guid.CreateVersion7().ToString() })
            await (await api.As(anchor.Key).AwardAsync(need.Id(), bidId)).ExpectProblemAsync(HttpStatusCode.Conflict, "bid.not_live");

        Assert.Equal("closed", await api.StatusOfAsync(need.Id()));
        Assert.Null((await api.Admin().ReadNeedAsync(need.Id())).Need["award"]);
        Assert.Equal("submitted", await api.BidStatusAsync(live.Id()));
        Assert.Equal("submitted", await api.BidStatusAsync(foreign.Id()));
        Assert.Equal("withdrawn", await api.BidStatusAsync(withdrawn.Id()));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"bidId":null}""")]
    [InlineData("""{"bidId":"not-a-bid"}""")]
    [InlineData("""{"bidId":5}""")]
    public async Task Award_without_a_valid_bid_id_is_400(string body)
    {
        var anchor = await api.CreateAnchorAsync();
        var need = await api.CreateOpenNeedAsync(anchor, TimeSpan.FromHours(1));
        api.PassDeadline(need);
        await (await api.As(anchor.Key).PostJsonAsync($"{NeedPath(need.Id())}/award", body)).ExpectFieldErrorAsync("bidId");
    }

    [Fact]
    public async Task Second_award_is_409_award_exists_and_changes_nothing()
    {
        var anchor = await api.CreateAnchorAsync();
        var first = await api.CreateSupplierAsync(anchor.ClusterId);
        var second = await api.CreateSupplierAsync(anchor.ClusterId);
        var need = await api.CreateOpenNeedAsync(anchor, TimeSpan.FromHours(1));
        var a = await api.BidAsync(first, need.Id());
        var b = await api.BidAsync(second, need.Id());
        api.PassDeadline(need);
        await (await api.As(anchor.Key).AwardAsync(need.Id(), a.Id())).ExpectAsync(HttpStatusCode.OK);
        var (before, etag) = await api.As(anchor.Key).ReadNeedAsync(need.Id());

        await (await api.As(anchor.Key).AwardAsync(need.Id(), b.Id())).ExpectProblemAsync(HttpStatusCode.Conflict, "award.exists");
        await (await api.As(anchor.Key).AwardAsync(need.Id(), a.Id())).ExpectProblemAsync(HttpStatusCode.Conflict, "award.exists");
        await (await api.Admin().AwardAsync(need.Id(), b.Id())).ExpectProblemAsync(HttpStatusCode.Conflict, "award.exists");

        var (after, etagAfter) = await api.As(anchor.Key).ReadNeedAsync(need.Id());
        Assert.Equal(before.ToJsonString(), after.ToJsonString());
        Assert.Equal(etag, etagAfter);
        Assert.Equal("awarded", await api.BidStatusAsync(a.Id()));
        Assert.Equal("rejected", await api.BidStatusAsync(b.Id()));
    }

    [Fact]
    public async Task Award_by_a_company_that_is_not_the_owner_is_403_and_of_an_invisible_need_404()
    {
        var anchor = await api.CreateAnchorAsync();
        var supplier = await api.CreateSupplierAsync(anchor.ClusterId);
        var other = await api.CreateAnchorAsync();
        var need = await api.CreateOpenNeedAsync(anchor, TimeSpan.FromHours(1));
        var bid = await api.BidAsync(supplier, need.Id());
        var draft = await api.CreateDraftAsync(anchor);
        api.PassDeadline(need);

        await (await api.As(supplier.Key).AwardAsync(need.Id(), bid.Id())).ExpectProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
        await (await api.As(other.Key).AwardAsync(need.Id(), bid.Id())).ExpectProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
        await api.As(other.Key).AwardAsync(draft.Id(), bid.Id()).ExpectNotFoundAsync();

        Assert.Equal("closed", await api.StatusOfAsync(need.Id()));
        Assert.Equal("submitted", await api.BidStatusAsync(bid.Id()));
    }

    [Fact]
    public async Task Every_other_transition_is_409()
    {
        var anchor = await api.CreateAnchorAsync();
        var supplier = await api.CreateSupplierAsync(anchor.ClusterId);
        var need = await api.CreateOpenNeedAsync(anchor, TimeSpan.FromHours(1));
        var bid = await api.BidAsync(supplier, need.Id());
        api.PassDeadline(need);
        var owner = api.As(anchor.Key);
        await (await owner.AwardAsync(need.Id(), bid.Id())).ExpectAsync(HttpStatusCode.OK);

        // awarded -> open, awarded -> cancelled, awarded -> awarded
        await (await owner.PublishAsync(need.Id(), api.Now() + TimeSpan.FromDays(1))).ExpectProblemAsync(HttpStatusCode.Conflict, "need.not_draft");
        await (await owner.CancelAsync(need.Id())).ExpectProblemAsync(HttpStatusCode.Conflict, "need.not_cancellable");
        await (await owner.AwardAsync(need.Id(), bid.Id())).ExpectProblemAsync(HttpStatusCode.Conflict, "award.exists");
        Assert.Equal("awarded", await api.StatusOfAsync(need.Id()));
    }
}

public sealed class NeedLifecycleTestsOnSqlite(SqliteApi api) : NeedLifecycleTests(api), IClassFixture<SqliteApi>;
public sealed class NeedLifecycleTestsOnPostgres(PostgresApi api) : NeedLifecycleTests(api), IClassFixture<PostgresApi>;
