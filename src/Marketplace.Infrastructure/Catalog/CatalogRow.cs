using System.Globalization;
using System.Text;
using Marketplace.Domain;
using Marketplace.Domain.Reference;
using DomainCategoryCode = Marketplace.Domain.Catalog.CategoryCode;
using DomainSku = Marketplace.Domain.Catalog.Sku;

namespace Marketplace.Infrastructure.Catalog;

// The fields of a catalog row, in api.md's order (also the CSV column names).
internal enum CatalogField
{
    Sku,
    Name,
    CategoryCode,
    Unit,
    Price,
    Currency,
    Stock,
    OriginCountry,
    Gtin,
    OriginRegionCode,
    LocalShare,
    WarehouseSiteId,
}

internal static class CatalogFields
{
    public const int Count = 12;

    public static readonly string[] Names =
    [
        "sku", "name", "categoryCode", "unit", "price", "currency", "stock", "originCountry", "gtin", "originRegionCode",
        "localShare", "warehouseSiteId",
    ];

    public static bool IsRequired(CatalogField f) => f is CatalogField.Sku or CatalogField.Name or CatalogField.CategoryCode
        or CatalogField.Unit or CatalogField.Price or CatalogField.Stock or CatalogField.OriginCountry;

    public static int IndexOf(string name) => Array.IndexOf(Names, name);
}

// One row being read: values set by the NDJSON or CSV parser, each checked as it is set
// (repeated ones through `CheckedValues`), the errors then raised once by `Build` in one fixed
// order, so both formats share every rule and message. Reused from row to row.
internal sealed class CatalogRow
{
    private const string DefaultCurrency = "RUB";

    // Formatted once: an interpolated message argument would be a new string for every row.
    private static readonly string NameMessage = $"'name' must be non-blank and at most {Limits.NameMaxLength} characters.";

    private readonly string?[] text = new string?[CatalogFields.Count];
    private readonly List<CatalogFieldError> errors = new(4);
    private readonly CheckedValues<string>?[] repeated = new CheckedValues<string>?[CatalogFields.Count];
    private readonly CheckedValues<Guid?> sites = new(s => Id.TryParse(s, out var id) ? id : null);
    private decimal? price;
    private decimal? localShare;
    private long? stock;
    private Guid? site;
    private int seen;
    private int bad;
    private int given;
    private int valid;
    private string? wholeRowError;

    public CatalogRow(ReferenceData reference)
    {
        // The checked form of a repeated value is the one stored: units upper-cased.
        Repeated(CatalogField.CategoryCode, s => DomainCategoryCode.IsValid(s) ? s : null);
        Repeated(CatalogField.Unit, s => s.ToUpperInvariant() is var unit && reference.IsUnit(unit) ? unit : null);
        Repeated(CatalogField.Currency, s => reference.IsCurrency(s) ? s : null);
        Repeated(CatalogField.OriginCountry, s => reference.IsCountry(s) ? s : null);
        Repeated(CatalogField.OriginRegionCode, s => reference.IsRuRegion(s) ? s : null);
    }

    // The parse order of CSV numbers, which is the order of their errors.
    public static ReadOnlySpan<CatalogField> TextNumbers => [CatalogField.Price, CatalogField.LocalShare, CatalogField.Stock];

    public void Reset()
    {
        Array.Clear(text);
        errors.Clear();
        price = localShare = null;
        stock = null;
        site = null;
        seen = bad = given = valid = 0;
        wholeRowError = null;
    }

    // False (after recording the error) when the field was already given in this row.
    public bool MarkSeen(CatalogField f)
    {
        var bit = 1 << (int)f;
        if ((seen & bit) != 0)
        {
            Fail(f, $"'{Name(f)}' is given more than once.");
            return false;
        }

        seen |= bit;
        return true;
    }

    // A text field; null (absent) is a no-op.
    public void SetText(CatalogField f, string? value)
    {
        if (value is null)
        {
            return;
        }

        text[(int)f] = value;
        Given(f, f switch
        {
            CatalogField.Sku => DomainSku.IsValid(value),
            CatalogField.Name => !string.IsNullOrWhiteSpace(value) && value.Length <= Limits.NameMaxLength,
            CatalogField.Gtin => IsGtin(value),
            CatalogField.WarehouseSiteId => (site = sites.Check(value)) is not null,
            _ => (text[(int)f] = repeated[(int)f]!.Check(value)) is not null,
        });
    }

    // A text field as its UTF-8 bytes (no JSON escapes or doubled CSV quotes): repeated values
    // are looked up by these bytes, the others become their string.
    public void SetUtf8(CatalogField f, ReadOnlySpan<byte> utf8)
    {
        if (f == CatalogField.WarehouseSiteId)
        {
            Given(f, (site = sites.Check(utf8)) is not null);
        }
        else if (repeated[(int)f] is { } values)
        {
            Given(f, (text[(int)f] = values.Check(utf8)) is not null);
        }
        else
        {
            SetText(f, Encoding.UTF8.GetString(utf8));
        }
    }

    public void SetPrice(decimal value) => price = value;

    public void SetLocalShare(decimal value) => localShare = value;

    public void SetStock(long value) => stock = value;

    public void Fail(CatalogField f, string message)
    {
        var bit = 1 << (int)f;
        if ((bad & bit) != 0)
        {
            return;
        }

        bad |= bit;
        errors.Add(new CatalogFieldError(Name(f), message));
    }

    public void FailUnknown(string property, string message) => errors.Add(new CatalogFieldError(property, message));

    // Bad JSON, a wrong cell count and the like: the row's only error, whatever else was found.
    public void FailWholeRow(string message) => wholeRowError ??= message;

    // A CSV number cell (one of `TextNumbers`, called in that order); NDJSON numbers arrive
    // parsed (`SetPrice`, ...). An empty cell is null.
    public void ParseNumber(CatalogField f, ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty || IsBad(f))
        {
            return;
        }

        if (f == CatalogField.Stock)
        {
            if (long.TryParse(utf8, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
            {
                stock = v;
            }
            else
            {
                Fail(f, "'stock' must be a whole number such as 120.");
            }

            return;
        }

        // api.md: decimal point '.', no exponent, no thousands separator.
        if (decimal.TryParse(utf8, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d))
        {
            if (f == CatalogField.Price)
            {
                price = d;
            }
            else
            {
                localShare = d;
            }
        }
        else
        {
            Fail(f, $"'{Name(f)}' must be a decimal number with a '.' decimal point, such as 12.50.");
        }
    }

    public CatalogRecord Build(long line)
    {
        var rawSku = text[(int)CatalogField.Sku];
        if (wholeRowError is not null)
        {
            return CatalogRecord.Rejected(line, [new CatalogFieldError(null, wholeRowError)], rawSku);
        }

        var sku = Checked(CatalogField.Sku, "'sku' must be 1 to 64 characters A-Z, a-z, 0-9, '.', '_' or '-' (not '.' or '..').");
        var name = Checked(CatalogField.Name, NameMessage);
        var category = Checked(CatalogField.CategoryCode,
            "'categoryCode' must be an OKPD2-style code such as 25.62, 25.62.1, 25.62.10 or 25.62.10.110.");
        var unit = Checked(CatalogField.Unit, "'unit' must be a UN/ECE Rec 20 unit code such as PCE, KGM or MTR.");
        var currency = Checked(CatalogField.Currency, "'currency' must be an active ISO 4217 code such as RUB.") ?? DefaultCurrency;
        var country = Checked(CatalogField.OriginCountry, "'originCountry' must be an ISO 3166-1 alpha-2 code such as RU or CN.");
        var gtin = Checked(CatalogField.Gtin, "'gtin' must be 8, 12, 13 or 14 digits.");
        var region = Checked(CatalogField.OriginRegionCode, "'originRegionCode' must be an ISO 3166-2:RU code such as RU-KLU.");
        if (region is not null && country is not null && country != "RU")
        {
            Fail(CatalogField.OriginRegionCode, "'originRegionCode' is allowed only with originCountry RU.");
        }

        Checked(CatalogField.WarehouseSiteId, "'warehouseSiteId' must be a site id (a UUID).");
        CheckNumber(CatalogField.Price, price, price >= 0, "'price' must be a number >= 0.");
        CheckNumber(CatalogField.Stock, stock, stock >= 0, "'stock' must be a whole number >= 0.");
        if (!IsBad(CatalogField.LocalShare) && localShare is { } share && share is < 0 or > 1)
        {
            Fail(CatalogField.LocalShare, "'localShare' must be between 0 and 1.");
        }

        if (errors.Count > 0)
        {
            return CatalogRecord.Rejected(line, errors.ToArray(), rawSku);
        }

        return CatalogRecord.Valid(line, new CatalogItem(sku!, name!, category!, unit!, CatalogItem.Canonical(price!.Value), currency,
            stock!.Value, country!, gtin, region, localShare is { } ls ? CatalogItem.Canonical(ls) : null, site));
    }

    private static string Name(CatalogField f) => CatalogFields.Names[(int)f];

    private static bool IsGtin(string s) => s.Length is 8 or 12 or 13 or 14 && s.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0;

    private void Repeated(CatalogField f, Func<string, string?> check) => repeated[(int)f] = new CheckedValues<string>(check);

    private void Given(CatalogField f, bool isValid)
    {
        given |= 1 << (int)f;
        if (isValid)
        {
            valid |= 1 << (int)f;
        }
    }

    private bool IsBad(CatalogField f) => (bad & (1 << (int)f)) != 0;

    // The field's checked text, or null after its error (required and missing, or invalid);
    // null without an error when it was already bad or is optional and missing.
    private string? Checked(CatalogField f, string message)
    {
        var bit = 1 << (int)f;
        if (IsBad(f))
        {
            return null;
        }

        if ((given & bit) == 0)
        {
            if (CatalogFields.IsRequired(f))
            {
                Fail(f, $"'{Name(f)}' is required.");
            }

            return null;
        }

        if ((valid & bit) == 0)
        {
            Fail(f, message);
            return null;
        }

        return text[(int)f];
    }

    private void CheckNumber<T>(CatalogField f, T? value, bool isValid, string message)
        where T : struct
    {
        if (IsBad(f))
        {
            return;
        }

        if (value is null)
        {
            Fail(f, $"'{Name(f)}' is required.");
        }
        else if (!isValid)
        {
            Fail(f, message);
        }
    }
}
