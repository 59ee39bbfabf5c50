using Dapper;
using Marketplace.Api.Common.Errors;
using Marketplace.Domain.Catalog;
using Marketplace.Infrastructure.Catalog;
using Marketplace.Infrastructure.Database;

namespace Marketplace.Api.Features.Catalogs;

/// api.md, Resources: one catalog item as the API shows it. Read by Dapper (init properties: the
/// providers return different CLR types for the same column).
public sealed record CatalogItemDto
{
    public string Sku { get; init; } = "";
    public string Name { get; init; } = "";
    public string CategoryCode { get; init; } = "";
    public string Unit { get; init; } = "";
    public decimal Price { get; init; }
    public string Currency { get; init; } = "";
    public long Stock { get; init; }
    public string OriginCountry { get; init; } = "";
    public string? Gtin { get; init; }
    public string? OriginRegionCode { get; init; }
    public decimal? LocalShare { get; init; }
    public Guid? WarehouseSiteId { get; init; }

    /// SQL Server's decimal(38, 10) comes back with ten decimals: answer 12.5, as it was imported.
    public CatalogItemDto Canonical() => this with
    {
        Price = CatalogItem.Canonical(Price),
        LocalShare = LocalShare is { } share ? CatalogItem.Canonical(share) : null,
    };
}

/// SQL shared by the catalog item slices.
public static class CatalogSql
{
    public const string Select = """
        SELECT sku AS Sku, name AS Name, category_code AS CategoryCode, unit AS Unit, price AS Price, currency AS Currency,
               stock AS Stock, origin_country AS OriginCountry, gtin AS Gtin, origin_region_code AS OriginRegionCode,
               local_share AS LocalShare, warehouse_site_id AS WarehouseSiteId
        FROM catalog_items
        """;

    /// The item the path names, else 404 (also for a sku no item can have).
    public static async Task<CatalogItemDto> GetAsync(Db db, Guid wholesalerId, string sku, CancellationToken ct)
    {
        if (!Sku.IsValid(sku)) throw ApiException.NotFound("catalog item");
        await using var connection = await db.OpenAsync(ct);
        var item = await connection.QuerySingleOrDefaultAsync<CatalogItemDto>(new CommandDefinition(
            Select + " WHERE wholesaler_id = @wholesalerId AND sku = @sku", new { wholesalerId, sku }, cancellationToken: ct));
        return item?.Canonical() ?? throw ApiException.NotFound("catalog item");
    }
}
