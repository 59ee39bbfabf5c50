using System.Data.Common;
using Marketplace.Infrastructure.Database;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Marketplace.Infrastructure.Catalog;

/// What the merge of one import did: `Distinct` valid skus (the last valid row of each), of
/// which `Inserted` were new and `Updated` differed; the rest are unchanged. `Deleted` counts
/// the items `?mode=replace` removed.
public sealed record CatalogMergeCounts(long Distinct, long Inserted, long Updated, long Deleted)
{
    public long Unchanged => Distinct - Inserted - Updated;
}

/// The bulk path of a catalog import, one per provider (toolchain.md): the rows of the body are
/// staged as they stream (valid rows in full, rejected rows by sku only, for `?mode=replace`),
/// then merged into `catalog_items` with set-based SQL in one write transaction that leaves
/// unchanged rows untouched. Nothing reaches `catalog_items` before that transaction commits, so
/// a dropped connection or a dead process writes nothing.
///
/// Use: `StartAsync`, then `AddAsync`/`AddRejectedAsync` per record in body order, then
/// `MergeAsync`, whose transaction the caller completes (its change-feed row, the idempotency
/// record) and commits.
public abstract class CatalogStaging : IAsyncDisposable
{
    /// `now` is the import's time (every row it writes gets it as `updated_at`).
    public static async Task<CatalogStaging> StartAsync(Db db, DbConnection connection, Guid wholesalerId, DateTimeOffset now,
        CancellationToken ct) => connection switch
    {
        NpgsqlConnection pg => await PostgresCatalogStaging.StartAsync(pg, wholesalerId, now, ct),
        SqliteConnection sqlite => SqliteCatalogStaging.Start(db, sqlite),
        SqlConnection sql => await SqlServerCatalogStaging.StartAsync(sql, ct),
        _ => throw new NotSupportedException(connection.GetType().Name),
    };

    /// A valid row, in body order: a later row with the same sku replaces it (last wins).
    public abstract ValueTask AddAsync(long line, CatalogItem item, CancellationToken ct);

    /// The sku of a rejected row: `?mode=replace` keeps items named by any record of the body.
    public abstract ValueTask AddRejectedAsync(long line, string sku, CancellationToken ct);

    /// Ends staging and merges under the write lock of this wholesaler's catalog; the returned
    /// transaction is not committed.
    public abstract Task<(DbTransaction Transaction, CatalogMergeCounts Counts)> MergeAsync(
        Guid wholesalerId, bool replace, DateTimeOffset now, CancellationToken ct);

    /// Called once the caller committed the merge transaction.
    public virtual void Committed(ILogger logger)
    {
    }

    public abstract ValueTask DisposeAsync();

    /// The item columns in table order after (wholesaler_id, sku), shared by the providers' SQL.
    protected const string ItemColumns =
        "name, category_code, unit, price, currency, stock, origin_country, gtin, origin_region_code, local_share, warehouse_site_id";

    protected static readonly string[] ComparedColumns = ItemColumns.Split(", ");
}
