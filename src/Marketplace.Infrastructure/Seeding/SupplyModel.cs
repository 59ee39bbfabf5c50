using Marketplace.Domain.Companies;
using Marketplace.Domain.Geo;

namespace Marketplace.Infrastructure.Seeding;

/// A cluster as the generator needs it. `Key` picks the local vocabulary (city names) and
/// `AnchorKinds` the anchors' trades; both come from seeds/demo/clusters.json.
public sealed record SupplyCluster(
    Guid Id, string Key, string RegionCode, GeoPoint Center, IReadOnlyList<string> Specializations,
    IReadOnlyList<string> AnchorKinds);

public sealed record SeedCompany(
    Guid Id, string Name, string TaxId, CompanyRole Roles, CompanySize Size, IReadOnlyList<string> Certifications,
    string ClusterKey, IReadOnlyList<SeedSite> Sites)
{
    public IEnumerable<SeedCapability> Capabilities => Sites.SelectMany(s => s.Capabilities);
}

/// `ClusterId` null: the site is in the cluster's region but the company is not a member there.
public sealed record SeedSite(
    Guid Id, string Name, double Lat, double Lon, Guid? ClusterId, string RegionCode, IReadOnlyList<SeedCapability> Capabilities);

public sealed record SeedCapability(
    Guid Id, string CategoryCode, string? Description, double CapacityPerMonth, string Unit, double LocalShare);

/// The demo's supply side: anchors first, then wholesalers, then suppliers.
public sealed record DemoSupply(IReadOnlyList<SeedCompany> Anchors, IReadOnlyList<SeedCompany> Wholesalers,
    IReadOnlyList<SeedCompany> Suppliers)
{
    public IEnumerable<SeedCompany> Companies => Anchors.Concat(Wholesalers).Concat(Suppliers);
}

public readonly record struct SupplyCounts(int Companies, int Sites, int Capabilities)
{
    public static SupplyCounts Of(IEnumerable<SeedCompany> companies)
    {
        int c = 0, s = 0, k = 0;
        foreach (var company in companies)
        {
            c++;
            s += company.Sites.Count;
            foreach (var site in company.Sites) k += site.Capabilities.Count;
        }
        return new SupplyCounts(c, s, k);
    }
}
