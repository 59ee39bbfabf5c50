using Marketplace.Domain.Companies;

namespace Marketplace.Domain.Matching;

public enum MatchScope { Cluster, Region, Radius, Any }

public enum CandidateKind { Capability, CatalogItem }

/// The raw weights of a need (matching.md): each in [0, 1], not all 0; normalised before use.
public readonly record struct MatchWeights(double Proximity, double Capability, double Localization)
{
    public static readonly MatchWeights Default = new(0.3, 0.4, 0.3);

    /// w_i = raw_i / ((rawP + rawC) + rawG), in that order.
    public MatchWeights Normalized()
    {
        var sum = (Proximity + Capability) + Localization;
        return new MatchWeights(Proximity / sum, Capability / sum, Localization / sum);
    }
}

/// What matching needs of a need, its delivery site and its owner.
public sealed record MatchNeed(
    Guid OwnerId, string CategoryCode, double QuantityPerMonth, string Unit, IReadOnlyCollection<string> RequiredCertifications,
    double DeliveryLat, double DeliveryLon, Guid? DeliveryClusterId, string DeliveryRegionCode,
    double CurrentLocalShare, double MinLocalShare, double AnnualValue, MatchScope Scope, double? RadiusKm,
    MatchWeights? Weights, double? ProximityScaleKm, double OwnerAnnualSpend)
{
    public const double DefaultProximityScaleKm = 100;

    public MatchWeights NormalizedWeights => (Weights ?? MatchWeights.Default).Normalized();
    public double Scale => ProximityScaleKm ?? DefaultProximityScaleKm;
}

/// One supply candidate: a capability of a supplier's site, or a wholesaler's catalog item at
/// its warehouse site (matching.md, Inputs).
public sealed record Candidate(
    CandidateKind Kind, Guid CompanyId, string CompanyName, CompanySize CompanySize, bool CompanyActive, CompanyRole CompanyRoles,
    IReadOnlySet<string> Certifications, Guid SiteId, double Lat, double Lon, Guid? ClusterId, string RegionCode,
    Guid? CapabilityId, string? Sku, string CategoryCode, double CapacityPerMonth, string Unit, double LocalShare);

public sealed record MatchOptions(bool IncludeLarge = false, bool IncludeCatalog = false);

/// One ranked match with its explanation; every number unrounded (matching.md, Explanation).
public sealed record Match(
    CandidateKind Kind, Guid CompanyId, string CompanyName, CompanySize CompanySize, Guid SiteId, Guid? CapabilityId, string? Sku,
    string CategoryCode, double Score, double Proximity, double Capability, double Localization, double DistanceKm,
    double CategoryMatch, double CapacityCoverage, double LocalShare, double LocalizationGainPoints, MatchWeights Weights);
