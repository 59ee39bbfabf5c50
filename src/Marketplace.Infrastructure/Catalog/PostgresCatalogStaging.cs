using System.Data;
using System.Data.Common;
using Dapper;
using Npgsql;

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
///
/// A wholesaler's first import (its catalog empty) goes straight into `catalog_items` instead: its
/// rows can only be new, so the server builds the primary key's index while the body streams, in
/// parallel with the parsing, rather than in an INSERT after it. That takes the catalog's lock
/// (the company row) at the start, and only when it is free (SKIP LOCKED), so an import never waits
/// behind another's body here. A sku the body repeats (an exact set of 64-bit sku hashes tells;
/// a collision only costs the fast path) switches the rest of the body to the staging table, and
/// the merge then applies it over the rows already written: the later line wins. As the catalog
/// was empty under the lock, every distinct sku is inserted and `?mode=replace` deletes nothing.
internal sealed class PostgresCatalogStaging : CatalogStaging
{
    private const string MergeWorkMem = "128MB";

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _tx;
    private readonly Guid _wholesalerId;
    private readonly DateTimeOffset _now;
    private PgBinaryCopyWriter? _copy;
    private readonly RepeatedSkuFilter _repeats = new();
    private long _valid;
    // The direct path: the hashes of the skus written so far (null once staging), and how many.
    private HashSet<ulong>? _direct;
    private readonly bool _startedDirect;
    private long _directRows;
    // The fields of a row of either COPY: (wholesaler_id, sku, items, updated_at) or (line, valid, sku, items).
    private static readonly short RowFields = (short)(ComparedColumns.Length + 3);

    private PostgresCatalogStaging(NpgsqlConnection connection, NpgsqlTransaction tx, Guid wholesalerId, DateTimeOffset now, bool direct)
    {
        _connection = connection;
        _tx = tx;
        _wholesalerId = wholesalerId;
        _now = now;
        _startedDirect = direct;
        if (direct) _direct = [];
    }

    public static async Task<CatalogStaging> StartAsync(NpgsqlConnection connection, Guid wholesalerId, DateTimeOffset now,
        CancellationToken ct)
    {
        var tx = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        var locked = await connection.ExecuteScalarAsync<int?>(new CommandDefinition(
            "SELECT 1 FROM companies WHERE id = @wholesalerId FOR NO KEY UPDATE SKIP LOCKED", new { wholesalerId }, tx,
            cancellationToken: ct)) is not null;
        // Read under the lock: no other import can fill the catalog before this one commits.
        var direct = locked && !await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM catalog_items WHERE wholesaler_id = @wholesalerId)", new { wholesalerId }, tx,
            cancellationToken: ct));
        var staging = new PostgresCatalogStaging(connection, tx, wholesalerId, now, direct);
        try
        {
            if (direct)
                staging._copy = await PgBinaryCopyWriter.StartAsync(connection,
                    $"COPY catalog_items (wholesaler_id, sku, {ItemColumns}, updated_at) FROM STDIN (FORMAT BINARY)", ct);
            else await staging.StartStagingAsync(ct);
            return staging;
        }
        catch
        {
            await staging.DisposeAsync();
            throw;
        }
    }

    private async Task StartStagingAsync(CancellationToken ct)
    {
        await _connection.ExecuteAsync(new CommandDefinition($"""
            CREATE TEMP TABLE catalog_staging (
                line bigint NOT NULL, valid boolean NOT NULL, sku text COLLATE "C" NOT NULL,
                name text, category_code text, unit text, price numeric, currency text, stock bigint, origin_country text,
                gtin text, origin_region_code text, local_share numeric, warehouse_site_id uuid
            ) ON COMMIT DROP
            """, transaction: _tx, cancellationToken: ct));
        _copy = await PgBinaryCopyWriter.StartAsync(_connection,
            $"COPY catalog_staging (line, valid, sku, {ItemColumns}) FROM STDIN (FORMAT BINARY)", ct);
    }

    // The rest of the body goes to the staging table (a repeated sku, or one whose hash collided).
    private async Task SwitchToStagingAsync(CancellationToken ct)
    {
        _direct = null;
        await _copy!.CompleteAsync(ct);
        await _copy.DisposeAsync();
        _copy = null;
        await StartStagingAsync(ct);
    }

    public override async ValueTask AddAsync(long line, CatalogItem item, CancellationToken ct)
    {
        _valid++;
        if (_direct is not null)
        {
            if (_direct.Add(Hash64(item.Sku)))
            {
                _directRows++;
                var direct = _copy!;
                await direct.StartRowAsync(RowFields, ct);
                direct.Write(_wholesalerId);
                direct.Write(item.Sku);
                WriteItemColumns(direct, item);
                direct.Write(_now);
                return;
            }
            await SwitchToStagingAsync(ct);
        }
        _repeats.Add(item.Sku);
        var copy = _copy!;
        await copy.StartRowAsync(RowFields, ct);
        copy.Write(line);
        copy.Write(true);
        copy.Write(item.Sku);
        WriteItemColumns(copy, item);
    }

    // FNV-1a over the UTF-16 code units, then mixed: 64 bits, so that a million distinct skus
    // collide with a chance of about 3e-8 (and a collision only leaves the direct path).
    private static ulong Hash64(string sku)
    {
        var h = 14695981039346656037UL;
        foreach (var c in sku) h = (h ^ c) * 1099511628211UL;
        return (h ^ (h >> 29)) * 0xBF58476D1CE4E5B9UL;
    }

    /// The `ItemColumns` of an item, in that order (text, numeric, bigint and uuid columns).
    private static void WriteItemColumns(PgBinaryCopyWriter copy, CatalogItem item)
    {
        copy.Write(item.Name);
        copy.Write(item.CategoryCode);
        copy.Write(item.Unit);
        copy.Write(item.Price);
        copy.Write(item.Currency);
        copy.Write(item.Stock);
        copy.Write(item.OriginCountry);
        copy.WriteOrNull(item.Gtin);
        copy.WriteOrNull(item.OriginRegionCode);
        copy.WriteOrNull(item.LocalShare);
        copy.WriteOrNull(item.WarehouseSiteId);
    }

    public override async ValueTask AddRejectedAsync(long line, string sku, CancellationToken ct)
    {
        // An empty catalog has nothing for `?mode=replace` to keep.
        if (_startedDirect) return;
        var copy = _copy!;
        await copy.StartRowAsync(RowFields, ct);
        copy.Write(line);
        copy.Write(false);
        copy.Write(sku);
        for (var i = 0; i < ComparedColumns.Length; i++) copy.WriteNull();
    }

    public override async Task<(DbTransaction Transaction, CatalogMergeCounts Counts)> MergeAsync(
        Guid wholesalerId, bool replace, DateTimeOffset now, CancellationToken ct)
    {
        await _copy!.CompleteAsync(ct);
        await _copy.DisposeAsync();
        _copy = null;
        if (_direct is not null) return (_tx, new CatalogMergeCounts(_directRows, _directRows, 0, 0));
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
        if (_startedDirect)
        {
            // Every row in the catalog is this body's: an UPDATE above replaced an earlier line of it.
            var written = _directRows + inserted;
            return (_tx, new CatalogMergeCounts(written, written, 0, 0));
        }
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
