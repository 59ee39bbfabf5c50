using Dapper;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Errors;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Infrastructure.Database;
using Mediator;

namespace Marketplace.Api.Features.ApiKeys;

public static class RevokeApiKey
{
    public sealed record Command(string CompanyId, string KeyId) : ICommand<Unit>, IWrite;

    public sealed class Authorizer(Db db) : IAuthorizer<Command>
    {
        public ValueTask AuthorizeAsync(Command message, Caller caller, CancellationToken ct) =>
            ApiKeySql.AuthorizeAsync(db, message.CompanyId, caller, ct);
    }

    public sealed class Handler(Db db, RequestContext context, ApiKeyStore store) : ICommandHandler<Command, Unit>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken ct)
        {
            if (!Domain.Id.TryParse(command.KeyId, out var keyId)) throw ApiException.NotFound("API key");
            await using var connection = await db.OpenAsync(ct);
            await using var tx = await db.BeginWriteAsync(connection, ct);
            // The row stays (revoked_at) for audit; a revoked key is gone for every reader.
            var revoked = await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE api_keys SET revoked_at = @now WHERE id = @keyId AND company_id = @companyId AND revoked_at IS NULL
                """, new { now = context.Now, keyId, companyId = Guid.Parse(command.CompanyId) }, tx, cancellationToken: ct));
            if (revoked == 0) throw ApiException.NotFound("API key");
            await tx.CommitAsync(ct);
            store.Invalidate();
            return Unit.Value;
        }
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapDelete("{keyId}", async (string id, string keyId, IMediator mediator, CancellationToken ct) =>
            {
                await mediator.Send(new Command(id, keyId), ct);
                return Results.NoContent();
            })
            .Produces(StatusCodes.Status204NoContent)
            .WithSummary("Revoke an API key (admin); effective within one second.");
}
