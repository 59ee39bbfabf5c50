using Dapper;
using FluentValidation;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Errors;
using Marketplace.Api.Common.Paging;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Domain;
using Marketplace.Infrastructure.Database;
using Mediator;

namespace Marketplace.Api.Features.Needs;

/// api.md: ordered by `at`, then `entityId`; before the deadline bid entries are left out and
/// `bidCounts` counts bid events; after it every bid entry is listed and `bidCounts` is null.
/// The derived open -> closed entry is written by nobody: it is `system`'s, at the deadline.
public static class GetNeedHistory
{
    public sealed record HistoryEntry(DateTimeOffset At, string By, string Entity, Guid EntityId, string? From, string To);

    public sealed record BidCounts(int Submitted, int Withdrawn, int Cancelled);

    public sealed record History(IReadOnlyList<HistoryEntry> Items, BidCounts? BidCounts, string? NextCursor);

    public sealed record Query(string Id, PageArgs Page) : IQuery<History>
    {
        public string Scope => $"history|{Id}";
    }

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() => this.AddPagingRules(x => x.Page, x => x.Scope);
    }

    /// Owner and admins; others who can see the need get 403.
    public sealed class Authorizer(NeedAccess access) : IAuthorizer<Query>
    {
        public async ValueTask AuthorizeAsync(Query message, Caller caller, CancellationToken ct) =>
            await access.OwnerReadAsync(message.Id, caller, ct);
    }

    public sealed class Handler(Db db, RequestContext context, NeedAccess access) : IQueryHandler<Query, History>
    {
        public async ValueTask<History> Handle(Query query, CancellationToken ct)
        {
            var now = context.Now;
            await using var connection = await db.OpenAsync(ct);
            var need = await access.OwnerReadAsync(query.Id, context.Caller, ct);
            var events = (await connection.QueryAsync<EventRow>(new CommandDefinition("""
                SELECT id AS Id, at AS At, actor AS Actor, entity AS Entity, entity_id AS EntityId, from_status AS FromStatus, to_status AS ToStatus
                FROM need_events WHERE need_id = @id
                """, new { id = need.Id }, cancellationToken: ct))).ToList();

            var sealedBids = need.Tender().IsSealedAt(now);
            var entries = events
                .Where(e => !sealedBids || e.Entity == "need")
                .Select(e => (e.At, e.EntityId, e.Id, Entry: new HistoryEntry(e.At, e.Actor, e.Entity, e.EntityId, e.FromStatus, e.ToStatus)))
                .ToList();
            // The derived closing, unless the need was cancelled before its deadline.
            if (need.BidDeadline is { } deadline && now >= deadline
                && !events.Any(e => e.Entity == "need" && e.ToStatus == "cancelled" && e.At < deadline))
                entries.Add((deadline, need.Id, Guid.Empty, new HistoryEntry(deadline, "system", "need", need.Id, "open", "closed")));
            // Sort key: at, then entityId, then (for equal both) the derived closing first, then the event id.
            var ordered = entries
                .Select(e => (Key: $"{e.At.UtcTicks:D20}|{e.EntityId}|{(e.Entry.By == "system" ? 0 : 1)}|{e.Id}", e.Entry))
                .OrderBy(e => e.Key, StringComparer.Ordinal)
                .ToList();

            BidCounts? counts = sealedBids
                ? new BidCounts(
                    events.Count(e => e.Entity == "bid" && e.ToStatus == "submitted"),
                    events.Count(e => e.Entity == "bid" && e.ToStatus == "withdrawn"),
                    events.Count(e => e.Entity == "bid" && e.ToStatus == "cancelled"))
                : null;

            var limit = query.Page.Size(Limits.PageLimitDefault);
            var after = query.Page.After(query.Scope);
            var rest = ordered.Where(e => after is null || string.CompareOrdinal(e.Key, after) > 0).ToList();
            var page = rest.Take(limit).Select(e => e.Entry).ToList();
            var next = rest.Count > limit ? Cursor.Encode(query.Scope, rest[limit - 1].Key) : null;
            return new History(page, counts, next);
        }
    }

    private sealed class EventRow
    {
        public Guid Id { get; init; }
        public DateTimeOffset At { get; init; }
        public string Actor { get; init; } = "";
        public string Entity { get; init; } = "";
        public Guid EntityId { get; init; }
        public string? FromStatus { get; init; }
        public string ToStatus { get; init; } = "";
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapGet("{id}/history", async (string id, HttpRequest request, IMediator mediator, CancellationToken ct) =>
                Results.Ok(await mediator.Send(new Query(id, PageArgs.From(request)), ct)))
            .Produces<History>()
            .WithSummary("The need's and (after the deadline) its bids' status history (the owner and admins).");
}
