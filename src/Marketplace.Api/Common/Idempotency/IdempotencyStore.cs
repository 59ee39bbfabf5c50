using System.Data.Common;
using Dapper;
using Marketplace.Infrastructure.Database;

namespace Marketplace.Api.Common.Idempotency;

public enum ClaimOutcome { Claimed, Replay, InProgress, KeyReused, SecretNotReplayable, Done }

public sealed record StoredResponse(int Status, string? ContentType, byte[]? Body, string? Location, string? ETag);

public sealed record ClaimResult(ClaimOutcome Outcome, StoredResponse? Stored = null, IdempotencyStore.Record? Completed = null);

/// The records behind Idempotency-Key (api.md, Idempotency and concurrency). Each decision is
/// one write transaction that reads the record first (on SQLite under the write lock taken at
/// BEGIN), so two requests never both run, and a takeover never runs beside a live holder.
public sealed class IdempotencyStore(Db db)
{
    /// `requestHash` is null for a streamed body, whose hash is known only at its end: a completed
    /// record then answers `Done`, to be decided with `Decide` once the body was hashed.
    public async Task<ClaimResult> ClaimAsync(byte[] scope, byte[]? requestHash, DateTimeOffset now, TimeSpan lease, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(connection, ct);
        var record = await connection.QuerySingleOrDefaultAsync<Record>(new CommandDefinition(
            "SELECT state AS State, request_hash AS RequestHash, lease_until AS LeaseUntil, response_status AS ResponseStatus, "
            + "response_type AS ResponseType, response_body AS ResponseBody, response_location AS ResponseLocation, "
            + "response_etag AS ResponseEtag, secret_issued AS SecretIssued FROM idempotency_records"
            + db.Dialect.LockHint + " WHERE scope_hash = @scope" + db.Dialect.ForUpdate,
            new { scope }, tx, cancellationToken: ct));
        ClaimResult result;
        if (record is null)
        {
            try
            {
                await connection.ExecuteAsync(new CommandDefinition("""
                    INSERT INTO idempotency_records (scope_hash, request_hash, state, lease_until, secret_issued, created_at)
                    VALUES (@scope, @requestHash, 'running', @leaseUntil, @no, @now)
                    """, new { scope, requestHash, leaseUntil = now + lease, now, no = false }, tx, cancellationToken: ct));
                result = new(ClaimOutcome.Claimed);
            }
            catch (DbException e) when (db.Dialect.IsUniqueViolation(e))
            {
                return new(ClaimOutcome.InProgress); // a concurrent first request inserted it
            }
        }
        else if (record.State == "done")
        {
            // A streamed body is hashed only once it has ended: the caller decides with `Decide`.
            result = requestHash is null ? new(ClaimOutcome.Done, Completed: record) : Decide(record, requestHash);
        }
        else if (record.LeaseUntil > now)
        {
            result = new(ClaimOutcome.InProgress);
        }
        else
        {
            // The holder's lease ran out (its process died): take the request over.
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE idempotency_records SET lease_until = @leaseUntil, request_hash = @requestHash WHERE scope_hash = @scope",
                new { scope, requestHash, leaseUntil = now + lease }, tx, cancellationToken: ct));
            result = new(ClaimOutcome.Claimed);
        }
        await tx.CommitAsync(ct);
        return result;
    }

    /// A completed record against the request's body hash: the same body replays, another is 422.
    public static ClaimResult Decide(Record record, byte[] requestHash) =>
        record.RequestHash is not { } stored || !requestHash.AsSpan().SequenceEqual(stored)
            ? new(ClaimOutcome.KeyReused)
            : record.SecretIssued
                ? new(ClaimOutcome.SecretNotReplayable)
                : new(ClaimOutcome.Replay, new StoredResponse(record.ResponseStatus ?? 500, record.ResponseType,
                    record.ResponseBody, record.ResponseLocation, record.ResponseEtag));

    public async Task RenewAsync(byte[] scope, DateTimeOffset leaseUntil, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE idempotency_records SET lease_until = @leaseUntil WHERE scope_hash = @scope AND state = 'running'",
            new { scope, leaseUntil }, cancellationToken: ct));
    }

    /// Stores the answer; a stored record is never overwritten. `requestHash` is given for a
    /// streamed body, whose hash was unknown when the record was claimed.
    public async Task CompleteAsync(byte[] scope, StoredResponse response, bool secretIssued, byte[]? requestHash, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await CompleteAsync(connection, null, scope, response, secretIssued, requestHash, ct);
    }

    /// The same inside a caller's write transaction, so that the answer is stored exactly when
    /// the work it reports commits (a streamed import). False when the record was no longer running.
    public static async Task<bool> CompleteAsync(DbConnection connection, DbTransaction? tx, byte[] scope, StoredResponse response,
        bool secretIssued, byte[]? requestHash, CancellationToken ct) =>
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE idempotency_records SET state = 'done', response_status = @Status, response_type = @ContentType,
                response_body = @Body, response_location = @Location, response_etag = @ETag, secret_issued = @secretIssued,
                request_hash = COALESCE(@requestHash, request_hash)
            WHERE scope_hash = @scope AND state = 'running'
            """, new { scope, response.Status, response.ContentType, response.Body, response.Location, response.ETag, secretIssued, requestHash },
            tx, cancellationToken: ct)) == 1;

    /// Forgets a running record whose answer is not stored (5xx, 412, 428, ...), so a retry runs again.
    public async Task ReleaseAsync(byte[] scope, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM idempotency_records WHERE scope_hash = @scope AND state = 'running'", new { scope }, cancellationToken: ct));
    }

    /// api.md keeps records at least 24 hours; older ones go.
    public async Task<int> PurgeAsync(DateTimeOffset olderThan, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM idempotency_records WHERE created_at < @olderThan AND (state = 'done' OR lease_until < @olderThan)",
            new { olderThan }, cancellationToken: ct));
    }

    public sealed class Record
    {
        public string State { get; init; } = "";
        public byte[]? RequestHash { get; init; }
        public DateTimeOffset LeaseUntil { get; init; }
        public int? ResponseStatus { get; init; }
        public string? ResponseType { get; init; }
        public byte[]? ResponseBody { get; init; }
        public string? ResponseLocation { get; init; }
        public string? ResponseEtag { get; init; }
        public bool SecretIssued { get; init; }
    }
}
