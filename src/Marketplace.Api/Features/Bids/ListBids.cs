using Dapper;
using FluentValidation;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Paging;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Api.Features.Needs;
using Marketplace.Domain;
using Marketplace.Infrastructure.Database;
using Mediator;

namespace Marketplace.Api.Features.Bids;

/// api.md, Sealed bids: always `{items, sealed, count, nextCursor}`.
public static class ListBids
{
    public sealed record BidList(IReadOnlyList<BidDto> Items, bool Sealed, int Count, string? NextCursor);

    public sealed record Query(string NeedId, PageArgs Page) : IQuery<BidList>
    {
        public string Scope => $"bids|{NeedId}";
    }

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() => this.AddPagingRules(x => x.Page, x => x.Scope, Id.IsValid);
    }

    /// Anyone who can see the need (else 404, before the paging is validated); what they see
    /// is decided by the handler.
    public sealed class Authorizer(Db db) : IAuthorizer<Query>
    {
        public async ValueTask AuthorizeAsync(Query message, Caller caller, CancellationToken ct)
        {
            await using var connection = await db.OpenAsync(ct);
            await NeedSql.VisibleAsync(connection, null, db.Dialect, caller, message.NeedId, ct);
        }
    }

    public sealed class Handler(Db db, RequestContext context) : IQueryHandler<Query, BidList>
    {
        public async ValueTask<BidList> Handle(Query query, CancellationToken ct)
        {
            var now = context.Now;
            var caller = context.Caller;
            await using var connection = await db.OpenAsync(ct);
            var need = await NeedSql.VisibleAsync(connection, null, db.Dialect, caller, query.NeedId, ct);
            var isSealed = need.Tender().IsSealedAt(now);
            var args = new { needId = need.Id, me = caller.CompanyId ?? Guid.Empty };
            if (BidSql.CountsLiveOnly(need, caller, now))
            {
                var live = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                    "SELECT COUNT(*) FROM bids WHERE need_id = @needId AND status = 'submitted'", args, cancellationToken: ct));
                return new BidList([], isSealed, live, null);
            }
            if (BidSql.Listable(need, caller, now) is not { } filter) return new BidList([], isSealed, 0, null);

            var count = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                "SELECT COUNT(*) FROM bids WHERE " + filter, args, cancellationToken: ct));
            var limit = query.Page.Size(Limits.PageLimitDefault);
            var after = query.Page.After(query.Scope);
            var rows = await connection.QueryAsync<BidSql.Row>(new CommandDefinition(
                BidSql.Select + " WHERE " + filter + (after is null ? "" : " AND id > @after") + " ORDER BY id" + db.Dialect.Limit("@take"),
                new { args.needId, args.me, after = after is null ? Guid.Empty : Guid.Parse(after), take = limit + 1 }, cancellationToken: ct));
            var page = Page<BidDto>.From(rows.Select(r => r.ToDto()).ToList(), limit, query.Scope, b => b.Id.ToString());
            return new BidList(page.Items, isSealed, count, page.NextCursor);
        }
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapGet("", async (string id, HttpRequest request, IMediator mediator, CancellationToken ct) =>
                Results.Ok(await mediator.Send(new Query(id, PageArgs.From(request)), ct)))
            .Produces<BidList>()
            .WithSummary("The bids the caller may see under the sealed-bid rules.");
}
