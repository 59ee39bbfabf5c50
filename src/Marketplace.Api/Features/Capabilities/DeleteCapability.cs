using Dapper;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Errors;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Infrastructure.Database;
using Mediator;

namespace Marketplace.Api.Features.Capabilities;

public static class DeleteCapability
{
    public sealed record Command(string CompanyId, string CapabilityId) : ICommand<Unit>, IWrite;

    public sealed class Authorizer(Db db) : IAuthorizer<Command>
    {
        public ValueTask AuthorizeAsync(Command message, Caller caller, CancellationToken ct) =>
            CapabilitySql.AuthorizeWriteAsync(db, message.CompanyId, message.CapabilityId, caller, ct);
    }

    public sealed class Handler(Db db, RequestContext context) : ICommandHandler<Command, Unit>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken ct)
        {
            var id = Guid.Parse(command.CapabilityId);
            await using var connection = await db.OpenAsync(ct);
            await using var tx = await db.BeginWriteAsync(connection, ct);
            var deleted = await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM capabilities WHERE id = @id AND company_id = @companyId",
                new { id, companyId = Guid.Parse(command.CompanyId) }, tx, cancellationToken: ct));
            // api.md: a DELETE of something that does not exist (any more) is 404.
            if (deleted == 0) throw ApiException.NotFound("capability");
            await ChangeFeed.RecordAsync(connection, tx, db.Dialect, ChangeKinds.Capability, id, context.Now, ct);
            await tx.CommitAsync(ct);
            return Unit.Value;
        }
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapDelete("{capId}", async (string id, string capId, IMediator mediator, CancellationToken ct) =>
            {
                await mediator.Send(new Command(id, capId), ct);
                return Results.NoContent();
            })
            .Produces(StatusCodes.Status204NoContent)
            .WithSummary("Delete a capability (the company, its partner, admins).");
}
