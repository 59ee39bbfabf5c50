using System.Text.Json;
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
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Marketplace.Api.Features.Catalogs;

/// `POST /catalogs/{wholesalerId}/items[?mode=upsert|replace]` (api.md "Catalogs"): the body is
/// imported as it arrives (CatalogImporter); under an Idempotency-Key the answer is stored in the
/// import's own transaction, so the stored answer exists exactly when the import committed.
public static class ImportCatalog
{
    public const long DefaultMaxBodyBytes = 1L << 30; // api.md: 1 GiB by default
    private const string JsonContentType = "application/json; charset=utf-8";

    /// The summary and its JSON, the bytes both answered and stored for a replay.
    public sealed record Result(CatalogImportSummary Summary, byte[] Json);

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

    public sealed class Handler(CatalogImporter importer, ReferenceData reference, RequestContext context, IdempotencyContext idempotency,
        IOptions<JsonOptions> json) : ICommandHandler<Command, Result>
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

            byte[]? answer = null;
            var summary = await importer.ImportAsync(reader, wholesalerId, replace, context.Now, async (connection, tx, done, hash) =>
            {
                // The bytes every other answer would have (the HTTP JSON options), stored for replays.
                answer = JsonSerializer.SerializeToUtf8Bytes(done, json.Value.SerializerOptions);
                if (idempotency.Scope is not { } scope) return;
                idempotency.RequestHash = hash;
                await IdempotencyStore.CompleteAsync(connection, tx, scope, new StoredResponse(200, JsonContentType, answer, null, null),
                    false, hash, ct);
            }, ct);
            return new Result(summary, answer!);
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
        group.MapPost("", async (string wholesalerId, HttpContext http, IConfiguration config, IMediator mediator,
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
            .Produces<CatalogImportSummary>(StatusCodes.Status200OK)
            .WithSummary("Import a wholesaler's catalog (NDJSON or CSV, streamed; that wholesaler or admins).")
            .WithDescription("Upserts by sku (the last valid row wins); `?mode=replace` also deletes the items no record names. "
                + "Bad rows are reported in `errors` (at most 1,000) and the good ones kept.");
}
