using System.Globalization;
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

// One row being read: raw values set by the NDJSON or CSV parser, then validated once by
// `Build`, so both formats share every rule and message. Reused from row to row.
internal sealed class CatalogRow
{
    private const string DefaultCurrency = "RUB";

    private static readonly Func<string, bool> ValidSku = DomainSku.IsValid;
    private static readonly Func<string, bool> ValidName = n => !string.IsNullOrWhiteSpace(n) && n.Length <= Limits.NameMaxLength;
    private static readonly Func<string, bool> ValidCategory = DomainCategoryCode.IsValid;
    private static readonly Func<string, bool> ValidGtin = IsGtin;
    private static readonly Func<string, bool> ValidId = Id.IsValid;

    private readonly string?[] text = new string?[CatalogFields.Count];
    private readonly List<CatalogFieldError> errors = new(4);
    private decimal? price;
    private decimal? localShare;
    private long? stock;
    private int seen;
    private int bad;
    private string? wholeRowError;

    // Bound once: method groups would allocate a delegate per row.
    private readonly Func<string, bool> isUnit;
    private readonly Func<string, bool> isCurrency;
    private readonly Func<string, bool> isCountry;
    private readonly Func<string, bool> isRuRegion;

    public CatalogRow(ReferenceData reference)
    {
        isUnit = reference.IsUnit;
        isCurrency = reference.IsCurrency;
        isCountry = reference.IsCountry;
        isRuRegion = reference.IsRuRegion;
    }

    public void Reset()
    {
        Array.Clear(text);
        errors.Clear();
        price = localShare = null;
        stock = null;
        seen = bad = 0;
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

    public void SetText(CatalogField f, string? value) => text[(int)f] = value;

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

    // CSV cells are text; NDJSON numbers arrive parsed (`SetPrice`, ...).
    public void ParseNumbers()
    {
        price = ParseDecimal(CatalogField.Price) ?? price;
        localShare = ParseDecimal(CatalogField.LocalShare) ?? localShare;
        var s = text[(int)CatalogField.Stock];
        if (s is not null && !IsBad(CatalogField.Stock))
        {
            if (long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
            {
                stock = v;
            }
            else
            {
                Fail(CatalogField.Stock, "'stock' must be a whole number such as 120.");
            }
        }
    }

    public CatalogRecord Build(long line)
    {
        var rawSku = text[(int)CatalogField.Sku];
        if (wholeRowError is not null)
        {
            return CatalogRecord.Rejected(line, [new CatalogFieldError(null, wholeRowError)], rawSku);
        }

        var sku = Required(CatalogField.Sku, ValidSku,
            "'sku' must be 1 to 64 characters A-Z, a-z, 0-9, '.', '_' or '-' (not '.' or '..').");
        var name = Required(CatalogField.Name, ValidName,
            $"'name' must be non-blank and at most {Limits.NameMaxLength} characters.");
        var category = Required(CatalogField.CategoryCode, ValidCategory,
            "'categoryCode' must be an OKPD2-style code such as 25.62, 25.62.1, 25.62.10 or 25.62.10.110.");
        var unitText = text[(int)CatalogField.Unit];
        text[(int)CatalogField.Unit] = unitText?.ToUpperInvariant();
        var unit = Required(CatalogField.Unit, isUnit, "'unit' must be a UN/ECE Rec 20 unit code such as PCE, KGM or MTR.");
        var currency = Optional(CatalogField.Currency, isCurrency, "'currency' must be an active ISO 4217 code such as RUB.")
            ?? DefaultCurrency;
        var country = Required(CatalogField.OriginCountry, isCountry,
            "'originCountry' must be an ISO 3166-1 alpha-2 code such as RU or CN.");
        var gtin = Optional(CatalogField.Gtin, ValidGtin, "'gtin' must be 8, 12, 13 or 14 digits.");
        var region = Optional(CatalogField.OriginRegionCode, isRuRegion,
            "'originRegionCode' must be an ISO 3166-2:RU code such as RU-KLU.");
        if (region is not null && country is not null && country != "RU")
        {
            Fail(CatalogField.OriginRegionCode, "'originRegionCode' is allowed only with originCountry RU.");
        }

        var site = Optional(CatalogField.WarehouseSiteId, ValidId, "'warehouseSiteId' must be a site id (a UUID).");
        CheckNumber(CatalogField.Price, price, static p => p >= 0, "'price' must be a number >= 0.");
        CheckNumber(CatalogField.Stock, stock, static s => s >= 0, "'stock' must be a whole number >= 0.");
        if (!IsBad(CatalogField.LocalShare) && localShare is { } share && share is < 0 or > 1)
        {
            Fail(CatalogField.LocalShare, "'localShare' must be between 0 and 1.");
        }

        if (errors.Count > 0)
        {
            return CatalogRecord.Rejected(line, errors.ToArray(), rawSku);
        }

        return CatalogRecord.Valid(line, new CatalogItem(sku!, name!, category!, unit!, CatalogItem.Canonical(price!.Value), currency,
            stock!.Value, country!, gtin, region, localShare is { } ls ? CatalogItem.Canonical(ls) : null, site is null ? null : Guid.ParseExact(site, "D")));
    }

    private static string Name(CatalogField f) => CatalogFields.Names[(int)f];

    private static bool IsGtin(string s) => s.Length is 8 or 12 or 13 or 14 && s.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0;

    private bool IsBad(CatalogField f) => (bad & (1 << (int)f)) != 0;

    private string? Required(CatalogField f, Func<string, bool> valid, string message)
    {
        if (IsBad(f))
        {
            return null;
        }

        var value = text[(int)f];
        if (value is null)
        {
            Fail(f, $"'{Name(f)}' is required.");
            return null;
        }

        if (!valid(value))
        {
            Fail(f, message);
            return null;
        }

        return value;
    }

    private string? Optional(CatalogField f, Func<string, bool> valid, string message)
    {
        var value = text[(int)f];
        if (IsBad(f) || value is null)
        {
            return null;
        }

        if (!valid(value))
        {
            Fail(f, message);
            return null;
        }

        return value;
    }

    private void CheckNumber<T>(CatalogField f, T? value, Func<T, bool> valid, string message)
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
        else if (!valid(value.Value))
        {
            Fail(f, message);
        }
    }

    private decimal? ParseDecimal(CatalogField f)
    {
        var s = text[(int)f];
        if (s is null || IsBad(f))
        {
            return null;
        }

        // api.md: decimal point '.', no exponent, no thousands separator.
        if (decimal.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v))
        {
            return v;
        }

        Fail(f, $"'{Name(f)}' must be a decimal number with a '.' decimal point, such as 12.50.");
        return null;
    }
}
