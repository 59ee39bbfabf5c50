using Microsoft.Net.Http.Headers;

namespace Marketplace.Api.Common.Idempotency;

/// Wraps every POST that carries an Idempotency-Key: when the pipeline claimed a record, the
/// final answer (problem details included) is stored if api.md says so (2xx, 400, 409), and the
/// record is released otherwise, so that a retry runs again.
public sealed class IdempotencyMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext http, IdempotencyContext idempotency, IdempotencyStore store)
    {
        if (!HttpMethods.IsPost(http.Request.Method) || !http.Request.Headers.ContainsKey(IdempotencyBehaviour<Mediator.IMessage, object>.Header))
        {
            await next(http);
            return;
        }
        var original = http.Response.Body;
        await using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        var completed = false;
        try
        {
            await next(http);
            if (idempotency.Scope is { } scope)
            {
                await idempotency.DisposeAsync();
                var status = http.Response.StatusCode;
                if (status is >= 200 and < 300 or 400 or 409)
                {
                    var secret = idempotency.IssuesSecret && status is >= 200 and < 300;
                    await store.CompleteAsync(scope, new StoredResponse(status, http.Response.ContentType,
                        secret ? null : buffer.ToArray(), http.Response.Headers.Location.ToString() is { Length: > 0 } l ? l : null,
                        http.Response.Headers.ETag.ToString() is { Length: > 0 } e ? e : null), secret, idempotency.RequestHash,
                        CancellationToken.None);
                }
                else
                {
                    await store.ReleaseAsync(scope, CancellationToken.None);
                }
            }
            completed = true;
        }
        finally
        {
            http.Response.Body = original;
            if (!completed && idempotency.Scope is { } scope)
            {
                await idempotency.DisposeAsync();
                await store.ReleaseAsync(scope, CancellationToken.None);
            }
        }
        buffer.Position = 0;
        await buffer.CopyToAsync(original, http.RequestAborted);
    }

    public static async Task WriteReplayAsync(HttpContext http, StoredResponse stored, CancellationToken ct)
    {
        http.Response.StatusCode = stored.Status;
        http.Response.Headers["Idempotent-Replayed"] = "true";
        if (stored.Location is not null) http.Response.Headers.Location = stored.Location;
        if (stored.ETag is not null) http.Response.Headers[HeaderNames.ETag] = stored.ETag;
        if (stored.ContentType is not null) http.Response.ContentType = stored.ContentType;
        if (stored.Body is { Length: > 0 } body) await http.Response.Body.WriteAsync(body, ct);
    }
}

/// Answers a replay inside UseExceptionHandler, so that the exception handler never sees it:
/// ASP.NET's handler drops the ETag and adds no-cache headers to every answer it writes, and a
/// replay must be the stored response (ETag included).
public sealed class IdempotentReplayMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext http)
    {
        try
        {
            await next(http);
        }
        catch (IdempotentReplay replay) when (!http.Response.HasStarted)
        {
            http.Response.Clear();
            await IdempotencyMiddleware.WriteReplayAsync(http, replay.Response, http.RequestAborted);
        }
    }
}

public sealed class IdempotencyCleanup(IdempotencyStore store, TimeProvider time, ILogger<IdempotencyCleanup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // api.md keeps records at least 24 hours: purge those a day and an hour old.
                var purged = await store.PurgeAsync(time.GetUtcNow() - TimeSpan.FromHours(25), stoppingToken);
                if (purged > 0) logger.LogInformation("Purged {Count} idempotency records older than 25 hours", purged);
                await Task.Delay(TimeSpan.FromHours(1), stoppingToken);
            }
            catch (OperationCanceledException) { return; }
            catch (Exception e)
            {
                logger.LogWarning(e, "Idempotency purge failed; retrying in a minute");
                await Task.Delay(TimeSpan.FromMinutes(1), stoppingToken);
            }
        }
    }
}
