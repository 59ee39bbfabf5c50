using System.Data;
using System.Data.Common;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace Marketplace.Infrastructure.Catalog;

/// PostgreSQL: binary COPY into a temporary staging table inside the import's one transaction,
/// then `DISTINCT ON (sku)` keeps each sku's last valid line (ON CONFLICT cannot take a key
/// twice), and one `INSERT ... ON CONFLICT DO UPDATE ... WHERE <row differs> RETURNING (xmax = 0)`
/// tells inserted from updated (PostgreSQL 15 has no MERGE ... RETURNING); unchanged rows are not
/// rewritten. Decimals compare by value (numeric).
internal sealed class PostgresCatalogStaging : CatalogStaging
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _tx;
    private NpgsqlBinaryImporter? _copy;

    private PostgresCatalogStaging(NpgsqlConnection connection, NpgsqlTransaction tx, NpgsqlBinaryImporter copy)
    {
        _connection = connection;
        _tx = tx;
        _copy = copy;
    }

    public static async Task<CatalogStaging> StartAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var tx = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        await connection.ExecuteAsync(new CommandDefinition($"""
            CREATE TEMP TABLE catalog_staging (
                line bigint NOT NULL, valid boolean NOT NULL, sku text COLLATE "C" NOT NULL,
                name text, category_code text, unit text, price numeric, currency text, stock bigint, origin_country text,
                gtin text, origin_region_code text, local_share numeric, warehouse_site_id uuid
            ) ON COMMIT DROP
            """, transaction: tx, cancellationToken: ct));
        var copy = await connection.BeginBinaryImportAsync(
            $"COPY catalog_staging (line, valid, sku, {ItemColumns}) FROM STDIN (FORMAT BINARY)", ct);
        return new PostgresCatalogStaging(connection, tx, copy);
    }

    public override async ValueTask AddAsync(long line, CatalogItem item, CancellationToken ct)
    {
        var copy = _copy!;
        await copy.StartRowAsync(ct);
        copy.Write(line, NpgsqlDbType.Bigint);
        copy.Write(true, NpgsqlDbType.Boolean);
        copy.Write(item.Sku, NpgsqlDbType.Text);
        copy.Write(item.Name, NpgsqlDbType.Text);
        copy.Write(item.CategoryCode, NpgsqlDbType.Text);
        copy.Write(item.Unit, NpgsqlDbType.Text);
        copy.Write(item.Price, NpgsqlDbType.Numeric);
        copy.Write(item.Currency, NpgsqlDbType.Text);
        copy.Write(item.Stock, NpgsqlDbType.Bigint);
        copy.Write(item.OriginCountry, NpgsqlDbType.Text);
        WriteOrNull(copy, item.Gtin, NpgsqlDbType.Text);
        WriteOrNull(copy, item.OriginRegionCode, NpgsqlDbType.Text);
        if (item.LocalShare is { } share) copy.Write(share, NpgsqlDbType.Numeric);
        else copy.WriteNull();
        if (item.WarehouseSiteId is { } site) copy.Write(site, NpgsqlDbType.Uuid);
        else copy.WriteNull();
    }

    public override async ValueTask AddRejectedAsync(long line, string sku, CancellationToken ct)
    {
        var copy = _copy!;
        await copy.StartRowAsync(ct);
        copy.Write(line, NpgsqlDbType.Bigint);
        copy.Write(false, NpgsqlDbType.Boolean);
        copy.Write(sku, NpgsqlDbType.Text);
        for (var i = 0; i < ComparedColumns.Length; i++) copy.WriteNull();
    }

    private static void WriteOrNull(NpgsqlBinaryImporter copy, string? value, NpgsqlDbType type)
    {
        if (value is null) copy.WriteNull();
        else copy.Write(value, type);
    }

    public override async Task<(DbTransaction Transaction, CatalogMergeCounts Counts)> MergeAsync(
        Guid wholesalerId, bool replace, DateTimeOffset now, CancellationToken ct)
    {
        await _copy!.CompleteAsync(ct);
        await _copy.DisposeAsync();
        _copy = null;
        // One import of a catalog merges at a time (a second waits, up to lock_timeout: 503).
        await Execute("SELECT 1 FROM companies WHERE id = @wholesalerId FOR NO KEY UPDATE");
        await Execute($"""
            ANALYZE catalog_staging;
            CREATE TEMP TABLE catalog_last ON COMMIT DROP AS
                SELECT DISTINCT ON (sku) sku, {ItemColumns} FROM catalog_staging WHERE valid ORDER BY sku, line DESC;
            """);
        var differs = $"({string.Join(", ", ComparedColumns.Select(c => "c." + c))}) IS DISTINCT FROM "
            + $"({string.Join(", ", ComparedColumns.Select(c => "EXCLUDED." + c))})";
        var counts = await _connection.QuerySingleAsync<(long Distinct, long Inserted, long Updated)>(new CommandDefinition($"""
            WITH upserted AS (
                INSERT INTO catalog_items AS c (wholesaler_id, sku, {ItemColumns}, updated_at)
                SELECT @wholesalerId, sku, {ItemColumns}, @now FROM catalog_last
                ON CONFLICT (wholesaler_id, sku) DO UPDATE SET
                    {string.Join(", ", ComparedColumns.Select(c => $"{c} = EXCLUDED.{c}"))}, updated_at = EXCLUDED.updated_at
                WHERE {differs}
                RETURNING (xmax = 0) AS inserted)
            SELECT (SELECT count(*) FROM catalog_last), count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted)
            FROM upserted
            """, new { wholesalerId, now }, _tx, cancellationToken: ct));
        var deleted = replace
            ? await Execute("""
                DELETE FROM catalog_items c WHERE c.wholesaler_id = @wholesalerId
                AND NOT EXISTS (SELECT 1 FROM catalog_staging s WHERE s.sku = c.sku)
                """)
            : 0;
        return (_tx, new CatalogMergeCounts(counts.Distinct, counts.Inserted, counts.Updated, deleted));

        Task<int> Execute(string sql) =>
            _connection.ExecuteAsync(new CommandDefinition(sql, new { wholesalerId }, _tx, cancellationToken: ct));
    }

    public override async ValueTask DisposeAsync()
    {
        if (_copy is not null)
        {
            try { await _copy.DisposeAsync(); } // cancels the COPY
            catch (Exception) { /* the transaction rolls back below */ }
        }
        await _tx.DisposeAsync();
    }
}
