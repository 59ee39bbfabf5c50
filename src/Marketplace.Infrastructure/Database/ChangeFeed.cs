using System.Data.Common;
using Dapper;

namespace Marketplace.Infrastructure.Database;

public static class ChangeKinds
{
    public const string Site = "site";
    public const string Capability = "capability";
    public const string Company = "company";
    public const string Catalog = "catalog";
}

public sealed record Change(long Token, string Kind, Guid EntityId, DateTimeOffset At);

/// The ordered sequence of supply changes that the matching index and admins follow. Writers
/// record a change inside the transaction that makes it; readers get changes in token order and
/// never one past a transaction that might still commit, so following `after` never skips one.
public static class ChangeFeed
{
    public static Task RecordAsync(DbConnection connection, DbTransaction tx, Dialect dialect, string kind, Guid id,
        DateTimeOffset at, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(dialect.RecordChange, new { kind, id, at }, tx, cancellationToken: ct));

    public static async Task<IReadOnlyList<Change>> ReadAsync(DbConnection connection, Dialect dialect, long after, int take,
        CancellationToken ct) =>
        (await connection.QueryAsync<Row>(new CommandDefinition(dialect.ReadChanges, new { after, take }, cancellationToken: ct)))
        .Select(r => new Change(r.Token, r.Kind, r.EntityId, r.At)).ToList();

    private sealed class Row
    {
        public long Token { get; init; }
        public string Kind { get; init; } = "";
        public Guid EntityId { get; init; }
        public DateTimeOffset At { get; init; }
    }
}
