using Marketplace.Domain.Catalog;
using Marketplace.Domain.Companies;
using Marketplace.Domain.Geo;
using Marketplace.Infrastructure.Reference;
using Marketplace.Infrastructure.Seeding;

namespace Marketplace.Api.Tests.Seeding;

/// The generator alone, without a database.
public sealed class SupplyGeneratorTests
{
    private static readonly Domain.Reference.ReferenceData Reference = ReferenceDataLoader.Load();

    [Fact]
    public void Same_seed_gives_the_same_names_tax_ids_and_capability_codes()
    {
        // Fresh cluster ids each time: ids may differ between runs, content may not.
        var first = Describe(Generate(seed: 42).Companies);
        var second = Describe(Generate(seed: 42).Companies);
        Assert.Equal(first, second);
        Assert.NotEqual(first, Describe(Generate(seed: 43).Companies));
    }

    [Fact]
    public void Demo_supply_is_plausible()
    {
        var clusters = Clusters();
        var byId = clusters.ToDictionary(c => c.Id);
        var byKey = clusters.ToDictionary(c => c.Key);
        var demo = new SupplyGenerator(clusters, Reference.Okpd2).Demo();
        var companies = demo.Companies.ToList();

        Assert.Equal(companies.Count, companies.Select(c => c.TaxId).Distinct().Count());
        Assert.All(companies, c => Assert.True(TaxId.IsValid(c.TaxId), c.TaxId));
        Assert.Equal(companies.Count(c => !c.Name.StartsWith("ИП ", StringComparison.Ordinal)),
            companies.Where(c => !c.Name.StartsWith("ИП ", StringComparison.Ordinal)).Select(c => c.Name).Distinct().Count());
        Assert.All(companies.SelectMany(c => c.Certifications), code => Assert.True(Certification.IsValid(code), code));

        // Anchors: 1-2 per cluster, large, 1-2 plants within 30 km of the centre.
        Assert.All(demo.Anchors.GroupBy(a => a.ClusterKey), g => Assert.InRange(g.Count(), 1, 2));
        Assert.Equal(clusters.Count, demo.Anchors.Select(a => a.ClusterKey).Distinct().Count());
        Assert.All(demo.Anchors, a =>
        {
            Assert.Equal((CompanyRole.Anchor, CompanySize.Large), (a.Roles, a.Size));
            Assert.InRange(a.Sites.Count, 1, 2);
            Assert.All(a.Sites, s => Assert.InRange(Km(byKey[a.ClusterKey].Center, s), 0, 30));
            Assert.Empty(a.Capabilities);
        });

        // Wholesalers: 3-4, large, 1-3 warehouses in clusters.
        Assert.InRange(demo.Wholesalers.Count, 3, 4);
        Assert.All(demo.Wholesalers, w =>
        {
            Assert.Equal((CompanyRole.Wholesaler, CompanySize.Large), (w.Roles, w.Size));
            Assert.InRange(w.Sites.Count, 1, 3);
            Assert.All(w.Sites, s => Assert.InRange(Km(byId[s.ClusterId!.Value].Center, s), 0, 30));
        });

        // Suppliers: >= 500 SMEs and a few large ones, 1-3 sites within 40 km, 1-4 capabilities
        // under their cluster's specializations.
        Assert.True(demo.Suppliers.Count(s => CompanySizes.IsSme(s.Size)) >= 500);
        Assert.Contains(demo.Suppliers, s => s.Size == CompanySize.Large);
        Assert.All(demo.Suppliers, s =>
        {
            var cluster = byKey[s.ClusterKey];
            Assert.Equal(CompanyRole.Supplier, s.Roles);
            Assert.InRange(s.Sites.Count, 1, 3);
            Assert.InRange(s.Capabilities.Count(), 1, 4);
            Assert.All(s.Sites, site =>
            {
                Assert.True(site.ClusterId is null || site.ClusterId == cluster.Id);
                Assert.Equal(cluster.RegionCode, site.RegionCode);
                Assert.InRange(Km(cluster.Center, site), 0, 40);
            });
            Assert.All(s.Capabilities, k =>
            {
                Assert.True(cluster.Specializations.Any(p => CategoryCode.HasSegmentPrefix(k.CategoryCode, p)), $"{k.CategoryCode} in {cluster.Key}");
                Assert.True(CategoryCode.IsValid(k.CategoryCode), k.CategoryCode);
                Assert.True(Reference.Okpd2.ContainsKey(k.CategoryCode), k.CategoryCode);
                Assert.True(Reference.IsUnit(k.Unit), k.Unit);
                Assert.True(k.CapacityPerMonth > 0);
                Assert.InRange(k.LocalShare, 0, 1);
            });
        });
        var sites = demo.Suppliers.SelectMany(s => s.Sites).ToList();
        Assert.InRange(sites.Count(s => s.ClusterId is null), 1, sites.Count / 3);

        // Units that fit: cables in metres, castings and chemicals by weight, mostly pieces.
        var capabilities = demo.Suppliers.SelectMany(s => s.Capabilities).ToList();
        Assert.All(capabilities.Where(k => k.CategoryCode.StartsWith("27.32", StringComparison.Ordinal)), k => Assert.Equal("MTR", k.Unit));
        Assert.All(capabilities.Where(k => k.CategoryCode.StartsWith("24.5", StringComparison.Ordinal)), k => Assert.Contains(k.Unit, new[] { "KGM", "TNE" }));
        Assert.True(capabilities.Count(k => k.Unit == "PCE") > capabilities.Count / 2);
        // A realistic spread of local shares, not one value.
        var shares = capabilities.Select(k => k.LocalShare).ToList();
        var mean = shares.Average();
        Assert.True(shares.Min() < 0.3 && shares.Max() > 0.9, $"shares {shares.Min()}..{shares.Max()}");
        Assert.True(Math.Sqrt(shares.Average(x => (x - mean) * (x - mean))) > 0.1);

        // Sector certifications where the trade needs them.
        Assert.Contains(demo.Suppliers, s => s.Certifications.Contains("IATF16949") && s.Capabilities.Any(k => k.CategoryCode.StartsWith("29.", StringComparison.Ordinal)));
        Assert.Contains(demo.Suppliers, s => s.Certifications.Contains("GMP") && s.Capabilities.Any(k => k.CategoryCode.StartsWith("21.", StringComparison.Ordinal)));
        Assert.Contains(demo.Suppliers, s => s.Certifications.Contains("AS9100"));
        Assert.Contains(demo.Suppliers, s => s.Certifications.Contains("ISO9001"));
    }

    [Fact]
    public void A_supplier_never_gets_more_capabilities_than_asked()
    {
        var generator = new SupplyGenerator(Clusters(), Reference.Okpd2);
        for (var i = 0; i < 200; i++)
            Assert.Single(generator.NextSupplier(maxCapabilities: 1).Capabilities);
    }

    private static DemoSupply Generate(int seed) => new SupplyGenerator(Clusters(), Reference.Okpd2, seed).Demo();

    private static List<SupplyCluster> Clusters() => DemoClusters.Load().Select(c => c.ToSupply(Guid.NewGuid())).ToList();

    private static List<string> Describe(IEnumerable<SeedCompany> companies) => companies.Select(c =>
        $"{c.Name}|{c.TaxId}|{c.Roles}|{c.Size}|{string.Join(",", c.Certifications)}|" + string.Join(";", c.Sites.Select(s =>
            $"{s.Name}@{s.Lat},{s.Lon},{s.ClusterId is null}:" + string.Join(",", s.Capabilities.Select(k =>
                $"{k.CategoryCode} {k.CapacityPerMonth} {k.Unit} {k.LocalShare} {k.Description}"))))).ToList();

    /// Haversine distance as in matching.md (R = 6371.0088 km).
    private static double Km(GeoPoint center, SeedSite site)
    {
        static double Rad(double d) => d * Math.PI / 180;
        var dLat = Rad(site.Lat - center.Lat);
        var dLon = Rad(site.Lon - center.Lon);
        var a = Math.Pow(Math.Sin(dLat / 2), 2) + Math.Cos(Rad(center.Lat)) * Math.Cos(Rad(site.Lat)) * Math.Pow(Math.Sin(dLon / 2), 2);
        return 2 * 6371.0088 * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }
}
