using Marketplace.Domain;
using Marketplace.Domain.Companies;

namespace Marketplace.Api.Features.Companies;

/// Field rules shared by create and patch (api.md, Companies).
public static class CompanyRules
{
    public const int MaxCertifications = 100;

    public static bool ValidName(string? name) => !string.IsNullOrWhiteSpace(name) && name.Length <= Limits.NameMaxLength;

    public static bool ValidRoles(List<string?>? roles) =>
        roles is { Count: > 0 } && roles.All(r => CompanyRoles.TryParse(r, out _));

    public static bool ValidSize(string? size) => CompanySizes.TryParse(size, out _);

    public static bool ValidCertifications(List<string?>? codes) =>
        codes is null || (codes.Count <= MaxCertifications && codes.All(Certification.IsValid));

    public static CompanyRole ParseRoles(IEnumerable<string?> roles) =>
        roles.Aggregate(CompanyRole.None, (all, r) => CompanyRoles.TryParse(r, out var role) ? all | role : all);

    public const string NameMessage = "'name' is required: 1 to 300 characters, not blank.";
    public const string TaxIdMessage = "'taxId' must be a Russian INN: 10 or 12 digits with valid check digits.";
    public const string RolesMessage = "'roles' must be a non-empty array of anchor, supplier, wholesaler.";
    public const string SizeMessage = "'size' must be one of micro, small, medium, large.";
    public const string CertificationsMessage = "'certifications' must be at most 100 codes matching ^[A-Z0-9][A-Z0-9._-]{0,31}$ (upper-cased).";
}
