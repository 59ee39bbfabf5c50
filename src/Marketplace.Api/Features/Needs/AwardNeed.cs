using Dapper;
using FluentValidation;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Errors;
using Marketplace.Api.Common.Http;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Domain;
using Marketplace.Domain.Needs;
using Marketplace.Infrastructure.Database;
using Mediator;

namespace Marketplace.Api.Features.Needs;

/// Exactly one award per need, even under races: the need row is locked (SQLite: the write
/// lock taken at BEGIN) and the update is conditional on the stored status, so a second award
/// finds `awarded` and answers 409 award.exists.
public static class AwardNeed
{
    public sealed record Body
    {
        public string? BidId { get; init; }
    }

    public sealed record Command(string Id, JsonBody<Body> Body) : ICommand<NeedDto>, IHasBody, IWrite
    {
        IJsonBody IHasBody.Body => Body;
    }

    public sealed class Validator : AbstractValidator<Body>
    {
        public Validator() => RuleFor(x => x.BidId).Must(Id.IsValid).WithMessage("'bidId' must be a bid id.");
    }

    public sealed class Authorizer(NeedAccess access) : IAuthorizer<Command>
    {
        public async ValueTask AuthorizeAsync(Command message, Caller caller, CancellationToken ct) =>
            await access.OwnerActionAsync(message.Id, caller, ct);
    }

    public sealed class Handler(Db db, RequestContext context) : ICommandHandler<Command, NeedDto>
    {
        public async ValueTask<NeedDto> Handle(Command command, CancellationToken ct)
        {
            var now = context.Now;
            var bidId = Guid.Parse(command.Body.Value.BidId!);
            var actor = NeedSql.Actor(context.Caller);
            await using var connection = await db.OpenAsync(ct);
            await using var tx = await db.BeginWriteAsync(connection, ct);
            var need = await NeedSql.VisibleAsync(connection, tx, db.Dialect, context.Caller, command.Id, ct);
            need.Tender().Award(now);
            var bid = await connection.QuerySingleOrDefaultAsync<WinningBid>(new CommandDefinition("""
                SELECT b.supplier_id AS SupplierId, b.unit_price AS UnitPrice, b.currency AS Currency, c.size AS Size
                FROM bids b JOIN companies c ON c.id = b.supplier_id
                WHERE b.id = @bidId AND b.need_id = @needId AND b.status = 'submitted'
                """, new { bidId, needId = need.Id }, tx, cancellationToken: ct))
                ?? throw new DomainException(NeedErrors.BidNotLive, "The bid is not a live (submitted) bid of this need.");
            var awarded = await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE needs SET status = 'awarded', award_bid_id = @bidId, award_supplier_id = @SupplierId,
                    award_unit_price = @UnitPrice, award_currency = @Currency, award_supplier_size = @Size,
                    version = version + 1, updated_at = @now
                WHERE id = @needId AND status = 'open' AND award_bid_id IS NULL
                """, new { bidId, bid.SupplierId, bid.UnitPrice, bid.Currency, bid.Size, now, needId = need.Id }, tx, cancellationToken: ct));
            if (awarded != 1) throw new DomainException(NeedErrors.AwardExists, "The need is already awarded.");
            var losers = (await connection.QueryAsync<Guid>(new CommandDefinition(
                "SELECT id FROM bids WHERE need_id = @needId AND status = 'submitted' AND id <> @bidId",
                new { needId = need.Id, bidId }, tx, cancellationToken: ct))).ToList();
            await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE bids SET status = CASE WHEN id = @bidId THEN 'awarded' ELSE 'rejected' END, updated_at = @now
                WHERE need_id = @needId AND status = 'submitted'
                """, new { bidId, needId = need.Id, now }, tx, cancellationToken: ct));
            await NeedSql.RecordEventAsync(connection, tx, need.Id, now, actor, "need", need.Id, "closed", "awarded", ct);
            await NeedSql.RecordEventAsync(connection, tx, need.Id, now, actor, "bid", bidId, "submitted", "awarded", ct);
            foreach (var loser in losers)
                await NeedSql.RecordEventAsync(connection, tx, need.Id, now, actor, "bid", loser, "submitted", "rejected", ct);
            var result = await NeedSql.VisibleAsync(connection, tx, db.Dialect, context.Caller, command.Id, ct);
            await tx.CommitAsync(ct);
            return result.ToDto(now);
        }
    }

    private sealed class WinningBid
    {
        public Guid SupplierId { get; init; }
        public decimal UnitPrice { get; init; }
        public string Currency { get; init; } = "";
        public string Size { get; init; } = "";
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapPost("{id}/award", async (string id, HttpContext http, IMediator mediator, CancellationToken ct) =>
            {
                var need = await mediator.Send(new Command(id, JsonBody<Body>.From(http)), ct);
                http.Response.Headers.ETag = need.ETag;
                return Results.Ok(need);
            })
            .AcceptsJson<Body>()
            .Produces<NeedDto>()
            .WithSummary("Award a closed need to one live bid; the others are rejected (the owner).");
}
