using System.Text.Json;

namespace Marketplace.Infrastructure.Catalog;

/// One NDJSON line into a `CatalogRow`: the same strictness as the JSON API bodies (no
/// comments, trailing commas, duplicate properties or numbers in strings; depth 32).
internal static class NdjsonRowParser
{
    private static readonly JsonReaderOptions Options = new()
    {
        MaxDepth = 32,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    public static void Parse(ReadOnlySpan<byte> line, CatalogRow row)
    {
        var reader = new Utf8JsonReader(line, Options);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                row.FailWholeRow("The line must be one JSON object.");
                return;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = FieldOf(ref reader);
                if (field is null)
                {
                    var property = reader.GetString()!;
                    reader.Read();
                    reader.Skip();
                    row.FailUnknown(property, $"'{property}' is not a catalog item field.");
                    continue;
                }

                reader.Read();
                var f = field.Value;
                if (!row.MarkSeen(f))
                {
                    reader.Skip();
                    continue;
                }

                ReadValue(ref reader, f, row);
            }

            // The object is closed; anything after it makes the reader throw.
            if (reader.Read())
            {
                row.FailWholeRow("The line must hold exactly one JSON object.");
            }
        }
        catch (JsonException e)
        {
            row.FailWholeRow($"The line is not valid JSON (at byte {e.BytePositionInLine + 1}).");
        }
    }

    private static void ReadValue(ref Utf8JsonReader reader, CatalogField f, CatalogRow row)
    {
        var token = reader.TokenType;
        if (token == JsonTokenType.Null)
        {
            return;
        }

        switch (f)
        {
            case CatalogField.Price or CatalogField.LocalShare:
                if (token != JsonTokenType.Number)
                {
                    row.Fail(f, $"'{CatalogFields.Names[(int)f]}' must be a JSON number.");
                }
                else if (!reader.TryGetDecimal(out var d))
                {
                    row.Fail(f, $"'{CatalogFields.Names[(int)f]}' is out of range.");
                }
                else if (f == CatalogField.Price)
                {
                    row.SetPrice(d);
                }
                else
                {
                    row.SetLocalShare(d);
                }

                break;
            case CatalogField.Stock:
                if (token != JsonTokenType.Number)
                {
                    row.Fail(f, "'stock' must be a JSON number.");
                }
                else if (!reader.TryGetInt64(out var n))
                {
                    row.Fail(f, "'stock' must be a whole number >= 0.");
                }
                else
                {
                    row.SetStock(n);
                }

                break;
            default:
                if (token == JsonTokenType.String)
                {
                    row.SetText(f, reader.GetString());
                }
                else
                {
                    row.Fail(f, $"'{CatalogFields.Names[(int)f]}' must be a JSON string.");
                }

                break;
        }

        reader.Skip();
    }

    private static CatalogField? FieldOf(ref Utf8JsonReader r)
    {
        if (r.ValueTextEquals("sku"u8)) return CatalogField.Sku;
        if (r.ValueTextEquals("name"u8)) return CatalogField.Name;
        if (r.ValueTextEquals("categoryCode"u8)) return CatalogField.CategoryCode;
        if (r.ValueTextEquals("unit"u8)) return CatalogField.Unit;
        if (r.ValueTextEquals("price"u8)) return CatalogField.Price;
        if (r.ValueTextEquals("currency"u8)) return CatalogField.Currency;
        if (r.ValueTextEquals("stock"u8)) return CatalogField.Stock;
        if (r.ValueTextEquals("originCountry"u8)) return CatalogField.OriginCountry;
        if (r.ValueTextEquals("gtin"u8)) return CatalogField.Gtin;
        if (r.ValueTextEquals("originRegionCode"u8)) return CatalogField.OriginRegionCode;
        if (r.ValueTextEquals("localShare"u8)) return CatalogField.LocalShare;
        if (r.ValueTextEquals("warehouseSiteId"u8)) return CatalogField.WarehouseSiteId;
        return null;
    }
}
