using Marketplace.Api.Common.Errors;

namespace Marketplace.Api.Common.Auth;

/// Per-request facts: the caller, and the application clock read once (api.md: `now` is read
/// once per request and passed to SQL as a parameter).
public sealed class RequestContext(TimeProvider time)
{
    private Caller? _caller;
    private DateTimeOffset? _now;

    public Caller Caller
    {
        get => _caller ?? throw ApiException.Unauthenticated();
        set => _caller = value;
    }

    /// Truncated to microseconds: the precision every provider stores, so an answer given
    /// before a write equals the one read back after it.
    public DateTimeOffset Now => _now ??= Truncate(time.GetUtcNow());

    private static DateTimeOffset Truncate(DateTimeOffset t) =>
        new(t.UtcTicks - t.UtcTicks % 10, TimeSpan.Zero);
}
