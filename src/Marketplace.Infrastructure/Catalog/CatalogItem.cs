namespace Marketplace.Infrastructure.Catalog;

/// One valid catalog row (api.md "Catalogs"): units upper-cased, currency defaulted to RUB.
/// Whether `WarehouseSiteId` names a site of the importing wholesaler needs the database, so the
/// import checks it later. Decimals are canonical (`Canonical`: no trailing zeros), and record
/// equality compares them by value (1.0 == 1.00) anyway, as api.md's "unchanged" does.
public sealed record CatalogItem(
    string Sku,
    string Name,
    string CategoryCode,
    string Unit,
    decimal Price,
    string Currency,
    long Stock,
    string OriginCountry,
    string? Gtin,
    string? OriginRegionCode,
    decimal? LocalShare,
    Guid? WarehouseSiteId)
{
    /// The value with no trailing zeros (12.50 -> 12.5, 1.00 -> 1), so that stores keeping decimals
    /// as text (SQLite) compare them by value.
    public static decimal Canonical(decimal value) => value / 1.000000000000000000000000000000000m;
}
