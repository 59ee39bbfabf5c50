using System.Text.RegularExpressions;

namespace Marketplace.Domain.Catalog;

// api.md "Conventions": OKPD2-style codes from group level down, validated by format only,
// compared by dot-separated segments as literal strings (so "25.62.1" is not a prefix of
// "25.62.10"; this is intended).
public static partial class CategoryCode
{
    public static bool IsValid(string? code) => code is not null && CodePattern().IsMatch(code);

    // A cluster's specializations are segment prefixes at class or group level.
    public static bool IsValidSpecialization(string? prefix) => prefix is not null && SpecializationPattern().IsMatch(prefix);

    public static int SegmentCount(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        return code.AsSpan().Count('.') + 1;
    }

    // matching.md and the analytics group by the first two segments.
    public static string Group(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        var first = code.IndexOf('.', StringComparison.Ordinal);
        var second = first < 0 ? -1 : code.IndexOf('.', first + 1);
        return second < 0 ? code : code[..second];
    }

    public static int SharedLeadingSegments(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ReadOnlySpan<char> x = a, y = b;
        var shared = 0;
        while (true)
        {
            var ex = x.IndexOf('.');
            var ey = y.IndexOf('.');
            var sx = ex < 0 ? x : x[..ex];
            var sy = ey < 0 ? y : y[..ey];
            if (!sx.SequenceEqual(sy))
            {
                return shared;
            }

            shared++;
            if (ex < 0 || ey < 0)
            {
                return shared;
            }

            x = x[(ex + 1)..];
            y = y[(ey + 1)..];
        }
    }

    public static bool HasSegmentPrefix(string code, string prefix)
    {
        ArgumentNullException.ThrowIfNull(code);
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length == 0)
        {
            return false;
        }

        return code.Length == prefix.Length
            ? string.Equals(code, prefix, StringComparison.Ordinal)
            : code.Length > prefix.Length && code[prefix.Length] == '.' && code.StartsWith(prefix, StringComparison.Ordinal);
    }

    // [0-9], not \d (which takes any Unicode digit); \z, not $ (which allows a final newline).
    [GeneratedRegex(@"^[0-9]{2}\.[0-9]{2}(\.[0-9]|\.[0-9]{2}(\.[0-9]{3})?)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex CodePattern();

    [GeneratedRegex(@"^[0-9]{2}(\.[0-9]{2})?\z", RegexOptions.CultureInvariant)]
    private static partial Regex SpecializationPattern();
}
