using Marketplace.Domain.Companies;

namespace Marketplace.Api.Common.Auth;

public enum CallerKind { Admin, Company, Partner }

/// Who is calling, resolved from the API key once per request. For a company key, CompanyId is
/// that company; for a partner acting with X-On-Behalf-Of, it is the supplier it acts for.
public sealed record Caller(CallerKind Kind, string KeyScope, Guid? CompanyId, CompanyRole Roles, bool CompanyActive, Guid? PartnerId)
{
    public bool IsAdmin => Kind == CallerKind.Admin;

    /// The caller is this company, or acts for it (admins act for every company).
    public bool ActsFor(Guid companyId) => IsAdmin || CompanyId == companyId;

    public bool Has(CompanyRole role) => (Roles & role) == role;

    public static Caller Admin(string keyScope) => new(CallerKind.Admin, keyScope, null, CompanyRole.None, true, null);
}
