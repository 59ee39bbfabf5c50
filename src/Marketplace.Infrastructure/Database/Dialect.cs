using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Marketplace.Infrastructure.Database;

/// Everything in SQL that differs between the providers. Queries elsewhere stay in the portable
/// subset and call these few members.
public abstract class Dialect
{
    /// Appended after ORDER BY: at most @param rows.
    public abstract string Limit(string parameter);

    /// A unique or primary-key constraint was violated.
    public abstract bool IsUniqueViolation(DbException e);

    /// The database could not give a lock within the busy timeout (api.md: 503 db.busy).
    public abstract bool IsBusy(DbException e);

    /// Row locking for read-then-write transactions: a hint after the table name (SQL Server)
    /// and a suffix after the query (PostgreSQL). SQLite needs neither: BEGIN IMMEDIATE holds the
    /// one write lock already.
    public virtual string LockHint => "";
    public virtual string ForUpdate => "";

    /// Appends one change to the supply change feed (params @kind, @id, @at), inside the writing transaction.
    public virtual string RecordChange => "INSERT INTO changes (kind, entity_id, at) VALUES (@kind, @id, @at)";

    /// Changes after @after in token order, at most @take, never past a change whose
    /// transaction may still commit (see ChangeFeed).
    public virtual string ReadChanges =>
        "SELECT token AS Token, kind AS Kind, entity_id AS EntityId, at AS At FROM changes WHERE token > @after ORDER BY token" + Limit("@take");

    /// SQL that takes a process-wide exclusive lock for start-up work (migrations, seeding) on
    /// servers shared by several API processes; null where the write lock already serializes.
    public virtual string? StartupLock => null;

    /// The same lock, held until the current transaction ends.
    public virtual string? StartupLockInTransaction => null;
}

public sealed class SqliteDialect : Dialect
{
    public override string Limit(string parameter) => $" LIMIT {parameter}";

    // 19 = SQLITE_CONSTRAINT; extended codes 1555 (PRIMARYKEY) and 2067 (UNIQUE).
    public override bool IsUniqueViolation(DbException e) =>
        e is SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 1555 or 2067 };

    // 5 = SQLITE_BUSY, 6 = SQLITE_LOCKED.
    public override bool IsBusy(DbException e) => e is SqliteException { SqliteErrorCode: 5 or 6 };
}

public sealed class PostgresDialect : Dialect
{
    public override string Limit(string parameter) => $" LIMIT {parameter}";

    public override bool IsUniqueViolation(DbException e) =>
        e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public override bool IsBusy(DbException e) => e is PostgresException
    {
        SqlState: PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.DeadlockDetected
    };

    public override string ForUpdate => " FOR UPDATE";

    // token = (xid8 << 20) + ordinal within the transaction; see migration 0002. The ordinal is
    // the transaction's last token + 1 (one backward step in the primary key), not a COUNT of its
    // earlier changes, which made a transaction with thousands of changes (the demo seed) quadratic.
    public override string RecordChange => """
        INSERT INTO changes (token, kind, entity_id, at)
        SELECT COALESCE((SELECT MAX(token) + 1 FROM changes WHERE token >= (x.xid << 20) AND token < ((x.xid + 1) << 20)),
                        x.xid << 20),
               @kind, @id, @at
        FROM (SELECT pg_current_xact_id()::text::bigint AS xid) x
        """;

    // Below the oldest running transaction's xid nothing can still appear.
    public override string ReadChanges => """
        SELECT token AS Token, kind AS Kind, entity_id AS EntityId, at AS At FROM changes
        WHERE token > @after AND token < (pg_snapshot_xmin(pg_current_snapshot())::text::bigint << 20)
        ORDER BY token LIMIT @take
        """;

    public override string StartupLock => "SELECT pg_advisory_lock(7349021)";
    public override string StartupLockInTransaction => "SELECT pg_advisory_xact_lock(7349021)";
}

public sealed class SqlServerDialect : Dialect
{
    public override string Limit(string parameter) => $" OFFSET 0 ROWS FETCH NEXT {parameter} ROWS ONLY";

    // 2627 = unique constraint, 2601 = unique index.
    public override bool IsUniqueViolation(DbException e) => e is SqlException { Number: 2627 or 2601 };

    // 1222 = lock request time out, 1205 = deadlock victim.
    public override bool IsBusy(DbException e) => e is SqlException { Number: 1222 or 1205 };

    public override string LockHint => " WITH (UPDLOCK, ROWLOCK)";

    public override string ReadChanges => """
        SELECT CAST(token AS bigint) AS Token, kind AS Kind, entity_id AS EntityId, at AS At FROM changes
        WHERE token > CAST(@after AS binary(8)) AND token < MIN_ACTIVE_ROWVERSION()
        ORDER BY token OFFSET 0 ROWS FETCH NEXT @take ROWS ONLY
        """;

    public override string StartupLock =>
        "EXEC sp_getapplock @Resource = 'marketplace-startup', @LockMode = 'Exclusive', @LockOwner = 'Session'";
    public override string StartupLockInTransaction =>
        "EXEC sp_getapplock @Resource = 'marketplace-startup', @LockMode = 'Exclusive', @LockOwner = 'Transaction'";
}
