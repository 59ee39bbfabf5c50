using Dapper;
using FluentValidation;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Paging;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Domain;
using Marketplace.Domain.Catalog;
using Marketplace.Domain.Reference;
using Marketplace.Infrastructure.Database;
using Mediator;
using Microsoft.Extensions.Primitives;

namespace Marketplace.Api.Features.Catalogs;

/// api.md: a wholesaler's items ordered by sku (ordinal: the column's collation is binary on every
/// provider), paged by the last sku; the primary key (wholesaler_id, sku) serves the order.
public static class ListCatalogItems
{
    public sealed record Query(string WholesalerId, StringValues CategoryCode, StringValues OriginCountry, PageArgs Page)
        : IQuery<Page<CatalogItemDto>>
    {
        /// A cursor belongs to one catalog and one filter: paging with another is 400 (api.md).
        public string Scope =>
            $"catalog-items|{WholesalerId.ToLowerInvariant()}|categoryCode={CategoryCode.One()}|originCountry={OriginCountry.One()}";
    }

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator(ReferenceData reference)
        {
            this.AddCategoryCodeRule(x => x.CategoryCode);
            this.AddFilterRule("originCountry", x => x.OriginCountry, reference.IsCountry,
                "'originCountry' must be an ISO 3166-1 alpha-2 code such as RU.");
            this.AddPagingRules(x => x.Page, x => x.Scope, Sku.IsValid);
        }
    }

    public sealed class Authorizer(Db db) : IAuthorizer<Query>
    {
        public async ValueTask AuthorizeAsync(Query message, Caller caller, CancellationToken ct) =>
            await CatalogAccess.ReadableAsync(db, message.WholesalerId, caller, ct);
    }

    public sealed class Handler(Db db) : IQueryHandler<Query, Page<CatalogItemDto>>
    {
        public async ValueTask<Page<CatalogItemDto>> Handle(Query query, CancellationToken ct)
        {
            var limit = query.Page.Size(Limits.PageLimitDefault);
            var after = query.Page.After(query.Scope);
            var code = query.CategoryCode.One();
            var country = query.OriginCountry.One();
            var where = new List<string> { "wholesaler_id = @wholesalerId" };
            if (code is not null) where.Add(CategoryFilter.Sql("category_code"));
            if (country is not null) where.Add("origin_country = @country");
            if (after is not null) where.Add("sku > @after");
            var sql = CatalogSql.Select + " WHERE " + string.Join(" AND ", where) + " ORDER BY sku" + db.Dialect.Limit("@take");
            await using var connection = await db.OpenAsync(ct);
            var rows = await connection.QueryAsync<CatalogItemDto>(new CommandDefinition(sql, new
            {
                wholesalerId = Guid.Parse(query.WholesalerId), code, codePrefix = CategoryFilter.Prefix(code), country, after,
                take = limit + 1,
            }, cancellationToken: ct));
            return Page<CatalogItemDto>.From(rows.Select(r => r.Canonical()).ToList(), limit, query.Scope, i => i.Sku);
        }
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapGet("", async (string wholesalerId, HttpRequest r, IMediator mediator, CancellationToken ct) =>
                Results.Ok(await mediator.Send(new Query(wholesalerId, r.Query["categoryCode"], r.Query["originCountry"],
                    PageArgs.From(r)), ct)))
            .Produces<Page<CatalogItemDto>>()
            .WithSummary("A wholesaler's catalog items ordered by sku (the wholesaler, its partner, admins); filters categoryCode=, originCountry=.");
}
