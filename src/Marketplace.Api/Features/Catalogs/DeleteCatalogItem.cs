using Dapper;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Errors;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Infrastructure.Database;
using Mediator;

namespace Marketplace.Api.Features.Catalogs;

/// api.md: 204, or 404 when the item does not exist (any more); the deletion is one `catalog`
/// change in the feed, as an import is.
public static class DeleteCatalogItem
{
    public sealed record Command(string WholesalerId, string Sku) : ICommand<Unit>, IWrite;

    /// Visibility and the item's existence (404) come before the partner's 403, as for capabilities;
    /// the company's `active` is checked by the pipeline (IWrite).
    public sealed class Authorizer(Db db) : IAuthorizer<Command>
    {
        public async ValueTask AuthorizeAsync(Command message, Caller caller, CancellationToken ct)
        {
            var wholesaler = await CatalogAccess.ReadableAsync(db, message.WholesalerId, caller, ct);
            await CatalogSql.GetAsync(db, wholesaler.Id, message.Sku, ct);
            CatalogAccess.RequireWriter(caller);
        }
    }

    public sealed class Handler(Db db, RequestContext context) : ICommandHandler<Command, Unit>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken ct)
        {
            var wholesalerId = Guid.Parse(command.WholesalerId);
            await using var connection = await db.OpenAsync(ct);
            await using var tx = await db.BeginWriteAsync(connection, ct);
            var deleted = await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM catalog_items WHERE wholesaler_id = @wholesalerId AND sku = @sku",
                new { wholesalerId, sku = command.Sku }, tx, cancellationToken: ct));
            // Deleted by a concurrent request since the authorizer saw it.
            if (deleted == 0) throw ApiException.NotFound("catalog item");
            await ChangeFeed.RecordAsync(connection, tx, db.Dialect, ChangeKinds.Catalog, wholesalerId, context.Now, ct);
            await tx.CommitAsync(ct);
            return Unit.Value;
        }
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapDelete("{sku}", async (string wholesalerId, string sku, IMediator mediator, CancellationToken ct) =>
            {
                await mediator.Send(new Command(wholesalerId, sku), ct);
                return Results.NoContent();
            })
            .Produces(StatusCodes.Status204NoContent)
            .WithSummary("Delete one catalog item (the wholesaler, admins); one catalog change in the feed.");
}
