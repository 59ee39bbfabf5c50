using System.Security.Cryptography;
using System.Text;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Errors;
using Marketplace.Api.Common.Http;
using Mediator;

namespace Marketplace.Api.Common.Idempotency;

/// Step 5 of api.md's check order: after authorization and the body's type and size (never
/// stored), before validation (whose 400 is stored). One mechanism for every POST.
public sealed class IdempotencyBehaviour<TMessage, TResponse>(
    IHttpContextAccessor accessor, RequestContext context, IdempotencyContext idempotency, IdempotencyStore store,
    IConfiguration config, TimeProvider time)
    : IPipelineBehavior<TMessage, TResponse> where TMessage : notnull, IMessage
{
    public const string Header = "Idempotency-Key";

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken ct)
    {
        var http = accessor.HttpContext;
        if (http is null || !HttpMethods.IsPost(http.Request.Method) || idempotency.Scope is not null
            || !http.Request.Headers.TryGetValue(Header, out var values))
            return await next(message, ct);

        var key = values.ToString();
        if (values.Count != 1 || key.Length is < 1 or > 255 || key.Any(c => c is < '!' or > '~'))
            throw new ApiException(400, ErrorCodes.Validation, $"{Header} must be 1 to 255 visible ASCII characters.",
                new Dictionary<string, string[]> { [Header] = ["1 to 255 visible ASCII characters."] });

        var caller = context.Caller;
        var scope = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n',
            caller.KeyScope, caller.Kind == CallerKind.Partner ? caller.CompanyId?.ToString() : "",
            http.Request.Method, http.Request.Path.Value + http.Request.QueryString.Value, key)));
        // A streamed body is hashed as the handler reads it (api.md: nothing is buffered whole).
        var streamed = (message as IHasStreamedBody)?.Body;
        var requestHash = streamed is not null ? null : SHA256.HashData(message is IHasBody { Body: var body } ? body.Bytes.Span : []);
        var lease = TimeSpan.FromSeconds(Math.Max(1, config.GetValue("Marketplace:Idempotency:LeaseSeconds", 30)));

        var claim = await store.ClaimAsync(scope, requestHash, context.Now, lease, ct);
        if (claim is { Outcome: ClaimOutcome.Done, Completed: { } completed })
            claim = IdempotencyStore.Decide(completed, await streamed!.HashToEndAsync(ct));
        switch (claim.Outcome)
        {
            case ClaimOutcome.Replay:
                throw new IdempotentReplay(claim.Stored!);
            case ClaimOutcome.InProgress:
                throw ApiException.Conflict(ErrorCodes.IdempotencyInProgress, "A request with this Idempotency-Key is still running.");
            case ClaimOutcome.KeyReused:
                throw new ApiException(422, ErrorCodes.IdempotencyKeyReused, "This Idempotency-Key was used with another body.");
            case ClaimOutcome.SecretNotReplayable:
                throw ApiException.Conflict(ErrorCodes.IdempotencySecret,
                    "The original answer held a secret, which is never stored; it cannot be replayed.");
        }
        idempotency.Claimed(scope, message is IIssuesSecret,
            token => store.RenewAsync(scope, time.GetUtcNow() + lease, token), lease / 3);
        return await next(message, ct);
    }
}

/// Thrown to answer with a stored response instead of running the request again.
public sealed class IdempotentReplay(StoredResponse response) : Exception("Idempotent replay")
{
    public StoredResponse Response { get; } = response;
}
