namespace Marketplace.Domain.Needs;

public enum NeedStatus { Draft, Open, Closed, Awarded, Cancelled }

public static class NeedStatuses
{
    public static string ToWire(NeedStatus status) => status switch
    {
        NeedStatus.Draft => "draft",
        NeedStatus.Open => "open",
        NeedStatus.Closed => "closed",
        NeedStatus.Awarded => "awarded",
        NeedStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static bool TryParse(string? s, out NeedStatus status)
    {
        foreach (var candidate in Enum.GetValues<NeedStatus>())
        {
            if (string.Equals(ToWire(candidate), s, StringComparison.Ordinal))
            {
                status = candidate;
                return true;
            }
        }
        status = default;
        return false;
    }
}
