namespace Marketplace.Infrastructure.Catalog;

/// A CSV body whose header cannot be used (missing, an unknown, repeated or missing required
/// column): api.md makes it a 400 before any row is read. Thrown by the first step of
/// `CatalogReader.ReadAsync` (or by `ReadHeaderAsync`), before any record is yielded.
public sealed class CatalogHeaderException : Exception
{
    public CatalogHeaderException()
        : this([new CatalogFieldError(null, "The CSV header is invalid.")])
    {
    }

    public CatalogHeaderException(string message)
        : this([new CatalogFieldError(null, message)])
    {
    }

    public CatalogHeaderException(string message, Exception innerException)
        : base(message, innerException) => Errors = [new CatalogFieldError(null, message)];

    public CatalogHeaderException(IReadOnlyList<CatalogFieldError> errors)
        : base(string.Join(" ", (errors ?? throw new ArgumentNullException(nameof(errors))).Select(e => e.Message))) =>
        Errors = errors;

    /// One entry per column at fault (`Field` = the column name); `Field` null when the header
    /// itself is missing or unreadable.
    public IReadOnlyList<CatalogFieldError> Errors { get; }
}
