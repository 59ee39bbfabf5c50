namespace Marketplace.Domain.Companies;

public static class CompanySizes
{
    // Exact lower-case wire names (api.md: size in micro, small, medium, large).
    public static bool TryParse(string? s, out CompanySize size)
    {
        (var ok, size) = s switch
        {
            "micro" => (true, CompanySize.Micro),
            "small" => (true, CompanySize.Small),
            "medium" => (true, CompanySize.Medium),
            "large" => (true, CompanySize.Large),
            _ => (false, default(CompanySize)),
        };
        return ok;
    }

    public static string ToWire(CompanySize size) => size switch
    {
        CompanySize.Micro => "micro",
        CompanySize.Small => "small",
        CompanySize.Medium => "medium",
        CompanySize.Large => "large",
        _ => throw new ArgumentOutOfRangeException(nameof(size), size, "Unknown company size."),
    };

    // api.md: SME share and substitutability count micro, small and medium suppliers.
    public static bool IsSme(CompanySize size) => size is CompanySize.Micro or CompanySize.Small or CompanySize.Medium;
}
