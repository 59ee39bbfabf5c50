namespace Marketplace.Api.Tests.Infrastructure;

/// The application clock in tests: moved by hand instead of sleeping.
public sealed class TestClock : TimeProvider
{
    private DateTimeOffset _now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly object _lock = new();

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock) return _now;
    }

    public void Advance(TimeSpan by)
    {
        lock (_lock) _now += by;
    }

    public void Set(DateTimeOffset now)
    {
        lock (_lock) _now = now;
    }
}
