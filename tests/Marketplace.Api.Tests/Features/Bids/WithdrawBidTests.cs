using System.Net;
using Marketplace.Api.Tests.Features.Needs;
using Marketplace.Api.Tests.Infrastructure;
using static Marketplace.Api.Tests.Features.Needs.TenderScenario;

namespace Marketplace.Api.Tests.Features.Bids;

/// DELETE /needs/{id}/bids/{bidId}: the supplier (or its partner) withdraws its own bid, only
/// while the need is open.
public abstract class WithdrawBidTests(ApiFactory api)
{
    [Fact]
    public async Task Withdraw_while_open_is_204_and_the_bid_reads_withdrawn()
    {
        var anchor = await api.CreateAnchorAsync();
        var supplier = await api.CreateSupplierAsync(anchor.ClusterId);
        var need = await api.CreateOpenNeedAsync(anchor);
        var bid = await api.BidAsync(supplier, need.Id());

        var response = await api.As(supplier.Key).DeleteAsync(BidPath(need.Id(), bid.Id()));
        await response.ExpectAsync(HttpStatusCode.NoContent);

        var read = await (await api.As(supplier.Key).GetAsync(BidPath(need.Id(), bid.Id()))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("withdrawn", (string?)read["status"]);
        foreach (var field in new[] { "id", "needId", "supplierId", "unitPrice", "currency", "leadTimeDays", "localShare", "submittedAt" })
            Assert.Equal(bid[field]!.ToJsonString(), read[field]!.ToJsonString());
        // The owner's sealed count drops to zero live bids.
        Assert.Equal(0, (int)(await api.As(anchor.Key).ListBidsAsync(need.Id()))["count"]!);
    }

    [Fact]
    public async Task Partner_withdraws_for_its_supplier()
    {
        var anchor = await api.CreateAnchorAsync();
        var supplier = await api.CreateSupplierAsync(anchor.ClusterId);
        var partner = await api.CreatePartnerAsync();
        await api.GrantAsync(supplier.Company, partner);
        var need = await api.CreateOpenNeedAsync(anchor);
        var bid = await api.BidAsync(supplier, need.Id());

        await api.AsPartner(partner, supplier.Id).WithdrawAsync(need.Id(), bid.Id());

        Assert.Equal("withdrawn", await api.BidStatusAsync(bid.Id()));
    }

    [Fact]
    public async Task Withdraw_after_the_deadline_is_409_bid_late_and_the_bid_stays_live()
    {
        var anchor = await api.CreateAnchorAsync();
        var supplier = await api.CreateSupplierAsync(anchor.ClusterId);
        var need = await api.CreateOpenNeedAsync(anchor, TimeSpan.FromHours(3));
        var bid = await api.BidAsync(supplier, need.Id());
        api.PassDeadline(need);

        await (await api.As(supplier.Key).DeleteAsync(BidPath(need.Id(), bid.Id()))).ExpectProblemAsync(HttpStatusCode.Conflict, "bid.late");

        Assert.Equal("submitted", await api.BidStatusAsync(bid.Id()));
    }

    [Fact]
    public async Task Withdraw_after_the_need_was_cancelled_or_awarded_is_409()
    {
        var anchor = await api.CreateAnchorAsync();
        var supplier = await api.CreateSupplierAsync(anchor.ClusterId);
        var cancelled = await api.CreateOpenNeedAsync(anchor);
        var cancelledBid = await api.BidAsync(supplier, cancelled.Id());
        await (await api.As(anchor.Key).CancelAsync(cancelled.Id())).ExpectAsync(HttpStatusCode.OK);
        var awarded = await api.CreateOpenNeedAsync(anchor, TimeSpan.FromHours(1));
        var awardedBid = await api.BidAsync(supplier, awarded.Id());
        api.PassDeadline(awarded);
        await (await api.As(anchor.Key).AwardAsync(awarded.Id(), awardedBid.Id())).ExpectAsync(HttpStatusCode.OK);

        await (await api.As(supplier.Key).DeleteAsync(BidPath(cancelled.Id(), cancelledBid.Id())))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "need.not_open");
        await (await api.As(supplier.Key).DeleteAsync(BidPath(awarded.Id(), awardedBid.Id())))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "need.not_open");

        Assert.Equal("cancelled", await api.BidStatusAsync(cancelledBid.Id()));
        Assert.Equal("awarded", await api.BidStatusAsync(awardedBid.Id()));
    }

    [Fact]
    public async Task Another_supplier_withdrawing_a_bid_is_404_and_the_bid_stays_live()
    {
        var anchor = await api.CreateAnchorAsync();
        var supplier = await api.CreateSupplierAsync(anchor.ClusterId);
        var competitor = await api.CreateSupplierAsync(anchor.ClusterId);
        var partner = await api.CreatePartnerAsync();
        await api.GrantAsync(competitor.Company, partner);
        var need = await api.CreateOpenNeedAsync(anchor);
        var bid = await api.BidAsync(supplier, need.Id());
        await api.BidAsync(competitor, need.Id());

        await api.As(competitor.Key).DeleteAsync(BidPath(need.Id(), bid.Id())).ExpectNotFoundAsync();
        await api.AsPartner(partner, competitor.Id).DeleteAsync(BidPath(need.Id(), bid.Id())).ExpectNotFoundAsync();
        // Before the deadline the owner cannot list the bid either.
        await api.As(anchor.Key).DeleteAsync(BidPath(need.Id(), bid.Id())).ExpectNotFoundAsync();

        Assert.Equal("submitted", await api.BidStatusAsync(bid.Id()));
    }

    [Fact]
    public async Task Unknown_or_malformed_bid_id_is_404()
    {
        var anchor = await api.CreateAnchorAsync();
        var supplier = await api.CreateSupplierAsync(anchor.ClusterId);
        var need = await api.CreateOpenNeedAsync(anchor);
        var other = await api.CreateOpenNeedAsync(anchor);
        var bidOnOther = await api.BidAsync(supplier, other.Id());

        await api.As(supplier.Key).DeleteAsync(BidPath(need.Id(), Guid.CreateVersion7().ToString())).ExpectNotFoundAsync();
        await api.As(supplier.Key).DeleteAsync(BidPath(need.Id(), "not-a-bid")).ExpectNotFoundAsync();
        // A bid of another need is not a bid of this one.
        await api.As(supplier.Key).DeleteAsync(BidPath(need.Id(), bidOnOther.Id())).ExpectNotFoundAsync();

        Assert.Equal("submitted", await api.BidStatusAsync(bidOnOther.Id()));
    }
}

public sealed class WithdrawBidTestsOnSqlite(SqliteApi api) : WithdrawBidTests(api), IClassFixture<SqliteApi>;
public sealed class WithdrawBidTestsOnPostgres(PostgresApi api) : WithdrawBidTests(api), IClassFixture<PostgresApi>;
