using FluentValidation;
using Marketplace.Domain;
using Marketplace.Domain.Catalog;
using Marketplace.Domain.Companies;
using Marketplace.Domain.Reference;

namespace Marketplace.Api.Features.Needs;

/// The writable fields of a need: the body of POST /needs, and what a merge patch produces
/// (api.md: PATCH may change exactly the fields POST accepts).
public sealed record NeedInput
{
    public string? Title { get; init; }
    public string? CategoryCode { get; init; }
    public double? QuantityPerMonth { get; init; }
    public string? Unit { get; init; }
    public List<string?>? RequiredCertifications { get; init; }
    public string? DeliverySiteId { get; init; }
    public double? CurrentLocalShare { get; init; }
    public double? MinLocalShare { get; init; }
    public decimal? AnnualValue { get; init; }
    public string? Currency { get; init; }
    public string? Scope { get; init; }
    public double? RadiusKm { get; init; }
    public WeightsInput? Weights { get; init; }
    public double? ProximityScaleKm { get; init; }
}

/// matching.md: when given, all three keys, each in [0, 1], not all 0.
public sealed record WeightsInput
{
    public double? Proximity { get; init; }
    public double? Capability { get; init; }
    public double? Localization { get; init; }
}

public static class NeedScopes
{
    public const string Cluster = "cluster", Region = "region", Radius = "radius", Any = "any";
    public static readonly string[] All = [Cluster, Region, Radius, Any];
}

public sealed class NeedInputValidator : AbstractValidator<NeedInput>
{
    public NeedInputValidator(ReferenceData reference)
    {
        RuleFor(x => x.Title).Must(t => !string.IsNullOrWhiteSpace(t) && t.Length <= Limits.NameMaxLength)
            .WithMessage("'title' is required: 1 to 300 characters, not blank.");
        RuleFor(x => x.CategoryCode).Must(CategoryCode.IsValid)
            .WithMessage("'categoryCode' must be an OKPD2 code such as 25.62, 25.62.1, 25.62.10 or 25.62.10.110.");
        RuleFor(x => x.QuantityPerMonth).NotNull().GreaterThan(0);
        RuleFor(x => x.Unit).Must(u => u is not null && reference.IsUnit(u.ToUpperInvariant()))
            .WithMessage("'unit' must be a UN/ECE Rec 20 code such as PCE or KGM.");
        RuleFor(x => x.RequiredCertifications).Must(c => c is null || (c.Count <= 100 && c.All(Certification.IsValid)))
            .WithMessage("'requiredCertifications' must be at most 100 codes matching ^[A-Z0-9][A-Z0-9._-]{0,31}$ (upper-cased).");
        RuleFor(x => x.DeliverySiteId).Must(Id.IsValid).WithMessage("'deliverySiteId' must be the id of one of your sites.");
        RuleFor(x => x.CurrentLocalShare).NotNull().InclusiveBetween(0, 1);
        RuleFor(x => x.MinLocalShare).InclusiveBetween(0, 1);
        RuleFor(x => x.AnnualValue).NotNull().GreaterThanOrEqualTo(0);
        RuleFor(x => x.Currency).Must(c => c is null || reference.IsCurrency(c))
            .WithMessage("'currency' must be an active ISO 4217 code such as RUB.");
        RuleFor(x => x.Scope).Must(s => s is null || NeedScopes.All.Contains(s))
            .WithMessage("'scope' must be one of cluster, region, radius, any.");
        RuleFor(x => x.RadiusKm).NotNull().GreaterThan(0).When(x => x.Scope == NeedScopes.Radius)
            .WithMessage("'radiusKm' (> 0) is required with scope radius.");
        RuleFor(x => x.RadiusKm).Null().When(x => x.Scope != NeedScopes.Radius)
            .WithMessage("'radiusKm' is only for scope radius.");
        RuleFor(x => x.Weights!.Proximity).NotNull().InclusiveBetween(0, 1).When(x => x.Weights is not null);
        RuleFor(x => x.Weights!.Capability).NotNull().InclusiveBetween(0, 1).When(x => x.Weights is not null);
        RuleFor(x => x.Weights!.Localization).NotNull().InclusiveBetween(0, 1).When(x => x.Weights is not null);
        RuleFor(x => x.Weights).Must(w => w is null || (w.Proximity ?? 0) + (w.Capability ?? 0) + (w.Localization ?? 0) > 0)
            .WithMessage("'weights' may not all be 0.");
        RuleFor(x => x.ProximityScaleKm).GreaterThan(0);
    }
}
