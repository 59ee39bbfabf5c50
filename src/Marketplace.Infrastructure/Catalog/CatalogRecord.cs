using System.Diagnostics.CodeAnalysis;

namespace Marketplace.Infrastructure.Catalog;

/// An entry of the import answer's `errors`: `Field` is null for a whole-row error (bad JSON,
/// wrong column count, a record over 64 KiB, an unterminated quote).
public readonly record struct CatalogFieldError(string? Field, string Message);

/// One non-blank record of a catalog body: the 1-based physical line where it starts, and
/// either a valid item or the errors that reject it (one per bad field).
public sealed class CatalogRecord
{
    private static readonly IReadOnlyList<CatalogFieldError> NoErrors = [];

    private CatalogRecord(long line, CatalogItem? item, IReadOnlyList<CatalogFieldError> errors, string? sku)
    {
        Line = line;
        Item = item;
        Errors = errors;
        Sku = sku;
    }

    public long Line { get; }

    public CatalogItem? Item { get; }

    public IReadOnlyList<CatalogFieldError> Errors { get; }

    /// The sku as written, also on a rejected record when it could be read (a string `sku` met
    /// before any JSON syntax error, or the sku cell of a CSV row with a wrong cell count):
    /// `?mode=replace` keeps every sku that appears in a record of the body, valid or rejected.
    /// Null when it could not be read (an over-long record, an unterminated quote, ...).
    public string? Sku { get; }

    [MemberNotNullWhen(true, nameof(Item))]
    public bool IsValid => Item is not null;

    public static CatalogRecord Valid(long line, CatalogItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new(line, item, NoErrors, item.Sku);
    }

    public static CatalogRecord Rejected(long line, IReadOnlyList<CatalogFieldError> errors, string? sku)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count == 0)
        {
            throw new ArgumentException("A rejected record has at least one error.", nameof(errors));
        }

        return new(line, null, errors, sku);
    }
}
