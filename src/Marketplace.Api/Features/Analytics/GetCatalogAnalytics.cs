using Dapper;
using FluentValidation;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Paging;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Api.Features.Catalogs;
using Marketplace.Domain.Companies;
using Marketplace.Domain.Reference;
using Marketplace.Infrastructure.Catalog;
using Marketplace.Infrastructure.Database;
using Mediator;
using Microsoft.Extensions.Primitives;

namespace Marketplace.Api.Features.Analytics;

/// api.md "Catalogs", last bullet: how much of a wholesaler's catalog is Russian-made, and which
/// imports local SMEs could replace. Readings of what api.md leaves open: docs/adr/0008.
public static class GetCatalogAnalytics
{
    public sealed record Category(string CategoryCode, long ImportedItemCount, decimal ImportedStockValue, long SubstitutableItemCount);

    public sealed record Report(long ItemCount, long RuItemCount, double? RuItemShare, decimal StockValue, decimal RuStockValue,
        double? RuStockValueShare, IReadOnlyList<Category> Categories);

    public sealed record Query(string WholesalerId, StringValues Currency) : IQuery<Report>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator(ReferenceData reference) =>
            this.AddFilterRule("currency", x => x.Currency, reference.IsCurrency, "currency must be an active ISO 4217 code.");
    }

    public sealed class Authorizer(Db db) : IAuthorizer<Query>
    {
        public async ValueTask AuthorizeAsync(Query message, Caller caller, CancellationToken ct) =>
            await CatalogAccess.ReadableAsync(db, message.WholesalerId, caller, ct);
    }

    // (category group, unit, cluster) that an active SME supplier other than the wholesaler offers,
    // in the clusters of the wholesaler's own sites (the only clusters its warehouse sites can be in).
    // Every valid category code starts with its group: two digits, a dot, two digits.
    private const string SupplySql = """
        SELECT DISTINCT SUBSTRING(k.category_code, 1, 5) AS CategoryGroup, k.unit AS Unit, s.cluster_id AS ClusterId
        FROM capabilities k
        JOIN sites s ON s.id = k.site_id
        JOIN companies c ON c.id = k.company_id
        WHERE s.cluster_id IN (SELECT ws.cluster_id FROM sites ws WHERE ws.company_id = @wholesalerId)
          AND c.id <> @wholesalerId AND c.active = @active AND (c.roles & @supplier) <> 0
          AND c.size IN ('micro', 'small', 'medium')
        """;

    // Items grouped by everything the report needs except money, plus the price: SUM(stock) is an
    // exact integer everywhere, while SQLite's SUM over decimals kept as text would be a REAL. The
    // money (price x stock) is summed in C# decimal, row group by row group, without a list.
    // The derived table keeps the parameter out of GROUP BY (SQL Server matches expressions poorly).
    private const string ItemsSql = """
        SELECT x.CategoryGroup, x.Unit, x.ClusterId, x.Ru, x.Price, COUNT(*) AS Items, SUM(x.Stock) AS Stock
        FROM (SELECT SUBSTRING(i.category_code, 1, 5) AS CategoryGroup, i.unit AS Unit, ws.cluster_id AS ClusterId,
                     CASE WHEN i.origin_country = 'RU' THEN 1 ELSE 0 END AS Ru,
                     CASE WHEN i.currency = @currency THEN i.price END AS Price, i.stock AS Stock
              FROM catalog_items i LEFT JOIN sites ws ON ws.id = i.warehouse_site_id
              WHERE i.wholesaler_id = @wholesalerId) x
        GROUP BY x.CategoryGroup, x.Unit, x.ClusterId, x.Ru, x.Price
        """;

    public sealed class Handler(Db db) : IQueryHandler<Query, Report>
    {
        public async ValueTask<Report> Handle(Query query, CancellationToken ct)
        {
            var wholesalerId = Guid.Parse(query.WholesalerId);
            var currency = query.Currency.One() ?? "RUB";
            await using var connection = await db.OpenAsync(ct);
            var supply = (await connection.QueryAsync<SupplyRow>(new CommandDefinition(SupplySql,
                    new { wholesalerId, active = true, supplier = (int)CompanyRole.Supplier }, cancellationToken: ct)))
                .Select(r => (r.CategoryGroup, r.Unit, r.ClusterId)).ToHashSet();

            long items = 0, ruItems = 0;
            decimal value = 0, ruValue = 0;
            var categories = new Dictionary<string, (long Imported, decimal ImportedValue, long Substitutable)>(StringComparer.Ordinal);
            // Unbuffered: one row group at a time, however large the catalog.
            await foreach (var g in connection.QueryUnbufferedAsync<GroupRow>(ItemsSql, new { wholesalerId, currency }).WithCancellation(ct))
            {
                var groupValue = g.Price is { } price ? price * g.Stock : 0m;
                items += g.Items;
                value += groupValue;
                if (g.Ru == 1)
                {
                    ruItems += g.Items;
                    ruValue += groupValue;
                    continue;
                }
                var substitutable = g.ClusterId is { } cluster && supply.Contains((g.CategoryGroup, g.Unit, cluster));
                var (imported, importedValue, substitutes) = categories.GetValueOrDefault(g.CategoryGroup);
                categories[g.CategoryGroup] = (imported + g.Items, importedValue + groupValue, substitutes + (substitutable ? g.Items : 0));
            }
            return new Report(items, ruItems, items == 0 ? null : (double)ruItems / items,
                CatalogItem.Canonical(value), CatalogItem.Canonical(ruValue), value == 0 ? null : (double)(ruValue / value),
                categories.Select(c => new Category(c.Key, c.Value.Imported, CatalogItem.Canonical(c.Value.ImportedValue), c.Value.Substitutable))
                    .OrderByDescending(c => c.ImportedStockValue).ThenBy(c => c.CategoryCode, StringComparer.Ordinal).ToList());
        }
    }

    private sealed class SupplyRow
    {
        public string CategoryGroup { get; init; } = "";
        public string Unit { get; init; } = "";
        public Guid ClusterId { get; init; }
    }

    private sealed class GroupRow
    {
        public string CategoryGroup { get; init; } = "";
        public string Unit { get; init; } = "";
        public Guid? ClusterId { get; init; }
        public int Ru { get; init; }
        public decimal? Price { get; init; }
        public long Items { get; init; }
        public decimal Stock { get; init; }
    }

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/analytics/catalog/{wholesalerId}", async (string wholesalerId, HttpRequest r, IMediator mediator,
                CancellationToken ct) => Results.Ok(await mediator.Send(new Query(wholesalerId, r.Query["currency"]), ct)))
            .WithTags("Analytics")
            .Produces<Report>()
            .WithSummary("Russian-made share, stock value and substitutable imports of a wholesaler's catalog (the wholesaler, admins).");
}
