namespace Marketplace.Infrastructure.Catalog;

/// One valid catalog row (api.md "Catalogs"): units upper-cased, currency defaulted to RUB.
/// Whether `WarehouseSiteId` names a site of the importing wholesaler needs the database, so the
/// import checks it later. Record equality compares decimals by value (1.0 == 1.00), as
/// api.md's "unchanged" does.
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
    Guid? WarehouseSiteId);
