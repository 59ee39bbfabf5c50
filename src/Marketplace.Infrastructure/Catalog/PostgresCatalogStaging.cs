using System.Data;
using System.Data.Common;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace Marketplace.Infrastructure.Catalog;

/// PostgreSQL: binary COPY into a temporary staging table inside the import's one transaction,
/// then a set-based merge. UPDATE ... FROM cannot take a sku twice, so first the earlier valid
/// lines of any repeated sku are deleted from the staging table (last wins), grouping only the
/// skus RepeatedSkuFilter saw as possible repeats rather than sorting or hashing every row. Then
/// an `UPDATE ... FROM` of the rows that differ and an `INSERT` of the skus the catalog lacks:
/// each statement's row count is the answer's, and unchanged rows are neither rewritten nor
/// locked (an `INSERT ... ON CONFLICT DO UPDATE ... WHERE` locks every conflicting row, which
/// dirtied the whole catalog on a re-import). Imports of one catalog are serialized by the company
/// row lock and nothing else inserts catalog items, so the INSERT cannot meet a sku that appeared
/// after the UPDATE. Decimals compare by value (numeric).
internal sealed class PostgresCatalogStaging : CatalogStaging
{
    private const string MergeWorkMem = "128MB";

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _tx;
    private NpgsqlBinaryImporter? _copy;
    private readonly RepeatedSkuFilter _repeats = new();
    private long _valid;

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
        _valid++;
        _repeats.Add(item.Sku);
        var copy = _copy!;
        await copy.StartRowAsync(ct);
        copy.Write(line, NpgsqlDbType.Bigint);
        copy.Write(true, NpgsqlDbType.Boolean);
        copy.Write(item.Sku, NpgsqlDbType.Text);
        WriteItemColumns(copy, item);
    }

    /// The `ItemColumns` of an item, in that order (also the import benchmark's raw COPY).
    internal static void WriteItemColumns(NpgsqlBinaryImporter copy, CatalogItem item)
    {
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
        // The joins of 1M-row catalogs hash in memory instead of in batches spilled to disk. No
        // ANALYZE of the staging table: it took seconds and left the plans as they were.
        await Execute($"SET LOCAL work_mem = '{MergeWorkMem}'");
        var distinct = _valid;
        var candidates = _repeats.Candidates;
        if (candidates is not { Count: 0 })
        {
            var only = candidates is null ? "" : "AND sku = ANY(@candidates)";
            distinct -= await _connection.ExecuteAsync(new CommandDefinition($"""
                DELETE FROM catalog_staging AS s
                USING (SELECT sku, max(line) AS line FROM catalog_staging WHERE valid {only} GROUP BY sku HAVING count(*) > 1) AS last
                WHERE s.valid AND s.sku = last.sku AND s.line < last.line
                """, new { candidates = candidates?.ToArray() }, _tx, cancellationToken: ct));
        }
        const string source = "(SELECT * FROM catalog_staging WHERE valid)";
        var differs = $"({string.Join(", ", ComparedColumns.Select(c => "c." + c))}) IS DISTINCT FROM "
            + $"({string.Join(", ", ComparedColumns.Select(c => "s." + c))})";
        var updated = await Execute($"""
            UPDATE catalog_items AS c SET {string.Join(", ", ComparedColumns.Select(c => $"{c} = s.{c}"))}, updated_at = @now
            FROM {source} AS s
            WHERE c.wholesaler_id = @wholesalerId AND c.sku = s.sku AND {differs}
            """);
        var inserted = await Execute($"""
            INSERT INTO catalog_items (wholesaler_id, sku, {ItemColumns}, updated_at)
            SELECT @wholesalerId, s.sku, {string.Join(", ", ComparedColumns.Select(c => "s." + c))}, @now FROM {source} AS s
            WHERE NOT EXISTS (SELECT 1 FROM catalog_items AS c WHERE c.wholesaler_id = @wholesalerId AND c.sku = s.sku)
            """);
        var deleted = replace
            ? await Execute("""
                DELETE FROM catalog_items c WHERE c.wholesaler_id = @wholesalerId
                AND NOT EXISTS (SELECT 1 FROM catalog_staging s WHERE s.sku = c.sku)
                """)
            : 0;
        return (_tx, new CatalogMergeCounts(distinct, inserted, updated, deleted));

        Task<int> Execute(string sql) =>
            _connection.ExecuteAsync(new CommandDefinition(sql, new { wholesalerId, now }, _tx, cancellationToken: ct));
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
