using System.Data.Common;
using System.Diagnostics;
using System.Threading.Channels;
using Dapper;
using Marketplace.Domain.Catalog;
using Marketplace.Infrastructure.Database;
using Microsoft.Extensions.Logging;

namespace Marketplace.Infrastructure.Catalog;

public sealed record CatalogImportError(long Line, string? Field, string Message);

/// The answer of an import (api.md "Catalogs"): every non-blank record counts in `Received` and
/// in exactly one of the other counts but `Deleted`; `Errors` lists at most 1,000 entries.
public sealed record CatalogImportSummary(long Received, long Inserted, long Updated, long Unchanged, long Duplicates, long Rejected,
    long Deleted, IReadOnlyList<CatalogImportError> Errors);

/// Imports one catalog body: records are read as they arrive, checked (the reader's row rules,
/// then the warehouse site against the wholesaler's sites), staged (CatalogStaging) and merged in
/// one transaction, which also records one `catalog` change when the catalog changed. Memory stays
/// flat: a few batches of records, the first 1,000 errors and the staging buffers, whatever the
/// body's size. Large imports log their progress every few seconds.
public sealed class CatalogImporter(Db db, ILogger<CatalogImporter> logger)
{
    public const int MaxErrors = 1000;
    private const int BatchSize = 256;
    private const int QueuedBatches = 4;
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(5);

    /// `beforeCommit` runs inside the merge transaction with the summary and the body's SHA-256
    /// (the API stores its idempotent answer there, so it exists exactly when the import does).
    public async Task<CatalogImportSummary> ImportAsync(CatalogReader reader, Guid wholesalerId, bool replace, DateTimeOffset now,
        Func<DbConnection, DbTransaction, CatalogImportSummary, byte[], Task>? beforeCommit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var sites = (await connection.QueryAsync<Guid>(new CommandDefinition(
            "SELECT id FROM sites WHERE company_id = @wholesalerId", new { wholesalerId }, cancellationToken: ct))).ToHashSet();
        await using var staging = await CatalogStaging.StartAsync(db, connection, wholesalerId, now, ct);

        var clock = Stopwatch.StartNew();
        var nextProgress = ProgressEvery;
        long received = 0, valid = 0, rejected = 0;
        var errors = new List<CatalogImportError>();
        // The body is parsed on another thread while this one stages the previous records: the
        // parser (CPU) overlaps the staging writes (the database's work and the network).
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var batches = Channel.CreateBounded<List<CatalogRecord>>(
            new BoundedChannelOptions(QueuedBatches) { SingleReader = true, SingleWriter = true });
        var parsing = Task.Run(() => ParseAsync(reader, batches.Writer, stop.Token), CancellationToken.None);
        try
        {
            await foreach (var batch in batches.Reader.ReadAllAsync(ct))
            {
                foreach (var record in batch)
                {
                    received++;
                    var siteError = record.IsValid && record.Item.WarehouseSiteId is { } site && !sites.Contains(site);
                    if (record.IsValid && !siteError)
                    {
                        valid++;
                        await staging.AddAsync(record.Line, record.Item, ct);
                    }
                    else
                    {
                        rejected++;
                        IReadOnlyList<CatalogFieldError> bad = siteError
                            ? [new CatalogFieldError("warehouseSiteId", "'warehouseSiteId' must be a site of this wholesaler.")]
                            : record.Errors;
                        foreach (var e in bad)
                            if (errors.Count < MaxErrors) errors.Add(new CatalogImportError(record.Line, e.Field, e.Message));
                        if (Sku.IsValid(record.Sku)) await staging.AddRejectedAsync(record.Line, record.Sku!, ct);
                    }
                }
                if (clock.Elapsed >= nextProgress)
                {
                    nextProgress = clock.Elapsed + ProgressEvery;
                    logger.LogInformation(
                        "Catalog import for {WholesalerId}: {Received} records read ({Rate:F0}/s, {Megabytes:F1} MB), {Rejected} rejected",
                        wholesalerId, received, received / clock.Elapsed.TotalSeconds, reader.BytesRead / 1e6, rejected);
                }
            }
            await parsing; // the body's own failure (too large, cut off) ends the import
        }
        finally
        {
            // When staging failed, stop the parser before the caller disposes the reader.
            await stop.CancelAsync();
            await parsing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        var bodyHash = reader.BodySha256;
        var read = clock.Elapsed;

        var (tx, counts) = await staging.MergeAsync(wholesalerId, replace, now, ct);
        var summary = new CatalogImportSummary(received, counts.Inserted, counts.Updated, counts.Unchanged, valid - counts.Distinct,
            rejected, counts.Deleted, errors);
        // One change per import that changed the catalog: the matching index re-reads it.
        if (counts.Inserted + counts.Updated + counts.Deleted > 0)
            await ChangeFeed.RecordAsync(connection, tx, db.Dialect, ChangeKinds.Catalog, wholesalerId, now, ct);
        if (beforeCommit is not null) await beforeCommit(connection, tx, summary, bodyHash);
        var merged = clock.Elapsed;
        await tx.CommitAsync(ct);
        staging.Committed(logger);
        var seconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-3);
        logger.LogInformation(
            "Catalog import for {WholesalerId} done in {Seconds:F1} s (body {ReadSeconds:F1} s, merge {MergeSeconds:F1} s, commit {CommitSeconds:F1} s, "
            + "{Rate:F0} records/s): {Received} received, {Inserted} inserted, {Updated} updated, {Unchanged} unchanged, {Duplicates} duplicates, "
            + "{Rejected} rejected, {Deleted} deleted",
            wholesalerId, seconds, read.TotalSeconds, (merged - read).TotalSeconds, seconds - merged.TotalSeconds, received / seconds, received,
            summary.Inserted, summary.Updated, summary.Unchanged, summary.Duplicates, rejected, summary.Deleted);
        return summary;
    }

    // The records in batches of BatchSize (a channel item per record costs more than its parse);
    // at most QueuedBatches wait, so memory stays flat whichever side is slower.
    private static async Task ParseAsync(CatalogReader reader, ChannelWriter<List<CatalogRecord>> batches, CancellationToken ct)
    {
        try
        {
            var batch = new List<CatalogRecord>(BatchSize);
            await foreach (var record in reader.ReadAsync(ct))
            {
                batch.Add(record);
                if (batch.Count < BatchSize) continue;
                await batches.WriteAsync(batch, ct);
                batch = new List<CatalogRecord>(BatchSize);
            }
            if (batch.Count > 0) await batches.WriteAsync(batch, ct);
        }
        finally
        {
            batches.Complete();
        }
    }
}
