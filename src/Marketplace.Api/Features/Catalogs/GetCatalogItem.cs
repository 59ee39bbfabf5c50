using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Infrastructure.Database;
using Mediator;

namespace Marketplace.Api.Features.Catalogs;

public static class GetCatalogItem
{
    public sealed record Query(string WholesalerId, string Sku) : IQuery<CatalogItemDto>;

    public sealed class Authorizer(Db db) : IAuthorizer<Query>
    {
        public async ValueTask AuthorizeAsync(Query message, Caller caller, CancellationToken ct) =>
            await CatalogAccess.ReadableAsync(db, message.WholesalerId, caller, ct);
    }

    public sealed class Handler(Db db) : IQueryHandler<Query, CatalogItemDto>
    {
        public async ValueTask<CatalogItemDto> Handle(Query query, CancellationToken ct) =>
            await CatalogSql.GetAsync(db, Guid.Parse(query.WholesalerId), query.Sku, ct);
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapGet("{sku}", async (string wholesalerId, string sku, IMediator mediator, CancellationToken ct) =>
                Results.Ok(await mediator.Send(new Query(wholesalerId, sku), ct)))
            .Produces<CatalogItemDto>()
            .WithSummary("One catalog item by sku (the wholesaler, its partner, admins).");
}
