namespace Marketplace.Domain.Needs;

/// The stable problem codes of the tender lifecycle (api.md: 409 with a code).
public static class NeedErrors
{
    public const string NotDraft = "need.not_draft";
    public const string NotOpen = "need.not_open";
    public const string NotClosed = "need.not_closed";
    public const string NotCancellable = "need.not_cancellable";
    public const string BidLate = "bid.late";
    public const string BidExists = "bid.exists";
    public const string BidNotLive = "bid.not_live";
    public const string AwardExists = "award.exists";
}
