using Marketplace.Domain.Companies;
using Marketplace.Domain.Matching;

namespace Marketplace.Domain.Tests.Matching;

/// matching.md's worked example and each rule, against hand-computed values.
public sealed class MatchFormulaTests
{
    private static readonly Guid Owner = Guid.Parse("01900000-0000-7000-a000-0000000000ff");

    private static MatchNeed WorkedNeed(MatchScope scope = MatchScope.Any, MatchWeights? weights = null, double? scale = null,
        double min = 0.3, double? radius = null, string[]? certs = null) =>
        new(Owner, "25.62.10", 100, "PCE", certs ?? [], 54.6, 36.3, Guid.Parse("01900000-0000-7000-8000-0000000000c1"), "RU-KLU",
            0.2, min, 1_000_000, scope, radius, weights, scale, 4_000_000);

    private static Candidate Cand(string id, double lat, double lon, string code, double capacity, double localShare,
        CompanySize size = CompanySize.Small, string unit = "PCE", Guid? cluster = null, string region = "RU-KLU",
        string[]? certs = null, bool active = true, CompanyRole roles = CompanyRole.Supplier, Guid? company = null,
        CandidateKind kind = CandidateKind.Capability, string? sku = null) =>
        new(kind, company ?? Guid.Parse($"01900000-0000-7000-8000-{id.PadLeft(12, '0')}"), "C" + id, size, active, roles,
            new HashSet<string>(certs ?? [], StringComparer.Ordinal), Guid.NewGuid(), lat, lon, cluster, region,
            kind == CandidateKind.Capability ? Guid.Parse($"01900000-0000-7000-9000-{id.PadLeft(12, '0')}") : null, sku,
            code, capacity, unit, localShare);

    [Fact]
    public void Worked_example_ranks_c1_then_c2_with_the_documented_values()
    {
        var need = WorkedNeed();
        var c1 = Cand("1", 54.6, 36.3, "25.62.10", 50, 0.9);
        var c2 = Cand("2", 55.6, 36.3, "25.62", 500, 0.5, CompanySize.Medium);
        var c3 = Cand("3", 54.6, 37.3, "25.62.10.110", 100, 0.25, CompanySize.Micro);
        var c4 = Cand("4", 54.6, 36.3, "25.62.10", 900, 1.0, CompanySize.Large);

        var ranked = MatchFormula.Rank(need, [c3, c4, c2, c1], new MatchOptions());

        Assert.Equal([c1.CompanyId, c2.CompanyId], ranked.Select(m => m.CompanyId));
        var m1 = ranked[0];
        Assert.Equal(0, m1.DistanceKm);
        Assert.Equal(1, m1.Proximity);
        Assert.Equal(1, m1.CategoryMatch);
        Assert.Equal(0.5, m1.CapacityCoverage);
        Assert.Equal(0.85, m1.Capability, 1e-12);
        Assert.Equal(0.7, m1.Localization, 1e-12);
        Assert.Equal(0.85, m1.Score, 1e-12);
        Assert.Equal(17.5, m1.LocalizationGainPoints, 1e-9);
        var m2 = ranked[1];
        Assert.Equal(111.195080233533, m2.DistanceKm, 1e-9);
        Assert.Equal(0.462667991294, m2.Proximity, 1e-12);
        Assert.Equal(2.0 / 3, m2.CategoryMatch);
        Assert.Equal(0.766666666667, m2.Capability, 1e-12);
        Assert.Equal(0.3, m2.Localization, 1e-12);
        Assert.Equal(0.535467064055, m2.Score, 1e-12);
        Assert.Equal(7.5, m2.LocalizationGainPoints, 1e-9);
    }

    [Fact]
    public void Score_is_exactly_the_weighted_sum_of_the_reported_factors()
    {
        var need = WorkedNeed(weights: new MatchWeights(1, 0.5, 0.25));
        var match = Assert.Single(MatchFormula.Rank(need, [Cand("2", 55.6, 36.3, "25.62", 500, 0.5)], new MatchOptions()));
        var w = match.Weights;
        Assert.Equal((w.Proximity * match.Proximity + w.Capability * match.Capability) + w.Localization * match.Localization, match.Score);
        Assert.Equal(1 / 1.75, w.Proximity);
        Assert.Equal(0.5 / 1.75, w.Capability);
        Assert.Equal(0.25 / 1.75, w.Localization);
    }

    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(100, 0.5)]
    [InlineData(200, 0.25)]
    public void Proximity_halves_every_scale(double km, double expected) =>
        Assert.Equal(expected, MatchFormula.Proximity(km, 100), 1e-15);

    [Fact]
    public void A_custom_scale_changes_the_decay() =>
        Assert.Equal(0.5, MatchFormula.Proximity(50, 50), 1e-15);

    [Theory]
    [InlineData("25.62.10", "25.62.10.110", 1.0)]
    [InlineData("25.62.10", "25.62.10", 1.0)]
    [InlineData("25.62.10", "25.62", 2.0 / 3)]
    [InlineData("25.62.10.110", "25.62.10", 0.75)]
    [InlineData("25.62.10", "25.62.1", 2.0 / 3)]
    [InlineData("25.62", "25.62.10", 1.0)]
    public void Category_match_counts_shared_leading_segments(string need, string candidate, double expected) =>
        Assert.Equal(expected, MatchFormula.CategoryMatch(need, candidate));

    [Theory]
    [InlineData(50, 100, 0.5)]
    [InlineData(100, 100, 1.0)]
    [InlineData(900, 100, 1.0)]
    public void Capacity_coverage_is_capped_at_one(double capacity, double quantity, double expected) =>
        Assert.Equal(expected, MatchFormula.CapacityCoverage(capacity, quantity));

    [Fact]
    public void Localization_gain_is_never_negative_but_gain_points_are()
    {
        Assert.Equal(0, MatchFormula.Localization(0.1, 0.2));
        Assert.Equal(-2.5, MatchFormula.GainPoints(1_000_000, 0.1, 0.2, 4_000_000), 1e-12);
        Assert.Equal(0, MatchFormula.GainPoints(1_000_000, 0.9, 0.2, 0));
    }

    [Fact]
    public void Each_hard_filter_excludes()
    {
        var cluster = Guid.Parse("01900000-0000-7000-8000-0000000000c1");
        var need = WorkedNeed(MatchScope.Cluster, min: 0.3, certs: ["IATF16949"]);
        var ok = Cand("1", 54.6, 36.3, "25.62.10", 50, 0.9, cluster: cluster, certs: ["IATF16949", "ISO9001"]);
        Assert.True(MatchFormula.IsEligible(need, ok, new MatchOptions(), out _));
        Assert.False(MatchFormula.IsEligible(need, ok with { CompanyActive = false }, new MatchOptions(), out _));
        Assert.False(MatchFormula.IsEligible(need, ok with { CompanyRoles = CompanyRole.Anchor }, new MatchOptions(), out _));
        Assert.False(MatchFormula.IsEligible(need, ok with { CompanyId = Owner }, new MatchOptions(), out _));
        Assert.False(MatchFormula.IsEligible(need, ok with { CompanySize = CompanySize.Large }, new MatchOptions(), out _));
        Assert.True(MatchFormula.IsEligible(need, ok with { CompanySize = CompanySize.Large }, new MatchOptions(IncludeLarge: true), out _));
        Assert.False(MatchFormula.IsEligible(need, ok with { CategoryCode = "25.61.10" }, new MatchOptions(), out _));
        Assert.False(MatchFormula.IsEligible(need, ok with { Certifications = new HashSet<string> { "ISO9001" } }, new MatchOptions(), out _));
        Assert.True(MatchFormula.IsEligible(need, ok with { LocalShare = 0.3 }, new MatchOptions(), out _)); // equal passes
        Assert.False(MatchFormula.IsEligible(need, ok with { LocalShare = 0.29 }, new MatchOptions(), out _));
        Assert.False(MatchFormula.IsEligible(need, ok with { Unit = "KGM" }, new MatchOptions(), out _));
        Assert.False(MatchFormula.IsEligible(need, ok with { ClusterId = null }, new MatchOptions(), out _));
        Assert.False(MatchFormula.IsEligible(need, ok with { ClusterId = Guid.NewGuid() }, new MatchOptions(), out _));
    }

    [Fact]
    public void A_site_without_a_cluster_never_satisfies_scope_cluster_even_against_another_such_site()
    {
        var need = WorkedNeed(MatchScope.Cluster, min: 0) with { DeliveryClusterId = null };
        Assert.False(MatchFormula.IsEligible(need, Cand("1", 54.6, 36.3, "25.62.10", 50, 0.9, cluster: null), new MatchOptions(), out _));
    }

    [Fact]
    public void Region_and_radius_scopes_filter_by_region_code_and_distance()
    {
        var region = WorkedNeed(MatchScope.Region, min: 0);
        Assert.True(MatchFormula.IsEligible(region, Cand("1", 55.6, 36.3, "25.62", 1, 0.5, region: "RU-KLU"), new MatchOptions(), out _));
        Assert.False(MatchFormula.IsEligible(region, Cand("1", 54.6, 36.3, "25.62", 1, 0.5, region: "RU-MOS"), new MatchOptions(), out _));
        var radius = WorkedNeed(MatchScope.Radius, min: 0, radius: 111.2);
        Assert.True(MatchFormula.IsEligible(radius, Cand("2", 55.6, 36.3, "25.62", 1, 0.5), new MatchOptions(), out var d));
        Assert.Equal(111.195080233533, d, 1e-9);
        Assert.False(MatchFormula.IsEligible(radius with { RadiusKm = 111.19 }, Cand("2", 55.6, 36.3, "25.62", 1, 0.5), new MatchOptions(), out _));
    }

    [Fact]
    public void Catalog_items_need_include_catalog_ignore_the_size_rule_and_need_the_wholesaler_role()
    {
        var need = WorkedNeed(min: 0);
        var item = Cand("9", 54.6, 36.3, "25.62.10", 10, 0.5, CompanySize.Large, roles: CompanyRole.Wholesaler,
            kind: CandidateKind.CatalogItem, sku: "SKU-1");
        Assert.False(MatchFormula.IsEligible(need, item, new MatchOptions(), out _));
        Assert.True(MatchFormula.IsEligible(need, item, new MatchOptions(IncludeCatalog: true), out _));
        Assert.False(MatchFormula.IsEligible(need, item with { CompanyRoles = CompanyRole.Supplier }, new MatchOptions(IncludeCatalog: true), out _));
    }

    // matching.md's rules for catalog items, one change from an eligible item per row: the size rule
    // does not apply, certifications are the wholesaler company's, the unit rule applies, the role
    // is wholesaler, the owner is excluded, and every other filter holds as for capabilities.
    [Theory]
    [InlineData("eligible", true)]
    [InlineData("large wholesaler without includeLarge", true)]
    [InlineData("wholesaler holds the required certification", true)]
    [InlineData("wholesaler lacks a required certification", false)]
    [InlineData("unit differs", false)]
    [InlineData("supplier role only", false)]
    [InlineData("supplier and wholesaler roles", true)]
    [InlineData("inactive wholesaler", false)]
    [InlineData("wholesaler is the need's owner", false)]
    [InlineData("without includeCatalog", false)]
    [InlineData("local share below the minimum", false)]
    [InlineData("other category group", false)]
    [InlineData("warehouse in another cluster (scope cluster)", false)]
    [InlineData("warehouse in another region (scope region)", false)]
    [InlineData("warehouse beyond the radius", false)]
    [InlineData("warehouse within the radius", true)]
    public void Catalog_item_eligibility_follows_the_catalog_rules(string change, bool eligible)
    {
        var cluster = Guid.Parse("01900000-0000-7000-8000-0000000000c1");
        var need = WorkedNeed(min: 0.3);
        var item = Cand("9", 54.6, 36.3, "25.62.10", 10, 0.5, CompanySize.Small, cluster: cluster, roles: CompanyRole.Wholesaler,
            kind: CandidateKind.CatalogItem, sku: "SKU-1");
        var options = new MatchOptions(IncludeCatalog: true);
        (need, item, options) = change switch
        {
            "eligible" => (need, item, options),
            "large wholesaler without includeLarge" => (need, item with { CompanySize = CompanySize.Large }, options),
            "wholesaler holds the required certification" => (need with { RequiredCertifications = ["ISO9001"] },
                item with { Certifications = new HashSet<string> { "GMP", "ISO9001" } }, options),
            "wholesaler lacks a required certification" => (need with { RequiredCertifications = ["ISO9001", "GMP"] },
                item with { Certifications = new HashSet<string> { "ISO9001" } }, options),
            "unit differs" => (need, item with { Unit = "KGM" }, options),
            "supplier role only" => (need, item with { CompanyRoles = CompanyRole.Supplier }, options),
            "supplier and wholesaler roles" => (need, item with { CompanyRoles = CompanyRole.Supplier | CompanyRole.Wholesaler }, options),
            "inactive wholesaler" => (need, item with { CompanyActive = false }, options),
            "wholesaler is the need's owner" => (need, item with { CompanyId = Owner }, options),
            "without includeCatalog" => (need, item, new MatchOptions(IncludeLarge: true)),
            "local share below the minimum" => (need, item with { LocalShare = 0.29 }, options),
            "other category group" => (need, item with { CategoryCode = "25.61.10" }, options),
            "warehouse in another cluster (scope cluster)" => (need with { Scope = MatchScope.Cluster }, item with { ClusterId = Guid.NewGuid() }, options),
            "warehouse in another region (scope region)" => (need with { Scope = MatchScope.Region }, item with { RegionCode = "RU-TUL" }, options),
            "warehouse beyond the radius" => (need with { Scope = MatchScope.Radius, RadiusKm = 111.19 }, item with { Lat = 55.6 }, options),
            "warehouse within the radius" => (need with { Scope = MatchScope.Radius, RadiusKm = 111.2 }, item with { Lat = 55.6 }, options),
            _ => throw new ArgumentOutOfRangeException(nameof(change)),
        };
        Assert.Equal(eligible, MatchFormula.IsEligible(need, item, options, out _));
    }

    [Fact]
    public void Within_a_company_a_tie_keeps_the_capability_before_catalog_items_then_the_smallest_sku_ordinal()
    {
        var need = WorkedNeed(min: 0);
        var company = Guid.Parse("01900000-0000-7000-8000-0000000000aa");
        var both = CompanyRole.Supplier | CompanyRole.Wholesaler;
        Candidate Item(string sku) => Cand("1", 54.6, 36.3, "25.62.10", 50, 0.9, company: company, roles: both,
            kind: CandidateKind.CatalogItem, sku: sku);
        var capability = Cand("1", 54.6, 36.3, "25.62.10", 50, 0.9, company: company, roles: both);
        var options = new MatchOptions(IncludeCatalog: true);

        var ranked = MatchFormula.Rank(need, [Item("A-1"), capability, Item("0")], options);
        Assert.Equal(CandidateKind.Capability, Assert.Single(ranked).Kind);
        Assert.Equal(capability.CapabilityId, ranked[0].CapabilityId);

        // Ordinal, not culture: "Z" (U+005A) before "a" (U+0061) before "é" (U+00E9); "SKU-10" before "SKU-9".
        foreach (var (skus, first) in new[] { (new[] { "a", "é", "Z" }, "Z"), (new[] { "SKU-9", "SKU-10" }, "SKU-10") })
        {
            var match = Assert.Single(MatchFormula.Rank(need, skus.Select(Item), options));
            Assert.Equal(CandidateKind.CatalogItem, match.Kind);
            Assert.Null(match.CapabilityId);
            Assert.Equal(first, match.Sku);
        }
        // A better item still beats the capability: the tie-break only decides ties.
        var better = Item("B") with { LocalShare = 0.95 };
        Assert.Equal("B", Assert.Single(MatchFormula.Rank(need, [capability, better], options)).Sku);
    }

    [Fact]
    public void A_company_appears_once_with_its_best_candidate_and_ties_break_by_company_id()
    {
        var need = WorkedNeed(min: 0);
        var company = Guid.Parse("01900000-0000-7000-8000-0000000000aa");
        var near = Cand("1", 54.6, 36.3, "25.62.10", 50, 0.9, company: company);
        var far = Cand("2", 55.6, 36.3, "25.62.10", 50, 0.9, company: company);
        var twinA = Cand("3", 54.6, 36.3, "25.62.10", 50, 0.9, company: Guid.Parse("01900000-0000-7000-8000-0000000000ab"));
        var twinB = Cand("4", 54.6, 36.3, "25.62.10", 50, 0.9, company: Guid.Parse("01900000-0000-7000-8000-0000000000a1"));
        var ranked = MatchFormula.Rank(need, [far, twinA, near, twinB], new MatchOptions());
        Assert.Equal(3, ranked.Count);
        Assert.Equal(new[] { twinB.CompanyId, company, twinA.CompanyId }, ranked.Select(m => m.CompanyId));
        Assert.Equal(near.CapabilityId, ranked[1].CapabilityId);
    }

    [Fact]
    public void Higher_gain_wins_a_score_tie_then_the_nearer()
    {
        var a = new Match(CandidateKind.Capability, Guid.NewGuid(), "a", CompanySize.Small, Guid.NewGuid(), Guid.NewGuid(), null, "25.62",
            0.5, 1, 1, 0.2, 10, 1, 1, 0.4, 0, MatchWeights.Default);
        var b = a with { CompanyId = Guid.NewGuid(), Localization = 0.3, DistanceKm = 50 };
        var c = a with { CompanyId = Guid.NewGuid(), DistanceKm = 5 };
        var list = new List<Match> { a, b, c };
        list.Sort(MatchOrder.Instance);
        Assert.Equal([b, c, a], list);
    }
}
