namespace Marketplace.Domain.Companies;

public static class CompanyRoles
{
    public const CompanyRole All = CompanyRole.Anchor | CompanyRole.Supplier | CompanyRole.Wholesaler;

    private static readonly CompanyRole[] WireOrder = [CompanyRole.Anchor, CompanyRole.Supplier, CompanyRole.Wholesaler];

    // Exact wire names only: Enum.TryParse would also take "Anchor", "1" or "anchor, supplier".
    public static bool TryParse(string? s, out CompanyRole role)
    {
        role = s switch
        {
            "anchor" => CompanyRole.Anchor,
            "supplier" => CompanyRole.Supplier,
            "wholesaler" => CompanyRole.Wholesaler,
            _ => CompanyRole.None,
        };
        return role != CompanyRole.None;
    }

    public static string ToWire(CompanyRole single) => single switch
    {
        CompanyRole.Anchor => "anchor",
        CompanyRole.Supplier => "supplier",
        CompanyRole.Wholesaler => "wholesaler",
        _ => throw new ArgumentOutOfRangeException(nameof(single), single, "Exactly one role is expected."),
    };

    // Named apart from ToWire: C# cannot overload on the return type alone.
    public static IReadOnlyList<string> ToWireList(CompanyRole flags)
    {
        if ((flags & ~All) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(flags), flags, "Unknown role bits.");
        }

        var names = new List<string>(WireOrder.Length);
        foreach (var role in WireOrder)
        {
            if (flags.HasFlag(role))
            {
                names.Add(ToWire(role));
            }
        }

        return names;
    }
}
