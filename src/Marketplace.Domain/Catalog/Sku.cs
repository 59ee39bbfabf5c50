using System.Text.RegularExpressions;

namespace Marketplace.Domain.Catalog;

// api.md "Conventions": not "." or "..", which no URL path segment can address.
public static partial class Sku
{
    public static bool IsValid(string? sku) => sku is not null && Pattern().IsMatch(sku);

    // \z, not $: $ also matches before a final newline.
    [GeneratedRegex(@"^(?!\.{1,2}\z)[A-Za-z0-9._-]{1,64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
