using System.Data;
using System.Data.Common;
using System.Globalization;
using Dapper;
using Marketplace.Infrastructure.Database;
using Microsoft.Data.Sqlite;

namespace Marketplace.Infrastructure.Catalog;

/// SQLite: rows stream into temporary tables (the connection's own temp database, so no lock on
/// the main database is held while the body arrives) through one prepared statement; the staging
/// table is keyed by sku, so a later valid row replaces an earlier one as it comes (last wins).
/// The merge then takes the write lock (BEGIN IMMEDIATE) for three set-based statements whose
/// change counts are the answer's: UPDATE of differing rows, INSERT of new ones, and for
/// `?mode=replace` DELETE of unnamed ones. Decimals are canonical text, so text equality is
/// equality by value.
internal sealed class SqliteCatalogStaging : CatalogStaging
{
    private readonly Db _db;
    private readonly SqliteConnection _connection;
    private SqliteTransaction? _staging;
    private DbTransaction? _merge;
    private readonly SqliteCommand _insert;
    private readonly SqliteParameter[] _values;
    private readonly SqliteCommand _seen;
    private readonly SqliteParameter _seenSku;

    private SqliteCatalogStaging(Db db, SqliteConnection connection)
    {
        _db = db;
        _connection = connection;
        Run("""
            DROP TABLE IF EXISTS temp.catalog_staging;
            DROP TABLE IF EXISTS temp.catalog_seen;
            CREATE TEMP TABLE catalog_staging (
                sku TEXT NOT NULL PRIMARY KEY, name TEXT NOT NULL, category_code TEXT NOT NULL, unit TEXT NOT NULL,
                price TEXT NOT NULL, currency TEXT NOT NULL, stock INTEGER NOT NULL, origin_country TEXT NOT NULL, gtin TEXT NULL,
                origin_region_code TEXT NULL, local_share TEXT NULL, warehouse_site_id TEXT NULL
            ) WITHOUT ROWID;
            CREATE TEMP TABLE catalog_seen (sku TEXT NOT NULL PRIMARY KEY) WITHOUT ROWID;
            """);
        _staging = connection.BeginTransaction(IsolationLevel.Serializable, deferred: true);
        _insert = connection.CreateCommand();
        _insert.Transaction = _staging;
        _values = new SqliteParameter[1 + ComparedColumns.Length];
        for (var i = 0; i < _values.Length; i++) _values[i] = _insert.Parameters.Add(new SqliteParameter { ParameterName = "$p" + i });
        _insert.CommandText = $"INSERT OR REPLACE INTO temp.catalog_staging (sku, {ItemColumns}) VALUES ("
            + string.Join(", ", _values.Select(v => v.ParameterName)) + ")";
        _insert.Prepare();
        _seen = connection.CreateCommand();
        _seen.Transaction = _staging;
        _seenSku = _seen.Parameters.Add(new SqliteParameter { ParameterName = "$sku" });
        _seen.CommandText = "INSERT OR IGNORE INTO temp.catalog_seen (sku) VALUES ($sku)";
        _seen.Prepare();
    }

    public static CatalogStaging Start(Db db, SqliteConnection connection) => new SqliteCatalogStaging(db, connection);

    public override ValueTask AddAsync(long line, CatalogItem item, CancellationToken ct)
    {
        var v = _values;
        v[0].Value = item.Sku;
        v[1].Value = item.Name;
        v[2].Value = item.CategoryCode;
        v[3].Value = item.Unit;
        v[4].Value = item.Price.ToString(CultureInfo.InvariantCulture);
        v[5].Value = item.Currency;
        v[6].Value = item.Stock;
        v[7].Value = item.OriginCountry;
        v[8].Value = (object?)item.Gtin ?? DBNull.Value;
        v[9].Value = (object?)item.OriginRegionCode ?? DBNull.Value;
        v[10].Value = item.LocalShare is { } share ? share.ToString(CultureInfo.InvariantCulture) : DBNull.Value;
        v[11].Value = item.WarehouseSiteId is { } site ? site.ToString("D") : DBNull.Value;
        _insert.ExecuteNonQuery();
        return ValueTask.CompletedTask;
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
        _staging!.Commit();
        _staging.Dispose();
        _staging = null;
        var tx = _merge = await _db.BeginWriteAsync(_connection, ct);
        var args = new { wholesalerId, now };
        var distinct = await _connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM temp.catalog_staging", transaction: tx, cancellationToken: ct));
        var updated = await Execute($"""
            UPDATE catalog_items AS c SET {string.Join(", ", ComparedColumns.Select(c => $"{c} = s.{c}"))}, updated_at = @now
            FROM temp.catalog_staging AS s
            WHERE c.wholesaler_id = @wholesalerId AND c.sku = s.sku
              AND ({string.Join(" OR ", ComparedColumns.Select(c => $"c.{c} IS NOT s.{c}"))})
            """);
        var inserted = await Execute($"""
            INSERT INTO catalog_items (wholesaler_id, sku, {ItemColumns}, updated_at)
            SELECT @wholesalerId, s.sku, {string.Join(", ", ComparedColumns.Select(c => "s." + c))}, @now
            FROM temp.catalog_staging AS s
            WHERE NOT EXISTS (SELECT 1 FROM catalog_items AS c WHERE c.wholesaler_id = @wholesalerId AND c.sku = s.sku)
            """);
        var deleted = replace
            ? await Execute("""
                DELETE FROM catalog_items WHERE wholesaler_id = @wholesalerId
                AND sku NOT IN (SELECT sku FROM temp.catalog_staging) AND sku NOT IN (SELECT sku FROM temp.catalog_seen)
                """)
            : 0;
        return (tx, new CatalogMergeCounts(distinct, inserted, updated, deleted));

        Task<int> Execute(string sql) => _connection.ExecuteAsync(new CommandDefinition(sql, args, tx, cancellationToken: ct));
    }

    public override async ValueTask DisposeAsync()
    {
        _insert.Dispose();
        _seen.Dispose();
        _staging?.Dispose();
        if (_merge is not null) await _merge.DisposeAsync();
        try
        {
            // Pooled connections keep their temp tables: drop them, outside any transaction.
            Run("DROP TABLE IF EXISTS temp.catalog_staging; DROP TABLE IF EXISTS temp.catalog_seen;");
        }
        catch (SqliteException) { /* the next import drops them first */ }
    }

    private void Run(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
