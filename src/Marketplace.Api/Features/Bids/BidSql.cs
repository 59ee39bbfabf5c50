using Marketplace.Api.Common.Auth;
using Marketplace.Api.Features.Needs;

namespace Marketplace.Api.Features.Bids;

public sealed record BidDto(
    Guid Id, Guid NeedId, Guid SupplierId, decimal UnitPrice, string Currency, int LeadTimeDays, double LocalShare,
    Guid? CapabilityId, string? Comment, string Status, DateTimeOffset SubmittedAt);

public static class BidSql
{
    public sealed class Row
    {
        public Guid Id { get; init; }
        public Guid NeedId { get; init; }
        public Guid SupplierId { get; init; }
        public decimal UnitPrice { get; init; }
        public string Currency { get; init; } = "";
        public int LeadTimeDays { get; init; }
        public double LocalShare { get; init; }
        public Guid? CapabilityId { get; init; }
        public string? Comment { get; init; }
        public string Status { get; init; } = "";
        public DateTimeOffset SubmittedAt { get; init; }

        public BidDto ToDto() => new(Id, NeedId, SupplierId, UnitPrice, Currency, LeadTimeDays, LocalShare, CapabilityId, Comment,
            Status, SubmittedAt);
    }

    public const string Select = """
        SELECT id AS Id, need_id AS NeedId, supplier_id AS SupplierId, unit_price AS UnitPrice, currency AS Currency,
               lead_time_days AS LeadTimeDays, local_share AS LocalShare, capability_id AS CapabilityId, comment AS Comment,
               status AS Status, submitted_at AS SubmittedAt
        FROM bids
        """;

    /// Sealed bids (api.md): which of a need's bids the caller may list, as a WHERE filter on
    /// `bids` (null: none), and whether it sees them at all.
    ///  - owner and admins: every bid once unsealed; none while sealed (they get the live count);
    ///  - anyone else: its own bids of any status (a company that never bid: none).
    public static string? Listable(NeedSql.Row need, Caller caller, DateTimeOffset now)
    {
        var ownerView = caller.IsAdmin || caller.CompanyId == need.OwnerId;
        if (ownerView) return need.Tender().IsSealedAt(now) ? null : "need_id = @needId";
        return caller.CompanyId is null ? null : "need_id = @needId AND supplier_id = @me";
    }

    /// While sealed, the owner and admins learn how many live bids there are, and nothing else.
    public static bool CountsLiveOnly(NeedSql.Row need, Caller caller, DateTimeOffset now) =>
        (caller.IsAdmin || caller.CompanyId == need.OwnerId) && need.Tender().IsSealedAt(now);
}
