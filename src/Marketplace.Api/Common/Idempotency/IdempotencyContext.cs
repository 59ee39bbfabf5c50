namespace Marketplace.Api.Common.Idempotency;

/// Marks commands whose answer holds a secret (an API key): never stored, so never replayed.
public interface IIssuesSecret;

/// The claim this request holds on an idempotency record, if any (scoped per request). The
/// pipeline claims; the middleware stores the final answer and ends the lease renewal.
public sealed class IdempotencyContext : IAsyncDisposable
{
    private CancellationTokenSource? _renewal;
    private Task? _renewalLoop;

    public byte[]? Scope { get; private set; }
    public bool IssuesSecret { get; private set; }

    /// The SHA-256 of a streamed body, once the handler read it to its end (null otherwise: the
    /// claim already holds the hash of a buffered body).
    public byte[]? RequestHash { get; set; }

    public void Claimed(byte[] scope, bool issuesSecret, Func<CancellationToken, Task> renew, TimeSpan every)
    {
        Scope = scope;
        IssuesSecret = issuesSecret;
        _renewal = new CancellationTokenSource();
        var token = _renewal.Token;
        // Renew the lease while the request runs, so only a dead process loses it.
        _renewalLoop = Task.Run(async () =>
        {
            while (!token.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(every, token);
                    await renew(token);
                }
                catch (OperationCanceledException) { return; }
                catch (Exception) { /* the next tick retries; a lost lease only allows a takeover */ }
            }
        }, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        if (_renewal is null) return;
        await _renewal.CancelAsync();
        if (_renewalLoop is not null) await _renewalLoop;
        _renewal.Dispose();
        _renewal = null;
    }
}
