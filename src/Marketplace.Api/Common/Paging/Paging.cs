using System.Text;
using FluentValidation;
using Marketplace.Domain;
using Microsoft.Extensions.Primitives;

namespace Marketplace.Api.Common.Paging;

/// api.md: `{ items, nextCursor }`.
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor)
{
    /// From `limit + 1` rows fetched in order: the extra row only tells that a next page exists.
    public static Page<T> From(IReadOnlyList<T> rows, int limit, string scope, Func<T, string> key) =>
        rows.Count > limit
            ? new Page<T>(rows.Take(limit).ToList(), Cursor.Encode(scope, key(rows[limit - 1])))
            : new Page<T>(rows, null);
}

/// `?limit=` and `?cursor=` as sent; validated by PagingRules before a handler reads them.
public sealed record PageArgs(StringValues Limit, StringValues Cursor)
{
    public static PageArgs From(HttpRequest request) => new(request.Query["limit"], request.Query["cursor"]);

    public int Size(int defaultLimit) => Limit.Count == 0 ? defaultLimit : int.Parse(Limit[0]!);

    /// The last key of the previous page, or null on the first page.
    public string? After(string scope) =>
        Cursor.Count == 0 ? null : Paging.Cursor.TryDecode(Cursor[0], scope, out var key) ? key : throw new ValidationException("cursor");
}

/// An opaque cursor: the endpoint-and-filter scope it belongs to, and the last item's sort key.
/// A cursor from another endpoint or filter does not decode (api.md: 400).
public static class Cursor
{
    public static string Encode(string scope, string key) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{scope}\n{key}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool TryDecode(string? cursor, string scope, out string key)
    {
        key = "";
        if (string.IsNullOrEmpty(cursor) || cursor.Length > 2048) return false;
        var s = cursor.Replace('-', '+').Replace('_', '/');
        s = s.PadRight(s.Length + (4 - s.Length % 4) % 4, '=');
        var bytes = new byte[s.Length];
        if (!Convert.TryFromBase64String(s, bytes, out var n)) return false;
        string text;
        try { text = new UTF8Encoding(false, true).GetString(bytes, 0, n); }
        catch (DecoderFallbackException) { return false; }
        var split = text.IndexOf('\n');
        if (split < 0 || !string.Equals(text[..split], scope, StringComparison.Ordinal)) return false;
        key = text[(split + 1)..];
        return key.Length > 0;
    }
}

public static class QueryRules
{
    /// limit in 1..max; a cursor that decodes for this scope; one value each.
    public static void AddPagingRules<T>(this AbstractValidator<T> validator, Func<T, PageArgs> page, Func<T, string> scope,
        Func<string, bool>? keyIsValid = null)
    {
        validator.RuleFor(x => page(x).Limit).SingleValue()
            .Must(v => v.Count == 0 || (int.TryParse(v[0], System.Globalization.NumberStyles.None, null, out var n)
                                        && n is >= 1 and <= Limits.PageLimitMax))
            .WithMessage($"limit must be a whole number from 1 to {Limits.PageLimitMax}.")
            .OverridePropertyName("limit");
        validator.RuleFor(x => x).Must(x => page(x).Cursor.Count == 0
                || (Cursor.TryDecode(page(x).Cursor[0], scope(x), out var key) && (keyIsValid?.Invoke(key) ?? true)))
            .WithMessage("cursor is not a cursor of this list and filter.")
            .OverridePropertyName("cursor");
    }

    public static IRuleBuilderOptions<T, StringValues> SingleValue<T>(this IRuleBuilder<T, StringValues> rule) =>
        rule.Must(v => v.Count <= 1).WithMessage("Give at most one value.");

    /// A filter value that, when present, must satisfy `valid`.
    public static void AddFilterRule<T>(this AbstractValidator<T> validator, string name, Func<T, StringValues> value,
        Func<string, bool> valid, string message)
    {
        validator.RuleFor(x => value(x)).SingleValue()
            .Must(v => v.Count == 0 || (v[0] is { } s && valid(s))).WithMessage(message)
            .OverridePropertyName(name);
    }

    public static string? One(this StringValues values) => values.Count == 0 ? null : values[0];
}
