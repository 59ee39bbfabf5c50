namespace Marketplace.Api.Common.Http;

/// If-Match as RFC 9110 defines it: `*` matches any current representation; otherwise a list
/// of strong entity tags compared strongly (a weak tag never matches).
public static class ETags
{
    public static bool Matches(string ifMatch, string current)
    {
        foreach (var raw in ifMatch.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (raw == "*") return true;
            if (!raw.StartsWith("W/", StringComparison.Ordinal) && string.Equals(raw, current, StringComparison.Ordinal)) return true;
        }
        return false;
    }
}
