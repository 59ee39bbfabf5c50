using System.Data.Common;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Dapper;
using Marketplace.Api.Features.Catalogs;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Infrastructure.Catalog;
using Marketplace.Infrastructure.Database;

namespace Marketplace.Api.Tests.Catalog;

/// Catalog items for tests of what reads them (listing, analytics, matching): written straight
/// into `catalog_items` with one `catalog` change, as one import would leave them. The import
/// itself is tested through `POST /catalogs/{id}/items`.
public static class CatalogScenario
{
    public const string Ndjson = "application/x-ndjson";
    public const string Csv = "text/csv";

    /// `POST /catalogs/{id}/items` with a body as written (NDJSON or CSV).
    public static Task<HttpResponseMessage> ImportAsync(this HttpClient client, string wholesalerId, string body,
        string contentType = Ndjson, string query = "", string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/catalogs/{wholesalerId}/items{query}")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return client.SendAsync(request);
    }

    /// One NDJSON line per object.
    public static string NdjsonOf(params object[] rows) => string.Concat(rows.Select(r => JsonSerializer.Serialize(r) + "\n"));

    /// A valid NDJSON row; callers change or add properties on the dictionary.
    public static Dictionary<string, object?> Row(string sku, decimal price = 100m, long stock = 10, string categoryCode = "25.62.10") =>
        new()
        {
            ["sku"] = sku, ["name"] = $"Item {sku}", ["categoryCode"] = categoryCode, ["unit"] = "PCE", ["price"] = price,
            ["stock"] = stock, ["originCountry"] = "CN",
        };

    /// The wholesaler's stored items as the API shows them (CatalogSql), ordered by sku (ordinal).
    public static async Task<List<CatalogItemDto>> StoredItemsAsync(this ApiFactory api, string wholesalerId) =>
        (await api.QueryAsync<CatalogItemDto>(CatalogSql.Select + " WHERE wholesaler_id = @id", new { id = Guid.Parse(wholesalerId) }))
        .OrderBy(i => i.Sku, StringComparer.Ordinal).ToList();

    /// When each of the wholesaler's items was last written, ordered by sku (ordinal).
    public static async Task<List<DateTimeOffset>> UpdatedAtsAsync(this ApiFactory api, string wholesalerId) =>
        (await api.QueryAsync<(string Sku, DateTimeOffset UpdatedAt)>(
            "SELECT sku, updated_at FROM catalog_items WHERE wholesaler_id = @id", new { id = Guid.Parse(wholesalerId) }))
        .OrderBy(i => i.Sku, StringComparer.Ordinal).Select(i => i.UpdatedAt).ToList();

    public static CatalogItem Item(string sku, string categoryCode = "25.62.10", string unit = "PCE", decimal price = 100m,
        long stock = 1000, string originCountry = "RU", decimal? localShare = 0.9m, Guid? warehouseSiteId = null,
        string currency = "RUB", string? gtin = null, string? originRegionCode = null, string? name = null) =>
        new(sku, name ?? $"Item {sku}", categoryCode, unit, CatalogItem.Canonical(price), currency, stock, originCountry, gtin,
            originRegionCode, localShare is { } s ? CatalogItem.Canonical(s) : null, warehouseSiteId);

    /// Upserts the items of one wholesaler and records one `catalog` change, in one transaction.
    public static Task PutItemsAsync(this ApiFactory api, string wholesalerId, params CatalogItem[] items) =>
        InTransactionAsync(api, (connection, tx, dialect) =>
            UpsertAsync(connection, tx, dialect, Guid.Parse(wholesalerId), items, DateTimeOffset.UtcNow));

    /// Deletes items of one wholesaler by sku and records one `catalog` change, in one transaction,
    /// as `DELETE /catalogs/{id}/items/{sku}` (one sku) or a replacing import (several) would.
    public static Task RemoveItemsAsync(this ApiFactory api, string wholesalerId, params string[] skus) =>
        InTransactionAsync(api, (connection, tx, dialect) =>
            DeleteAsync(connection, tx, dialect, Guid.Parse(wholesalerId), skus, DateTimeOffset.UtcNow));

    private static async Task InTransactionAsync(ApiFactory api, Func<DbConnection, DbTransaction, Dialect, Task> write)
    {
        await using var db = api.OpenDb();
        await using var connection = await db.OpenAsync(CancellationToken.None);
        await using var tx = await db.BeginWriteAsync(connection, CancellationToken.None);
        await write(connection, tx, db.Dialect);
        await tx.CommitAsync();
    }

    /// The SQL of PutItemsAsync inside a caller's transaction (random supply writes many catalogs in one).
    public static async Task UpsertAsync(DbConnection connection, DbTransaction tx, Dialect dialect, Guid wholesalerId,
        IEnumerable<CatalogItem> items, DateTimeOffset now)
    {
        foreach (var item in items)
        {
            await connection.ExecuteAsync(
                "DELETE FROM catalog_items WHERE wholesaler_id = @id AND sku = @Sku", new { id = wholesalerId, item.Sku }, tx);
            await connection.ExecuteAsync("""
                INSERT INTO catalog_items (wholesaler_id, sku, name, category_code, unit, price, currency, stock, origin_country, gtin,
                                           origin_region_code, local_share, warehouse_site_id, updated_at)
                VALUES (@id, @Sku, @Name, @CategoryCode, @Unit, @Price, @Currency, @Stock, @OriginCountry, @Gtin, @OriginRegionCode,
                        @LocalShare, @WarehouseSiteId, @now)
                """, new
            {
                id = wholesalerId, item.Sku, item.Name, item.CategoryCode, item.Unit, item.Price, item.Currency, item.Stock,
                item.OriginCountry, item.Gtin, item.OriginRegionCode, item.LocalShare, item.WarehouseSiteId, now,
            }, tx);
        }
        await ChangeFeed.RecordAsync(connection, tx, dialect, ChangeKinds.Catalog, wholesalerId, now, CancellationToken.None);
    }

    /// The SQL of RemoveItemsAsync inside a caller's transaction.
    public static async Task DeleteAsync(DbConnection connection, DbTransaction tx, Dialect dialect, Guid wholesalerId,
        IEnumerable<string> skus, DateTimeOffset now)
    {
        foreach (var sku in skus)
            await connection.ExecuteAsync("DELETE FROM catalog_items WHERE wholesaler_id = @id AND sku = @sku", new { id = wholesalerId, sku }, tx);
        await ChangeFeed.RecordAsync(connection, tx, dialect, ChangeKinds.Catalog, wholesalerId, now, CancellationToken.None);
    }
}
