using Dapper;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Errors;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Infrastructure.Database;
using Mediator;

namespace Marketplace.Api.Features.Partners;

/// Takes effect on the partner's next request: grants are never cached.
public static class RevokePartner
{
    public sealed record Command(string CompanyId, string PartnerId) : ICommand<Unit>, IWrite;

    public sealed class Authorizer(Db db) : IAuthorizer<Command>
    {
        public ValueTask AuthorizeAsync(Command message, Caller caller, CancellationToken ct) =>
            PartnerSql.AuthorizeGrantsAsync(db, message.CompanyId, caller, ct);
    }

    public sealed class Handler(Db db) : ICommandHandler<Command, Unit>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken ct)
        {
            if (!Domain.Id.TryParse(command.PartnerId, out var partnerId)) throw ApiException.NotFound("partner grant");
            await using var connection = await db.OpenAsync(ct);
            await using var tx = await db.BeginWriteAsync(connection, ct);
            var removed = await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM partner_grants WHERE company_id = @companyId AND partner_id = @partnerId",
                new { companyId = Guid.Parse(command.CompanyId), partnerId }, tx, cancellationToken: ct));
            if (removed == 0) throw ApiException.NotFound("partner grant");
            await tx.CommitAsync(ct);
            return Unit.Value;
        }
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapDelete("{partnerId}", async (string id, string partnerId, IMediator mediator, CancellationToken ct) =>
            {
                await mediator.Send(new Command(id, partnerId), ct);
                return Results.NoContent();
            })
            .Produces(StatusCodes.Status204NoContent)
            .WithSummary("Revoke a partner app's grant at once (the supplier or an admin).");
}
