using System.Data.Common;
using Dapper;
using Marketplace.Infrastructure.Database;

namespace Marketplace.Api.Common.Idempotency;

public enum ClaimOutcome { Claimed, Replay, InProgress, KeyReused, SecretNotReplayable }

public sealed record StoredResponse(int Status, string? ContentType, byte[]? Body, string? Location, string? ETag);

public sealed record ClaimResult(ClaimOutcome Outcome, StoredResponse? Stored = null);

/// The records behind Idempotency-Key (api.md, Idempotency and concurrency). Each decision is
/// one write transaction that reads the record first (on SQLite under the write lock taken at
/// BEGIN), so two requests never both run, and a takeover never runs beside a live holder.
public sealed class IdempotencyStore(Db db)
{
    public async Task<ClaimResult> ClaimAsync(byte[] scope, byte[] requestHash, DateTimeOffset now, TimeSpan lease, CancellationToken ct)
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
            result = record.RequestHash is not { } stored || !requestHash.AsSpan().SequenceEqual(stored)
                ? new(ClaimOutcome.KeyReused)
                : record.SecretIssued
                    ? new(ClaimOutcome.SecretNotReplayable)
                    : new(ClaimOutcome.Replay, new StoredResponse(record.ResponseStatus ?? 500, record.ResponseType,
                        record.ResponseBody, record.ResponseLocation, record.ResponseEtag));
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

    public async Task RenewAsync(byte[] scope, DateTimeOffset leaseUntil, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE idempotency_records SET lease_until = @leaseUntil WHERE scope_hash = @scope AND state = 'running'",
            new { scope, leaseUntil }, cancellationToken: ct));
    }

    /// Stores the answer; a stored record is never overwritten.
    public async Task CompleteAsync(byte[] scope, StoredResponse response, bool secretIssued, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE idempotency_records SET state = 'done', response_status = @Status, response_type = @ContentType,
                response_body = @Body, response_location = @Location, response_etag = @ETag, secret_issued = @secretIssued
            WHERE scope_hash = @scope AND state = 'running'
            """, new { scope, response.Status, response.ContentType, response.Body, response.Location, response.ETag, secretIssued },
            cancellationToken: ct));
    }

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

    private sealed class Record
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
