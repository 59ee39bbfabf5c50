using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Npgsql;
using SQLitePCL;

namespace Marketplace.Infrastructure.Database;

/// The one ADO.NET seam: a singleton per process that opens connections for every provider
/// and knows the few things that differ between them (see Dialect).
public sealed class Db : IAsyncDisposable
{
    private readonly DbDataSource _source;
    // The SQLite native connections that OpenAsync has configured (weak: the pool may close them).
    private readonly ConditionalWeakTable<sqlite3, sqlite3> _configured = new();

    public Db(DatabaseOptions options)
    {
        TypeHandlers.Register();
        Provider = options.ParsedProvider;
        BusyTimeout = TimeSpan.FromSeconds(Math.Max(0, options.BusyTimeoutSeconds));
        var cs = options.EffectiveConnectionString;
        switch (Provider)
        {
            case DatabaseProvider.Sqlite:
                var sqlite = new SqliteConnectionStringBuilder(cs)
                {
                    // Microsoft.Data.Sqlite retries SQLITE_BUSY for the command timeout: that is our
                    // write-lock wait, after which the request answers 503 db.busy.
                    DefaultTimeout = options.BusyTimeoutSeconds,
                    ForeignKeys = true,
                    Pooling = true,
                };
                ConnectionString = sqlite.ToString();
                // With ForeignKeys in the string, Microsoft.Data.Sqlite runs its PRAGMA on every open;
                // our connections get it once per physical connection instead (OpenAsync).
                sqlite.Remove("Foreign Keys");
                _source = SqliteFactory.Instance.CreateDataSource(sqlite.ToString());
                Dialect = new SqliteDialect();
                break;
            case DatabaseProvider.Postgres:
                var pg = new NpgsqlConnectionStringBuilder(cs);
                // Row locks wait at most BusyTimeoutSeconds, then 55P03 becomes 503 db.busy.
                if (string.IsNullOrEmpty(pg.Options))
                    pg.Options = $"-c lock_timeout={options.BusyTimeoutSeconds * 1000}";
                // Statements run again and again (a handful per request) are prepared once per physical
                // connection, so the server stops parsing and planning them on every request. A value
                // in the connection string wins.
                if (pg.MaxAutoPrepare == 0) pg.MaxAutoPrepare = 64;
                ConnectionString = pg.ToString();
                _source = NpgsqlDataSource.Create(ConnectionString);
                Dialect = new PostgresDialect();
                break;
            default:
                ConnectionString = cs;
                _source = SqlClientFactory.Instance.CreateDataSource(cs);
                Dialect = new SqlServerDialect();
                break;
        }
    }

    public DatabaseProvider Provider { get; }
    public Dialect Dialect { get; }
    public TimeSpan BusyTimeout { get; }
    public string ConnectionString { get; }

    public async ValueTask<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = await _source.OpenConnectionAsync(ct);
        if (connection is SqliteConnection { Handle: { } handle } && !_configured.TryGetValue(handle, out _))
        {
            // The settings belong to the native connection, which the pool hands out again with them
            // kept: they run once per physical connection, not on every open (a statement each).
            // busy_timeout makes SQLite itself wait for the writer; synchronous=NORMAL is durable
            // against process crashes in WAL mode (only an OS crash may lose the last commits).
            // temp_store=FILE: temporary tables (a catalog import's staging) and big sorts spill to a
            // temporary file beyond the page cache instead of growing in memory (the bundled SQLite
            // keeps them in memory by default: a 1M-row staging table is hundreds of MB).
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = $"PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}; "
                + "PRAGMA synchronous = NORMAL; PRAGMA temp_store = FILE;";
            await cmd.ExecuteNonQueryAsync(ct);
            _configured.AddOrUpdate(handle, handle);
        }
        else if (Provider == DatabaseProvider.SqlServer)
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = $"SET LOCK_TIMEOUT {(int)BusyTimeout.TotalMilliseconds};";
            await cmd.ExecuteNonQueryAsync(ct);
        }
        return connection;
    }

    /// A write transaction. On SQLite it takes the write lock at BEGIN (BEGIN IMMEDIATE), so a
    /// transaction that reads and then writes never fails half-way on a lock upgrade.
    public async ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct) =>
        connection is SqliteConnection sqlite
            ? sqlite.BeginTransaction(IsolationLevel.Serializable, deferred: false)
            : await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);

    /// WAL lets readers run beside the one writer; the mode is kept in the database file, so
    /// this runs once at start-up (it cannot run inside a transaction).
    public async Task EnableWalAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode = WAL;";
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public ValueTask DisposeAsync() => _source.DisposeAsync();
}
