using System.Text.Json;

namespace Marketplace.Infrastructure.Catalog;

// One NDJSON line into a `CatalogRow`: the same strictness as the JSON API bodies (no
// comments, trailing commas, duplicate properties or numbers in strings; depth 32).
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
                    if (!TryGetString(ref reader, out var property))
                    {
                        row.FailWholeRow(LoneSurrogate("A property name"));
                        return;
                    }

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
                if (token != JsonTokenType.String)
                {
                    row.Fail(f, $"'{CatalogFields.Names[(int)f]}' must be a JSON string.");
                }
                else if (!reader.ValueIsEscaped)
                {
                    // The line is one span, so the value is too: no `HasValueSequence`.
                    row.SetUtf8(f, reader.ValueSpan);
                }
                else if (TryGetString(ref reader, out var text))
                {
                    row.SetText(f, text);
                }
                else
                {
                    row.Fail(f, LoneSurrogate($"'{CatalogFields.Names[(int)f]}'"));
                }

                break;
        }

        reader.Skip();
    }

    // A \u escape of a lone surrogate (\uD800) is valid JSON syntax but names no character, so no
    // string can hold it: GetString throws. The JSON API bodies reject it too.
    private static bool TryGetString(ref Utf8JsonReader r, out string text)
    {
        try
        {
            text = r.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            text = "";
            return false;
        }
    }

    private static string LoneSurrogate(string what) => $"{what} holds a \\u escape of a lone surrogate, which is not a character.";

    private static CatalogField? FieldOf(ref Utf8JsonReader r)
    {
        if (r.ValueIsEscaped || r.HasValueSequence)
        {
            // Not a field name when it cannot be read: the caller rejects the row.
            if (!TryGetString(ref r, out var escaped)) return null;
            var index = CatalogFields.IndexOf(escaped);
            return index < 0 ? null : (CatalogField)index;
        }

        // A switch on the length first: this runs for every property of every row.
        var name = r.ValueSpan;
        return name.Length switch
        {
            3 when name.SequenceEqual("sku"u8) => CatalogField.Sku,
            4 when name.SequenceEqual("name"u8) => CatalogField.Name,
            4 when name.SequenceEqual("unit"u8) => CatalogField.Unit,
            4 when name.SequenceEqual("gtin"u8) => CatalogField.Gtin,
            5 when name.SequenceEqual("price"u8) => CatalogField.Price,
            5 when name.SequenceEqual("stock"u8) => CatalogField.Stock,
            8 when name.SequenceEqual("currency"u8) => CatalogField.Currency,
            10 when name.SequenceEqual("localShare"u8) => CatalogField.LocalShare,
            12 when name.SequenceEqual("categoryCode"u8) => CatalogField.CategoryCode,
            13 when name.SequenceEqual("originCountry"u8) => CatalogField.OriginCountry,
            15 when name.SequenceEqual("warehouseSiteId"u8) => CatalogField.WarehouseSiteId,
            16 when name.SequenceEqual("originRegionCode"u8) => CatalogField.OriginRegionCode,
            _ => null,
        };
    }
}
