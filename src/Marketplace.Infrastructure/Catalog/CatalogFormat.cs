using System.Net.Http.Headers;

namespace Marketplace.Infrastructure.Catalog;

public enum CatalogFormat
{
    Ndjson,
    Csv,
}

public static class CatalogFormats
{
    public const string NdjsonMediaType = "application/x-ndjson";
    public const string CsvMediaType = "text/csv";

    /// api.md: `application/x-ndjson` or `text/csv`, anything else 415. Both are UTF-8, so a
    /// `charset` parameter other than utf-8 is refused as well.
    public static bool TryFromContentType(string? contentType, out CatalogFormat format)
    {
        format = default;
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            return false;
        }

        var charset = media.CharSet?.Trim('"');
        if (charset is not null && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (string.Equals(media.MediaType, NdjsonMediaType, StringComparison.OrdinalIgnoreCase))
        {
            format = CatalogFormat.Ndjson;
            return true;
        }

        if (string.Equals(media.MediaType, CsvMediaType, StringComparison.OrdinalIgnoreCase))
        {
            format = CatalogFormat.Csv;
            return true;
        }

        return false;
    }
}
