using Marketplace.Domain;
using Marketplace.Domain.Needs;

namespace Marketplace.Domain.Tests.Needs;

public sealed class TenderTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Deadline = Now.AddDays(7);

    private static Tender In(NeedStatus status) => status switch
    {
        NeedStatus.Draft => new Tender(NeedStatus.Draft, null),
        NeedStatus.Open => new Tender(NeedStatus.Open, Deadline),
        NeedStatus.Closed => new Tender(NeedStatus.Open, Now.AddDays(-1)),
        NeedStatus.Awarded => new Tender(NeedStatus.Awarded, Now.AddDays(-1)),
        _ => new Tender(NeedStatus.Cancelled, null),
    };

    [Fact]
    public void Open_need_is_closed_exactly_at_its_deadline()
    {
        var tender = new Tender(NeedStatus.Open, Deadline);
        Assert.Equal(NeedStatus.Open, tender.StatusAt(Deadline.AddTicks(-1)));
        Assert.Equal(NeedStatus.Closed, tender.StatusAt(Deadline));
        Assert.True(tender.IsSealedAt(Deadline.AddTicks(-1)));
        Assert.False(tender.IsSealedAt(Deadline));
    }

    [Theory]
    [InlineData(NeedStatus.Draft)]
    [InlineData(NeedStatus.Awarded)]
    [InlineData(NeedStatus.Cancelled)]
    public void Only_open_is_derived_into_closed(NeedStatus stored) =>
        Assert.Equal(stored, new Tender(stored, Now.AddDays(-1)).StatusAt(Now));

    [Fact]
    public void Draft_is_published_with_a_future_deadline()
    {
        var tender = In(NeedStatus.Draft);
        tender.Publish(Deadline, Now);
        Assert.Equal(NeedStatus.Open, tender.StatusAt(Now));
        Assert.Equal(Deadline, tender.BidDeadline);
    }

    [Fact]
    public void Publishing_with_a_past_or_present_deadline_is_refused() =>
        Assert.Throws<ArgumentException>(() => In(NeedStatus.Draft).Publish(Now, Now));

    [Theory]
    [InlineData(NeedStatus.Open, "need.not_draft")]
    [InlineData(NeedStatus.Closed, "need.not_draft")]
    [InlineData(NeedStatus.Awarded, "need.not_draft")]
    [InlineData(NeedStatus.Cancelled, "need.not_draft")]
    public void Publishing_anything_but_a_draft_is_409(NeedStatus status, string code) =>
        Assert.Equal(code, Assert.Throws<DomainException>(() => In(status).Publish(Deadline.AddDays(1), Now)).Code);

    [Theory]
    [InlineData(NeedStatus.Draft)]
    [InlineData(NeedStatus.Open)]
    [InlineData(NeedStatus.Closed)]
    public void Draft_open_and_closed_needs_can_be_cancelled(NeedStatus status)
    {
        var tender = In(status);
        tender.Cancel(Now);
        Assert.Equal(NeedStatus.Cancelled, tender.StatusAt(Now));
    }

    [Theory]
    [InlineData(NeedStatus.Awarded)]
    [InlineData(NeedStatus.Cancelled)]
    public void Awarded_and_cancelled_needs_cannot_be_cancelled(NeedStatus status) =>
        Assert.Equal(NeedErrors.NotCancellable, Assert.Throws<DomainException>(() => In(status).Cancel(Now)).Code);

    [Fact]
    public void Closed_need_is_awarded_once()
    {
        var tender = In(NeedStatus.Closed);
        tender.Award(Now);
        Assert.Equal(NeedStatus.Awarded, tender.StatusAt(Now));
        Assert.Equal(NeedErrors.AwardExists, Assert.Throws<DomainException>(() => tender.Award(Now)).Code);
    }

    [Theory]
    [InlineData(NeedStatus.Draft, "need.not_closed")]
    [InlineData(NeedStatus.Open, "need.not_closed")]
    [InlineData(NeedStatus.Cancelled, "need.not_closed")]
    [InlineData(NeedStatus.Awarded, "award.exists")]
    public void Award_needs_a_closed_need(NeedStatus status, string code) =>
        Assert.Equal(code, Assert.Throws<DomainException>(() => In(status).Award(Now)).Code);

    [Theory]
    [InlineData(NeedStatus.Draft, "need.not_open")]
    [InlineData(NeedStatus.Closed, "bid.late")]
    [InlineData(NeedStatus.Awarded, "need.not_open")]
    [InlineData(NeedStatus.Cancelled, "need.not_open")]
    public void Bids_are_accepted_only_while_open(NeedStatus status, string code) =>
        Assert.Equal(code, Assert.Throws<DomainException>(() => In(status).EnsureOpenForBids(Now)).Code);

    [Fact]
    public void Open_need_accepts_bids_until_just_before_the_deadline()
    {
        var tender = In(NeedStatus.Open);
        tender.EnsureOpenForBids(Deadline.AddTicks(-1));
        Assert.Equal(NeedErrors.BidLate, Assert.Throws<DomainException>(() => tender.EnsureOpenForBids(Deadline)).Code);
    }

    [Theory]
    [InlineData(NeedStatus.Open)]
    [InlineData(NeedStatus.Closed)]
    [InlineData(NeedStatus.Awarded)]
    [InlineData(NeedStatus.Cancelled)]
    public void Only_drafts_are_editable(NeedStatus status) =>
        Assert.Equal(NeedErrors.NotDraft, Assert.Throws<DomainException>(() => In(status).EnsureDraft(Now)).Code);

    [Theory]
    [InlineData("draft", NeedStatus.Draft)]
    [InlineData("closed", NeedStatus.Closed)]
    [InlineData("cancelled", NeedStatus.Cancelled)]
    public void Status_wire_names_round_trip(string wire, NeedStatus status)
    {
        Assert.True(NeedStatuses.TryParse(wire, out var parsed));
        Assert.Equal(status, parsed);
        Assert.Equal(wire, NeedStatuses.ToWire(status));
        Assert.False(NeedStatuses.TryParse(wire.ToUpperInvariant(), out _));
    }
}
