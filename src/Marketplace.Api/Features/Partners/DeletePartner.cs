using Dapper;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Errors;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Infrastructure.Database;
using Mediator;

namespace Marketplace.Api.Features.Partners;

public static class DeletePartner
{
    public sealed record Command(string Id) : ICommand<Unit>, IWrite;

    public sealed class Authorizer : IAuthorizer<Command>
    {
        public ValueTask AuthorizeAsync(Command message, Caller caller, CancellationToken ct) =>
            caller.IsAdmin ? ValueTask.CompletedTask : throw ApiException.AdminOnly();
    }

    public sealed class Handler(Db db, RequestContext context, ApiKeyStore store) : ICommandHandler<Command, Unit>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken ct)
        {
            if (!Domain.Id.TryParse(command.Id, out var id)) throw ApiException.NotFound("partner");
            await using var connection = await db.OpenAsync(ct);
            await using var tx = await db.BeginWriteAsync(connection, ct);
            // The partner row stays for the audit trail; its keys and grants go with it.
            var deleted = await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE partners SET deleted_at = @now WHERE id = @id AND deleted_at IS NULL", new { id, now = context.Now }, tx, cancellationToken: ct));
            if (deleted == 0) throw ApiException.NotFound("partner");
            await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE api_keys SET revoked_at = @now WHERE partner_id = @id AND revoked_at IS NULL;
                DELETE FROM partner_grants WHERE partner_id = @id;
                """, new { id, now = context.Now }, tx, cancellationToken: ct));
            await tx.CommitAsync(ct);
            store.Invalidate();
            return Unit.Value;
        }
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapDelete("{id}", async (string id, IMediator mediator, CancellationToken ct) =>
            {
                await mediator.Send(new Command(id), ct);
                return Results.NoContent();
            })
            .Produces(StatusCodes.Status204NoContent)
            .WithSummary("Remove a partner app and invalidate its key and grants (admin).");
}
