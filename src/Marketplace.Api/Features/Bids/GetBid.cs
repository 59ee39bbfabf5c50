using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Errors;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Api.Features.Needs;
using Marketplace.Infrastructure.Database;
using Mediator;

namespace Marketplace.Api.Features.Bids;

public static class GetBid
{
    public sealed record Query(string NeedId, string BidId) : IQuery<BidDto>;

    public sealed class Authorizer : IAuthorizer<Query>
    {
        public ValueTask AuthorizeAsync(Query message, Caller caller, CancellationToken ct) => ValueTask.CompletedTask;
    }

    /// 404 for a bid the caller could not list (api.md: the same table as the list).
    public sealed class Handler(Db db, RequestContext context) : IQueryHandler<Query, BidDto>
    {
        public async ValueTask<BidDto> Handle(Query query, CancellationToken ct)
        {
            await using var connection = await db.OpenAsync(ct);
            var need = await NeedSql.VisibleAsync(connection, null, db.Dialect, context.Caller, query.NeedId, ct);
            return await BidReads.FindListableAsync(connection, need, context.Caller, context.Now, query.BidId, ct)
                   ?? throw ApiException.NotFound("bid");
        }
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapGet("{bidId}", async (string id, string bidId, IMediator mediator, CancellationToken ct) =>
                Results.Ok(await mediator.Send(new Query(id, bidId), ct)))
            .Produces<BidDto>()
            .WithSummary("One bid, under the sealed-bid rules.");
}
