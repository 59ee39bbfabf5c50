using Dapper;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Errors;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Api.Features.Needs;
using Marketplace.Domain;
using Marketplace.Domain.Needs;
using Marketplace.Infrastructure.Database;
using Mediator;

namespace Marketplace.Api.Features.Bids;

/// DELETE withdraws the caller's own bid, only while the need is open (api.md).
public static class WithdrawBid
{
    public sealed record Command(string NeedId, string BidId) : ICommand<Unit>, IWrite;

    public sealed class Authorizer(Db db, RequestContext context) : IAuthorizer<Command>
    {
        public async ValueTask AuthorizeAsync(Command message, Caller caller, CancellationToken ct)
        {
            await using var connection = await db.OpenAsync(ct);
            var need = await NeedSql.VisibleAsync(connection, null, db.Dialect, caller, message.NeedId, ct);
            var bid = await BidReads.FindListableAsync(connection, need, caller, context.Now, message.BidId, ct)
                      ?? throw ApiException.NotFound("bid");
            if (bid.SupplierId != caller.CompanyId)
                throw ApiException.Forbidden(ErrorCodes.Forbidden, "Only the supplier that made a bid can withdraw it.");
        }
    }

    public sealed class Handler(Db db, RequestContext context) : ICommandHandler<Command, Unit>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken ct)
        {
            var now = context.Now;
            var bidId = Guid.Parse(command.BidId);
            await using var connection = await db.OpenAsync(ct);
            await using var tx = await db.BeginWriteAsync(connection, ct);
            var need = await NeedSql.VisibleAsync(connection, tx, db.Dialect, context.Caller, command.NeedId, ct);
            need.Tender().EnsureOpenForBids(now);
            var withdrawn = await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE bids SET status = 'withdrawn', updated_at = @now
                WHERE id = @bidId AND need_id = @needId AND supplier_id = @me AND status = 'submitted'
                """, new { bidId, needId = need.Id, me = context.Caller.CompanyId, now }, tx, cancellationToken: ct));
            if (withdrawn == 0) throw new DomainException(NeedErrors.BidNotLive, "The bid is no longer live.");
            await NeedSql.RecordEventAsync(connection, tx, need.Id, now, context.Caller.CompanyId!.Value.ToString(), "bid", bidId,
                "submitted", "withdrawn", ct);
            await tx.CommitAsync(ct);
            return Unit.Value;
        }
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapDelete("{bidId}", async (string id, string bidId, IMediator mediator, CancellationToken ct) =>
            {
                await mediator.Send(new Command(id, bidId), ct);
                return Results.NoContent();
            })
            .Produces(StatusCodes.Status204NoContent)
            .WithSummary("Withdraw your bid while the need is open.");
}
