using System.Data;
using System.Data.Common;
using Dapper;
using Microsoft.Data.SqlClient;

namespace Marketplace.Infrastructure.Catalog;

/// SQL Server (best effort, unverified here): rows go to a #temp staging table with SqlBulkCopy
/// in chunks of 10,000 inside the import's one transaction; the merge keeps each sku's last
/// valid line (ROW_NUMBER), then UPDATE of differing rows (EXCEPT compares with NULLs equal),
/// INSERT of new ones and, for `?mode=replace`, DELETE of unnamed ones, counted by row counts.
internal sealed class SqlServerCatalogStaging : CatalogStaging
{
    private const int Chunk = 10_000;
    private readonly SqlConnection _connection;
    private readonly SqlTransaction _tx;
    private readonly DataTable _rows;

    private SqlServerCatalogStaging(SqlConnection connection, SqlTransaction tx)
    {
        _connection = connection;
        _tx = tx;
        _rows = new DataTable();
        _rows.Columns.Add("line", typeof(long));
        _rows.Columns.Add("valid", typeof(bool));
        _rows.Columns.Add("sku", typeof(string));
        foreach (var column in ComparedColumns)
            _rows.Columns.Add(column, column switch
            {
                "price" or "local_share" => typeof(decimal),
                "stock" => typeof(long),
                _ => typeof(string),
            });
    }

    public static async Task<CatalogStaging> StartAsync(SqlConnection connection, CancellationToken ct)
    {
        var tx = (SqlTransaction)await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        await connection.ExecuteAsync(new CommandDefinition("""
            CREATE TABLE #catalog_staging (
                line bigint NOT NULL, valid bit NOT NULL, sku varchar(64) COLLATE Latin1_General_BIN2 NOT NULL,
                name nvarchar(300) NULL, category_code varchar(16) COLLATE Latin1_General_BIN2 NULL, unit varchar(8) NULL,
                price decimal(38, 10) NULL, currency char(3) NULL, stock bigint NULL, origin_country char(2) NULL, gtin varchar(14) NULL,
                origin_region_code varchar(16) NULL, local_share decimal(38, 10) NULL,
                warehouse_site_id char(36) COLLATE Latin1_General_BIN2 NULL)
            """, transaction: tx, cancellationToken: ct));
        return new SqlServerCatalogStaging(connection, tx);
    }

    public override ValueTask AddAsync(long line, CatalogItem item, CancellationToken ct)
    {
        _rows.Rows.Add(line, true, item.Sku, item.Name, item.CategoryCode, item.Unit, item.Price, item.Currency, item.Stock,
            item.OriginCountry, item.Gtin, item.OriginRegionCode, item.LocalShare, item.WarehouseSiteId?.ToString("D"));
        return _rows.Rows.Count >= Chunk ? new ValueTask(FlushAsync(ct)) : ValueTask.CompletedTask;
    }

    public override ValueTask AddRejectedAsync(long line, string sku, CancellationToken ct)
    {
        var row = _rows.NewRow();
        row["line"] = line;
        row["valid"] = false;
        row["sku"] = sku;
        _rows.Rows.Add(row);
        return _rows.Rows.Count >= Chunk ? new ValueTask(FlushAsync(ct)) : ValueTask.CompletedTask;
    }

    private async Task FlushAsync(CancellationToken ct)
    {
        using var bulk = new SqlBulkCopy(_connection, SqlBulkCopyOptions.Default, _tx) { DestinationTableName = "#catalog_staging" };
        foreach (DataColumn column in _rows.Columns) bulk.ColumnMappings.Add(column.ColumnName, column.ColumnName);
        await bulk.WriteToServerAsync(_rows, ct);
        _rows.Clear();
    }

    public override async Task<(DbTransaction Transaction, CatalogMergeCounts Counts)> MergeAsync(
        Guid wholesalerId, bool replace, DateTimeOffset now, CancellationToken ct)
    {
        if (_rows.Rows.Count > 0) await FlushAsync(ct);
        var args = new { wholesalerId, now };
        await Execute("SELECT 1 FROM companies WITH (UPDLOCK, HOLDLOCK) WHERE id = @wholesalerId");
        await Execute($"""
            SELECT sku, {ItemColumns} INTO #catalog_last
            FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY sku ORDER BY line DESC) AS rn FROM #catalog_staging WHERE valid = 1) x
            WHERE rn = 1
            """);
        var distinct = await _connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT_BIG(*) FROM #catalog_last", transaction: _tx, cancellationToken: ct));
        var columns = ComparedColumns;
        var updated = await Execute($"""
            UPDATE c SET {string.Join(", ", columns.Select(x => $"{x} = s.{x}"))}, updated_at = @now
            FROM catalog_items c JOIN #catalog_last s ON c.wholesaler_id = @wholesalerId AND c.sku = s.sku
            WHERE EXISTS (SELECT {string.Join(", ", columns.Select(x => "c." + x))}
                          EXCEPT SELECT {string.Join(", ", columns.Select(x => "s." + x))})
            """);
        var inserted = await Execute($"""
            INSERT INTO catalog_items (wholesaler_id, sku, {ItemColumns}, updated_at)
            SELECT @wholesalerId, s.sku, {string.Join(", ", columns.Select(x => "s." + x))}, @now FROM #catalog_last s
            WHERE NOT EXISTS (SELECT 1 FROM catalog_items c WHERE c.wholesaler_id = @wholesalerId AND c.sku = s.sku)
            """);
        var deleted = replace
            ? await Execute("""
                DELETE c FROM catalog_items c WHERE c.wholesaler_id = @wholesalerId
                AND NOT EXISTS (SELECT 1 FROM #catalog_staging s WHERE s.sku = c.sku)
                """)
            : 0;
        return (_tx, new CatalogMergeCounts(distinct, inserted, updated, deleted));

        Task<int> Execute(string sql) => _connection.ExecuteAsync(new CommandDefinition(sql, args, _tx, cancellationToken: ct));
    }

    public override async ValueTask DisposeAsync()
    {
        _rows.Dispose();
        await _tx.DisposeAsync();
        try
        {
            await _connection.ExecuteAsync("IF OBJECT_ID('tempdb..#catalog_staging') IS NOT NULL DROP TABLE #catalog_staging; "
                + "IF OBJECT_ID('tempdb..#catalog_last') IS NOT NULL DROP TABLE #catalog_last;");
        }
        catch (SqlException) { /* the session's temp tables go with the connection */ }
    }
}
