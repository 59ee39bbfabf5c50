using Dapper;
using FluentValidation;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Http;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Domain;
using Marketplace.Domain.Needs;
using Marketplace.Infrastructure.Database;
using Mediator;

namespace Marketplace.Api.Features.Needs;

/// draft | open | closed -> cancelled, with a reason; live bids become cancelled (api.md).
public static class CancelNeed
{
    public sealed record Body
    {
        public string? Reason { get; init; }
    }

    public sealed record Command(string Id, JsonBody<Body> Body) : ICommand<NeedDto>, IHasBody, IWrite
    {
        IJsonBody IHasBody.Body => Body;
    }

    public sealed class Validator : AbstractValidator<Body>
    {
        public Validator() => RuleFor(x => x.Reason).Must(r => !string.IsNullOrWhiteSpace(r) && r.Length <= Limits.TextMaxLength)
            .WithMessage("'reason' is required: 1 to 2000 characters, not blank.");
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
            var actor = NeedSql.Actor(context.Caller);
            await using var connection = await db.OpenAsync(ct);
            await using var tx = await db.BeginWriteAsync(connection, ct);
            var need = await NeedSql.VisibleAsync(connection, tx, db.Dialect, context.Caller, command.Id, ct);
            var tender = need.Tender();
            var from = NeedStatuses.ToWire(tender.StatusAt(now));
            tender.Cancel(now);
            await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE needs SET status = 'cancelled', cancel_reason = @reason, version = version + 1, updated_at = @now WHERE id = @id
                """, new { id = need.Id, reason = command.Body.Value.Reason!.Trim(), now }, tx, cancellationToken: ct));
            var live = (await connection.QueryAsync<Guid>(new CommandDefinition(
                "SELECT id FROM bids WHERE need_id = @id AND status = 'submitted'", new { id = need.Id }, tx, cancellationToken: ct))).ToList();
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE bids SET status = 'cancelled', updated_at = @now WHERE need_id = @id AND status = 'submitted'",
                new { id = need.Id, now }, tx, cancellationToken: ct));
            await NeedSql.RecordEventAsync(connection, tx, need.Id, now, actor, "need", need.Id, from, "cancelled", ct);
            foreach (var bid in live)
                await NeedSql.RecordEventAsync(connection, tx, need.Id, now, actor, "bid", bid, "submitted", "cancelled", ct);
            var cancelled = await NeedSql.VisibleAsync(connection, tx, db.Dialect, context.Caller, command.Id, ct);
            await tx.CommitAsync(ct);
            return cancelled.ToDto(now);
        }
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapPost("{id}/cancel", async (string id, HttpContext http, IMediator mediator, CancellationToken ct) =>
            {
                var need = await mediator.Send(new Command(id, JsonBody<Body>.From(http)), ct);
                http.Response.Headers.ETag = need.ETag;
                return Results.Ok(need);
            })
            .AcceptsJson<Body>()
            .Produces<NeedDto>()
            .WithSummary("Cancel a draft, open or closed need with a reason; live bids are cancelled (the owner).");
}
