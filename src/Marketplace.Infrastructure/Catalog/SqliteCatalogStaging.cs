using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Marketplace.Infrastructure.Database;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using SQLitePCL;

namespace Marketplace.Infrastructure.Catalog;

/// SQLite: valid rows are appended, in body order, to a temporary table (the connection's own
/// temp database, so no lock on the main database is held while the body arrives) keyed by the
/// body's line: appends are cheap where a table keyed by sku took a B-tree search (and, for a
/// repeated sku, a delete) per row. Rejected skus go to `catalog_seen` for `?mode=replace`.
/// Before the write lock, the earlier lines of any repeated sku are deleted (last wins), grouping
/// only the skus RepeatedSkuFilter saw as possible repeats. The merge then takes the write lock
/// (BEGIN IMMEDIATE) for set-based statements whose change counts are the answer's: UPDATE of
/// differing rows, INSERT of new ones (in sku order, so they append to the primary key's
/// B-tree), and for `?mode=replace` DELETE of unnamed ones. Decimals are canonical text, so text
/// equality is equality by value.
internal sealed class SqliteCatalogStaging : CatalogStaging
{
    // Page caches (KiB) of the import's connection while it runs, restored afterwards (the
    // connection is pooled): the 1M-row staging table is read back by the de-duplication and the
    // merge, and the merge's pages are written once each instead of spilling SQLite's default 2 MB.
    private const int TempCacheKiB = 16 * 1024;
    private const int MainCacheKiB = 16 * 1024;

    private readonly Db _db;
    private readonly SqliteConnection _connection;
    private SqliteTransaction? _staging;
    private DbTransaction? _merge;
    // The append statement, prepared and bound through SQLitePCL directly: a SqliteCommand boxes
    // every value into a parameter and opens a data reader per ExecuteNonQuery, which cost more
    // than SQLite's own work for a 12-column row.
    private sqlite3_stmt? _append;
    private readonly SqliteCommand _seen;
    private readonly SqliteParameter _seenSku;
    private readonly RepeatedSkuFilter _repeats = new();
    private readonly long _mainCache, _tempCache, _autoCheckpoint;
    private long _valid;
    private string? _lastSku;
    private long _descents; // valid rows whose sku sorts before the previous one's

    private SqliteCatalogStaging(Db db, SqliteConnection connection)
    {
        _db = db;
        _connection = connection;
        Run("""
            DROP TABLE IF EXISTS temp.catalog_staging;
            DROP TABLE IF EXISTS temp.catalog_seen;
            DROP TABLE IF EXISTS temp.catalog_last;
            CREATE TEMP TABLE catalog_staging (
                line INTEGER PRIMARY KEY, sku TEXT NOT NULL, name TEXT NOT NULL, category_code TEXT NOT NULL, unit TEXT NOT NULL,
                price TEXT NOT NULL, currency TEXT NOT NULL, stock INTEGER NOT NULL, origin_country TEXT NOT NULL, gtin TEXT NULL,
                origin_region_code TEXT NULL, local_share TEXT NULL, warehouse_site_id TEXT NULL
            );
            CREATE TEMP TABLE catalog_seen (sku TEXT NOT NULL PRIMARY KEY) WITHOUT ROWID;
            """);
        _mainCache = Scalar("PRAGMA main.cache_size");
        _tempCache = Scalar("PRAGMA temp.cache_size");
        _autoCheckpoint = Scalar("PRAGMA wal_autocheckpoint");
        // The merge's commit skips the automatic checkpoint: see Committed.
        Run($"PRAGMA main.cache_size = {-MainCacheKiB}; PRAGMA temp.cache_size = {-TempCacheKiB}; PRAGMA wal_autocheckpoint = 0;");
        _staging = connection.BeginTransaction(IsolationLevel.Serializable, deferred: true);
        Check(raw.sqlite3_prepare_v2(connection.Handle, $"INSERT INTO temp.catalog_staging (line, sku, {ItemColumns}) VALUES "
            + "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)", out var append));
        _append = append;
        _seen = connection.CreateCommand();
        _seen.Transaction = _staging;
        _seenSku = _seen.Parameters.Add(new SqliteParameter { ParameterName = "$sku" });
        _seen.CommandText = "INSERT OR IGNORE INTO temp.catalog_seen (sku) VALUES ($sku)";
        _seen.Prepare();
    }

    public static CatalogStaging Start(Db db, SqliteConnection connection) => new SqliteCatalogStaging(db, connection);

    public override ValueTask AddAsync(long line, CatalogItem item, CancellationToken ct)
    {
        _valid++;
        _repeats.Add(item.Sku);
        if (_lastSku is not null && string.CompareOrdinal(_lastSku, item.Sku) > 0) _descents++;
        _lastSku = item.Sku;
        var s = _append!;
        // Decimals and the site id are formatted on the stack; SQLite copies every text it binds.
        Span<char> buffer = stackalloc char[64];
        raw.sqlite3_bind_int64(s, 1, line);
        Text(s, 2, item.Sku);
        Text(s, 3, item.Name);
        Text(s, 4, item.CategoryCode);
        Text(s, 5, item.Unit);
        item.Price.TryFormat(buffer, out var n, default, CultureInfo.InvariantCulture);
        raw.sqlite3_bind_text16(s, 6, buffer[..n]);
        Text(s, 7, item.Currency);
        raw.sqlite3_bind_int64(s, 8, item.Stock);
        Text(s, 9, item.OriginCountry);
        Text(s, 10, item.Gtin);
        Text(s, 11, item.OriginRegionCode);
        if (item.LocalShare is { } share && share.TryFormat(buffer, out n, default, CultureInfo.InvariantCulture))
            raw.sqlite3_bind_text16(s, 12, buffer[..n]);
        else raw.sqlite3_bind_null(s, 12);
        if (item.WarehouseSiteId is { } site && site.TryFormat(buffer, out n, "D")) raw.sqlite3_bind_text16(s, 13, buffer[..n]);
        else raw.sqlite3_bind_null(s, 13);
        var rc = raw.sqlite3_step(s);
        raw.sqlite3_reset(s);
        if (rc != raw.SQLITE_DONE) Check(rc);
        return ValueTask.CompletedTask;

        static void Text(sqlite3_stmt s, int index, string? value)
        {
            if (value is null) raw.sqlite3_bind_null(s, index);
            else raw.sqlite3_bind_text16(s, index, value);
        }
    }

    public override ValueTask AddRejectedAsync(long line, string sku, CancellationToken ct)
    {
        _seenSku.Value = sku;
        _seen.ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    public override async Task<(DbTransaction Transaction, CatalogMergeCounts Counts)> MergeAsync(
        Guid wholesalerId, bool replace, DateTimeOffset now, CancellationToken ct)
    {
        _append!.Dispose();
        _append = null;
        // Last wins, still outside the write lock: only the candidates' lines are grouped (all
        // skus when RepeatedSkuFilter gave up on listing them), and only the earlier lines of a
        // sku seen more than once are deleted.
        var distinct = _valid;
        var candidates = _repeats.Candidates;
        if (candidates is not { Count: 0 })
        {
            var only = candidates is null ? "" : "WHERE sku IN (SELECT value FROM json_each(@candidates))";
            await Staged($"""
                CREATE TEMP TABLE catalog_last (sku TEXT NOT NULL PRIMARY KEY, line INTEGER NOT NULL) WITHOUT ROWID;
                INSERT INTO temp.catalog_last (sku, line)
                SELECT sku, max(line) FROM temp.catalog_staging {only} GROUP BY sku HAVING count(*) > 1;
                """, new { candidates = candidates is null ? null : JsonSerializer.Serialize(candidates) });
            distinct -= await Staged("""
                DELETE FROM temp.catalog_staging
                WHERE EXISTS (SELECT 1 FROM temp.catalog_last)
                  AND line < (SELECT l.line FROM temp.catalog_last AS l WHERE l.sku = catalog_staging.sku)
                """, null);
        }
        _staging!.Commit();
        _staging.Dispose();
        _staging = null;

        var tx = _merge = await _db.BeginWriteAsync(_connection, ct);
        var args = new { wholesalerId, now };
        // A wholesaler's first import has nothing to update or to look up.
        var empty = !await _connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM catalog_items WHERE wholesaler_id = @wholesalerId)", args, tx, cancellationToken: ct));
        var updated = empty ? 0 : await Execute($"""
            UPDATE catalog_items AS c SET {string.Join(", ", ComparedColumns.Select(c => $"{c} = s.{c}"))}, updated_at = @now
            FROM temp.catalog_staging AS s
            WHERE c.wholesaler_id = @wholesalerId AND c.sku = s.sku
              AND ({string.Join(" OR ", ComparedColumns.Select(c => $"c.{c} IS NOT s.{c}"))})
            """);
        // In sku order the new rows append to the primary key's B-tree instead of splitting pages
        // all over it. A body (nearly) in sku order, counted as it streamed, is inserted as it came:
        // a sort of every row costs more than the few misplaced ones (e.g. SKU-999999 then
        // SKU-1000000, which sorts first).
        var sorted = _descents * 100 <= _valid;
        var inserted = await Execute($"""
            INSERT INTO catalog_items (wholesaler_id, sku, {ItemColumns}, updated_at)
            SELECT @wholesalerId, s.sku, {string.Join(", ", ComparedColumns.Select(c => "s." + c))}, @now
            FROM temp.catalog_staging AS s
            {(empty ? "" : "WHERE NOT EXISTS (SELECT 1 FROM catalog_items AS c WHERE c.wholesaler_id = @wholesalerId AND c.sku = s.sku)")}
            {(sorted ? "" : "ORDER BY s.sku")}
            """);
        var deleted = replace && !empty
            ? await Execute("""
                DELETE FROM catalog_items WHERE wholesaler_id = @wholesalerId
                AND sku NOT IN (SELECT sku FROM temp.catalog_staging) AND sku NOT IN (SELECT sku FROM temp.catalog_seen)
                """)
            : 0;
        return (tx, new CatalogMergeCounts(distinct, inserted, updated, deleted));

        Task<int> Execute(string sql) => _connection.ExecuteAsync(new CommandDefinition(sql, args, tx, cancellationToken: ct));
        Task<int> Staged(string sql, object? param) =>
            _connection.ExecuteAsync(new CommandDefinition(sql, param, _staging, cancellationToken: ct));
    }

    /// Copying a large merge's pages from the WAL into the database (the commit's automatic
    /// checkpoint) took seconds the answer need not wait for: it runs now on another connection.
    /// Readers read the WAL meanwhile, and other writers' automatic checkpoints find it busy and skip.
    public override void Committed(ILogger logger)
    {
        var db = _db;
        _ = Task.Run(async () =>
        {
            try
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                await using var connection = await db.OpenAsync(CancellationToken.None);
                var (busy, frames, copied) = await connection.QuerySingleAsync<(long, long, long)>("PRAGMA wal_checkpoint(PASSIVE)");
                logger.LogInformation("Checkpoint after a catalog import: {Copied} of {Frames} WAL frames copied in {Milliseconds:F0} ms",
                    copied, frames, clock.Elapsed.TotalMilliseconds);
            }
            catch (Exception e)
            {
                // The next commits' automatic checkpoints do it instead.
                logger.LogWarning(e, "Checkpoint after a catalog import failed");
            }
        });
    }

    public override async ValueTask DisposeAsync()
    {
        _append?.Dispose();
        _seen.Dispose();
        _staging?.Dispose();
        if (_merge is not null) await _merge.DisposeAsync();
        try
        {
            // Pooled connections keep their temp tables and settings: drop and restore them,
            // outside any transaction.
            Run($"""
                DROP TABLE IF EXISTS temp.catalog_staging; DROP TABLE IF EXISTS temp.catalog_seen;
                DROP TABLE IF EXISTS temp.catalog_last;
                PRAGMA main.cache_size = {_mainCache}; PRAGMA temp.cache_size = {_tempCache};
                PRAGMA wal_autocheckpoint = {_autoCheckpoint};
                """);
        }
        catch (SqliteException) { /* the next import drops them first */ }
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
    }

    private void Run(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private long Scalar(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
