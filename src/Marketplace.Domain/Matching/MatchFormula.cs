using Marketplace.Domain.Catalog;
using Marketplace.Domain.Companies;

namespace Marketplace.Domain.Matching;

/// matching.md, exactly: eligibility, the three factors, the score, the gain points and the
/// order. Every operation is done in double precision in the order the page pins (C# does not
/// fuse multiply-adds), so independent implementations agree to the last bit.
public static class MatchFormula
{
    public const double EarthRadiusKm = 6371.0088;
    private const double Radians = Math.PI / 180; // pi/180 computed once
    private static readonly double Ln05 = Math.Log(0.5);

    /// rad(x) = x * (pi / 180), with pi/180 computed once (matching.md).
    public static double Rad(double degrees) => degrees * Radians;

    /// Great-circle distance by the haversine formula; 1 = the delivery site, 2 = the candidate's.
    public static double DistanceKm(double lat1, double lon1, double lat2, double lon2)
    {
        var phi1 = Rad(lat1);
        var phi2 = Rad(lat2);
        return HaversineKm(phi1, Math.Cos(phi1), Rad(lon1), phi2, Math.Cos(phi2), Rad(lon2));
    }

    /// The same haversine from precomputed phi = rad(lat), cos(phi) and rad(lon) of both points
    /// (the matching index keeps them per site); the same operations in the same order.
    public static double HaversineKm(double phi1, double cosPhi1, double lam1, double phi2, double cosPhi2, double lam2)
    {
        var dphi = phi2 - phi1;
        var dlam = lam2 - lam1;
        var s1 = Math.Sin(dphi / 2);
        var s2 = Math.Sin(dlam / 2);
        var a = s1 * s1 + ((cosPhi1 * cosPhi2) * s2) * s2;
        return (2 * EarthRadiusKm) * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }

    /// P = exp((ln(0.5) * d) / scale): 1 at the same point, 0.5 at one scale.
    public static double Proximity(double distanceKm, double scaleKm) => Math.Exp((Ln05 * distanceKm) / scaleKm);

    /// m: shared leading segments / segments of the need's code, capped at 1.
    public static double CategoryMatch(string needCode, string candidateCode)
    {
        var segments = CategoryCode.SegmentCount(needCode);
        return Math.Min(1, (double)CategoryCode.SharedLeadingSegments(needCode, candidateCode) / segments);
    }

    /// k = min(1, capacity / quantity).
    public static double CapacityCoverage(double capacity, double quantity) => Math.Min(1, capacity / quantity);

    public static double Capability(double categoryMatch, double coverage) => 0.7 * categoryMatch + 0.3 * coverage;

    public static double Localization(double localShare, double currentLocalShare) => Math.Max(0, localShare - currentLocalShare);

    public static double Score(MatchWeights w, double proximity, double capability, double localization) =>
        (w.Proximity * proximity + w.Capability * capability) + w.Localization * localization;

    /// Percentage points of the owner's localization level if this need's value moved to the
    /// candidate; not clamped, 0 when the owner's spend is 0.
    public static double GainPoints(double annualValue, double localShare, double currentLocalShare, double ownerAnnualSpend) =>
        ownerAnnualSpend == 0 ? 0 : ((100 * annualValue) * (localShare - currentLocalShare)) / ownerAnnualSpend;

    /// The hard filters (matching.md, Eligibility); answers the distance for the candidates that pass.
    public static bool IsEligible(MatchNeed need, Candidate c, MatchOptions options, out double distanceKm)
    {
        distanceKm = double.NaN;
        var supplierRole = c.Kind == CandidateKind.Capability ? CompanyRole.Supplier : CompanyRole.Wholesaler;
        if (!c.CompanyActive || (c.CompanyRoles & supplierRole) == 0 || c.CompanyId == need.OwnerId) return false;
        if (c.Kind == CandidateKind.CatalogItem && !options.IncludeCatalog) return false;
        if (c.Kind == CandidateKind.Capability && !options.IncludeLarge && !CompanySizes.IsSme(c.CompanySize)) return false;
        if (CategoryCode.Group(c.CategoryCode) != CategoryCode.Group(need.CategoryCode)) return false;
        foreach (var required in need.RequiredCertifications)
            if (!c.Certifications.Contains(required)) return false;
        if (c.LocalShare < need.MinLocalShare) return false;
        if (!string.Equals(c.Unit, need.Unit, StringComparison.Ordinal)) return false;
        switch (need.Scope)
        {
            case MatchScope.Cluster when c.ClusterId is null || c.ClusterId != need.DeliveryClusterId:
            case MatchScope.Region when !string.Equals(c.RegionCode, need.DeliveryRegionCode, StringComparison.Ordinal):
                return false;
        }
        distanceKm = DistanceKm(need.DeliveryLat, need.DeliveryLon, c.Lat, c.Lon);
        return need.Scope != MatchScope.Radius || distanceKm <= need.RadiusKm;
    }

    public static Match Explain(MatchNeed need, Candidate c, double distanceKm)
    {
        var w = need.NormalizedWeights;
        var p = Proximity(distanceKm, need.Scale);
        var m = CategoryMatch(need.CategoryCode, c.CategoryCode);
        var k = CapacityCoverage(c.CapacityPerMonth, need.QuantityPerMonth);
        var capability = Capability(m, k);
        var g = Localization(c.LocalShare, need.CurrentLocalShare);
        return new Match(c.Kind, c.CompanyId, c.CompanyName, c.CompanySize, c.SiteId, c.CapabilityId, c.Sku, c.CategoryCode,
            Score(w, p, capability, g), p, capability, g, distanceKm, m, k, c.LocalShare,
            GainPoints(need.AnnualValue, c.LocalShare, need.CurrentLocalShare, need.OwnerAnnualSpend), w);
    }

    /// Every eligible candidate scored, one per company (its best), in matching.md's order.
    public static List<Match> Rank(MatchNeed need, IEnumerable<Candidate> candidates, MatchOptions options)
    {
        var best = new Dictionary<Guid, Match>();
        foreach (var c in candidates)
        {
            if (!IsEligible(need, c, options, out var d)) continue;
            var match = Explain(need, c, d);
            if (!best.TryGetValue(c.CompanyId, out var current) || MatchOrder.Instance.Compare(match, current) < 0)
                best[c.CompanyId] = match;
        }
        var ranked = best.Values.ToList();
        ranked.Sort(MatchOrder.Instance);
        return ranked;
    }
}

/// S descending, then G descending, then distance ascending, then company id ascending (ordinal
/// on the lower-case id); within one company: capabilities before catalog items, then capability
/// id or sku ascending, ordinal.
public sealed class MatchOrder : IComparer<Match>
{
    public static readonly MatchOrder Instance = new();

    public int Compare(Match? x, Match? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return 1;
        if (y is null) return -1;
        var c = y.Score.CompareTo(x.Score);
        if (c != 0) return c;
        c = y.Localization.CompareTo(x.Localization);
        if (c != 0) return c;
        c = x.DistanceKm.CompareTo(y.DistanceKm);
        if (c != 0) return c;
        c = string.CompareOrdinal(Id.Format(x.CompanyId), Id.Format(y.CompanyId));
        if (c != 0) return c;
        c = x.Kind.CompareTo(y.Kind);
        if (c != 0) return c;
        return string.CompareOrdinal(x.CapabilityId is { } xi ? Id.Format(xi) : x.Sku, y.CapabilityId is { } yi ? Id.Format(yi) : y.Sku);
    }
}
