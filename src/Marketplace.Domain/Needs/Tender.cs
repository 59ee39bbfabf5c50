namespace Marketplace.Domain.Needs;

/// The lifecycle of a need as a tender (api.md, "Needs: lifecycle and visibility"):
/// draft -> open (publish), open -> closed when the deadline passes (derived from the clock,
/// never written), closed -> awarded, and draft | open | closed -> cancelled. Every other
/// transition is a DomainException (409). `now` is the application clock, read once per request.
public sealed class Tender(NeedStatus storedStatus, DateTimeOffset? bidDeadline)
{
    public NeedStatus StoredStatus { get; private set; } = storedStatus;
    public DateTimeOffset? BidDeadline { get; private set; } = bidDeadline;

    public NeedStatus StatusAt(DateTimeOffset now) => Effective(StoredStatus, BidDeadline, now);

    public static NeedStatus Effective(NeedStatus stored, DateTimeOffset? deadline, DateTimeOffset now) =>
        stored == NeedStatus.Open && deadline is { } d && now >= d ? NeedStatus.Closed : stored;

    /// Bids stay sealed until the deadline (a need without one is sealed).
    public bool IsSealedAt(DateTimeOffset now) => BidDeadline is not { } d || now < d;

    /// Only drafts may be edited (PATCH) or published.
    public void EnsureDraft(DateTimeOffset now)
    {
        if (StatusAt(now) != NeedStatus.Draft)
            throw new DomainException(NeedErrors.NotDraft, $"The need is {NeedStatuses.ToWire(StatusAt(now))}; only a draft can change.");
    }

    /// The deadline must be in the future: the caller validates that as input (400) first.
    public void Publish(DateTimeOffset deadline, DateTimeOffset now)
    {
        EnsureDraft(now);
        if (deadline <= now) throw new ArgumentException("The bid deadline must be in the future.", nameof(deadline));
        StoredStatus = NeedStatus.Open;
        BidDeadline = deadline;
    }

    public void Cancel(DateTimeOffset now)
    {
        var status = StatusAt(now);
        if (status is not (NeedStatus.Draft or NeedStatus.Open or NeedStatus.Closed))
            throw new DomainException(NeedErrors.NotCancellable, $"An {NeedStatuses.ToWire(status)} need cannot be cancelled.");
        StoredStatus = NeedStatus.Cancelled;
    }

    /// A bid (or its withdrawal) is accepted only while the tender is open.
    public void EnsureOpenForBids(DateTimeOffset now)
    {
        var status = StatusAt(now);
        if (status == NeedStatus.Closed)
            throw new DomainException(NeedErrors.BidLate, "The bid deadline has passed.");
        if (status != NeedStatus.Open)
            throw new DomainException(NeedErrors.NotOpen, $"The need is {NeedStatuses.ToWire(status)}, not open for bids.");
    }

    public void Award(DateTimeOffset now)
    {
        var status = StatusAt(now);
        if (status == NeedStatus.Awarded)
            throw new DomainException(NeedErrors.AwardExists, "The need is already awarded.");
        if (status != NeedStatus.Closed)
            throw new DomainException(NeedErrors.NotClosed, $"Only a closed need can be awarded; this one is {NeedStatuses.ToWire(status)}.");
        StoredStatus = NeedStatus.Awarded;
    }
}
