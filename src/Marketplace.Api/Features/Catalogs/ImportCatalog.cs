using System.Diagnostics;
using System.Text.Json;
using Dapper;
using FluentValidation;
using FluentValidation.Results;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Errors;
using Marketplace.Api.Common.Http;
using Marketplace.Api.Common.Idempotency;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Domain.Reference;
using Marketplace.Infrastructure.Catalog;
using Marketplace.Infrastructure.Database;
using Mediator;
using Microsoft.Extensions.Primitives;

namespace Marketplace.Api.Features.Catalogs;

/// `POST /catalogs/{wholesalerId}/items[?mode=upsert|replace]` (api.md "Catalogs"): the body is
/// parsed as it arrives and staged row by row (CatalogStaging), then merged in one transaction
/// that also records one `catalog` change and, under an Idempotency-Key, stores the answer, so
/// the stored answer exists exactly when the import committed. Memory stays flat: one record,
/// the first 1,000 errors and the staging buffers, whatever the body's size.
public static class ImportCatalog
{
    public const int MaxErrors = 1000;
    public const long DefaultMaxBodyBytes = 1L << 30; // api.md: 1 GiB by default
    private const string JsonContentType = "application/json; charset=utf-8";
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(5);

    public sealed record Error(long Line, string? Field, string Message);

    public sealed record Summary(long Received, long Inserted, long Updated, long Unchanged, long Duplicates, long Rejected,
        long Deleted, IReadOnlyList<Error> Errors);

    /// The summary and its JSON, the bytes both answered and stored for a replay.
    public sealed record Result(Summary Summary, byte[] Json);

    public sealed record Command(string WholesalerId, StringValues Mode, StreamedBody<CatalogFormat> Body)
        : ICommand<Result>, IHasStreamedBody, IWrite
    {
        IStreamedBody IHasStreamedBody.Body => Body;
    }

    public sealed class Authorizer(Db db) : IAuthorizer<Command>
    {
        public async ValueTask AuthorizeAsync(Command message, Caller caller, CancellationToken ct) =>
            await CatalogAccess.WritableAsync(db, message.WholesalerId, caller, ct);
    }

    public sealed class Handler(Db db, ReferenceData reference, RequestContext context, IdempotencyContext idempotency,
        ILogger<Handler> logger) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken ct)
        {
            var wholesalerId = Guid.Parse(command.WholesalerId);
            await using var reader = new CatalogReader(command.Body.Stream, command.Body.Format, reference);
            bool replace;
            try
            {
                replace = ParseMode(command.Mode);
                await reader.ReadHeaderAsync(ct);
            }
            catch (Exception e) when (e is ValidationException or CatalogHeaderException)
            {
                // A stored 400 must replay only for the same body: hash the rest of it first.
                idempotency.RequestHash = await reader.ReadToEndAsync(ct);
                if (e is CatalogHeaderException header)
                    throw new ValidationException(header.Errors.Select(h => new ValidationFailure(h.Field ?? "header", h.Message)));
                throw;
            }

            await using var connection = await db.OpenAsync(ct);
            var sites = (await connection.QueryAsync<Guid>(new CommandDefinition(
                "SELECT id FROM sites WHERE company_id = @wholesalerId", new { wholesalerId }, cancellationToken: ct))).ToHashSet();
            await using var staging = await CatalogStaging.StartAsync(db, connection, ct);

            var clock = Stopwatch.StartNew();
            var nextProgress = ProgressEvery;
            long received = 0, valid = 0, rejected = 0;
            var errors = new List<Error>();
            await foreach (var record in reader.ReadAsync(ct))
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
                        if (errors.Count < MaxErrors) errors.Add(new Error(record.Line, e.Field, e.Message));
                    if (Domain.Catalog.Sku.IsValid(record.Sku)) await staging.AddRejectedAsync(record.Line, record.Sku!, ct);
                }
                if (clock.Elapsed >= nextProgress)
                {
                    nextProgress = clock.Elapsed + ProgressEvery;
                    logger.LogInformation(
                        "Catalog import for {WholesalerId}: {Received} records read ({Rate:F0}/s, {Megabytes:F1} MB), {Rejected} rejected",
                        wholesalerId, received, received / clock.Elapsed.TotalSeconds, reader.BytesRead / 1e6, rejected);
                }
            }
            var bodyHash = reader.BodySha256;
            var read = clock.Elapsed;

            var (tx, counts) = await staging.MergeAsync(wholesalerId, replace, context.Now, ct);
            var summary = new Summary(received, counts.Inserted, counts.Updated, counts.Unchanged, valid - counts.Distinct, rejected,
                counts.Deleted, errors);
            // One change per import that changed the catalog; the matching index re-reads it.
            if (counts.Inserted + counts.Updated + counts.Deleted > 0)
                await ChangeFeed.RecordAsync(connection, tx, db.Dialect, ChangeKinds.Catalog, wholesalerId, context.Now, ct);
            var json = JsonSerializer.SerializeToUtf8Bytes(summary, JsonSettings.Options);
            if (idempotency.Scope is { } scope)
            {
                idempotency.RequestHash = bodyHash;
                await IdempotencyStore.CompleteAsync(connection, tx, scope, new StoredResponse(200, JsonContentType, json, null, null),
                    false, bodyHash, ct);
            }
            await tx.CommitAsync(ct);
            logger.LogInformation(
                "Catalog import for {WholesalerId} done in {Seconds:F1} s (body {ReadSeconds:F1} s, {Rate:F0} records/s): {Received} received, "
                + "{Inserted} inserted, {Updated} updated, {Unchanged} unchanged, {Duplicates} duplicates, {Rejected} rejected, {Deleted} deleted",
                wholesalerId, clock.Elapsed.TotalSeconds, read.TotalSeconds, received / Math.Max(clock.Elapsed.TotalSeconds, 1e-3),
                received, summary.Inserted, summary.Updated, summary.Unchanged, summary.Duplicates, rejected, summary.Deleted);
            return new Result(summary, json);
        }

        private static bool ParseMode(StringValues mode) => mode.Count switch
        {
            0 => false,
            1 when mode[0] == "upsert" => false,
            1 when mode[0] == "replace" => true,
            _ => throw ValidationErrors.Field("mode", "mode must be upsert or replace."),
        };
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapPost("/{wholesalerId}/items", async (string wholesalerId, HttpContext http, IConfiguration config, IMediator mediator,
                CancellationToken ct) =>
            {
                var maxBytes = config.GetValue("Marketplace:Catalog:MaxBodyBytes", DefaultMaxBodyBytes);
                var body = new StreamedBody<CatalogFormat>(http.Request, maxBytes,
                    type => CatalogFormats.TryFromContentType(type, out var format) ? format : null,
                    $"{CatalogFormats.NdjsonMediaType} or {CatalogFormats.CsvMediaType}");
                var result = await mediator.Send(new Command(wholesalerId, http.Request.Query["mode"], body), ct);
                return Results.Bytes(result.Json, JsonContentType);
            })
            // Documentation only: routing must not match on the content type, the pipeline answers 415 in its turn.
            .WithMetadata(new JsonBodyMetadata(typeof(string), [CatalogFormats.NdjsonMediaType, CatalogFormats.CsvMediaType]))
            .Produces<Summary>(StatusCodes.Status200OK)
            .WithSummary("Import a wholesaler's catalog (NDJSON or CSV, streamed; that wholesaler or admins).")
            .WithDescription("Upserts by sku (the last valid row wins); `?mode=replace` also deletes the items no record names. "
                + "Bad rows are reported in `errors` (at most 1,000) and the good ones kept.");
}
