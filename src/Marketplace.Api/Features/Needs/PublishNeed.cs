using Dapper;
using FluentValidation;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Http;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Infrastructure.Database;
using Mediator;

namespace Marketplace.Api.Features.Needs;

public static class PublishNeed
{
    public sealed record Body
    {
        public DateTimeOffset? BidDeadline { get; init; }
    }

    public sealed record Command(string Id, JsonBody<Body> Body) : ICommand<NeedDto>, IHasBody, IWrite
    {
        IJsonBody IHasBody.Body => Body;
    }

    public sealed class Validator : AbstractValidator<Body>
    {
        public Validator(RequestContext context) => RuleFor(x => x.BidDeadline).NotNull()
            .Must(d => d is null || d > context.Now).WithMessage("'bidDeadline' must be in the future.");
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
            var deadline = command.Body.Value.BidDeadline!.Value;
            await using var connection = await db.OpenAsync(ct);
            await using var tx = await db.BeginWriteAsync(connection, ct);
            var need = await NeedSql.VisibleAsync(connection, tx, db.Dialect, context.Caller, command.Id, ct);
            need.Tender().Publish(deadline, context.Now);
            await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE needs SET status = 'open', bid_deadline = @deadline, version = version + 1, updated_at = @now WHERE id = @id
                """, new { id = need.Id, deadline, now = context.Now }, tx, cancellationToken: ct));
            await NeedSql.RecordEventAsync(connection, tx, need.Id, context.Now, NeedSql.Actor(context.Caller), "need", need.Id, "draft", "open", ct);
            var published = await NeedSql.VisibleAsync(connection, tx, db.Dialect, context.Caller, command.Id, ct);
            await tx.CommitAsync(ct);
            return published.ToDto(context.Now);
        }
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapPost("{id}/publish", async (string id, HttpContext http, IMediator mediator, CancellationToken ct) =>
            {
                var need = await mediator.Send(new Command(id, JsonBody<Body>.From(http)), ct);
                http.Response.Headers.ETag = need.ETag;
                return Results.Ok(need);
            })
            .AcceptsJson<Body>()
            .Produces<NeedDto>()
            .WithSummary("Open a draft as a tender until bidDeadline (the owner).");
}
