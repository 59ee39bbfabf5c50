using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Errors;
using Marketplace.Api.Features.Companies;
using Marketplace.Domain.Companies;
using Marketplace.Infrastructure.Database;

namespace Marketplace.Api.Features.Catalogs;

/// Who may see and change a wholesaler's catalog (api.md: "that wholesaler, admins; others 404").
/// A partner acting for the company reads what the company reads, but writes no catalog.
public static class CatalogAccess
{
    /// The wholesaler, when the caller is it (or acts for it) or an admin; 404 otherwise, and 403
    /// `company.role_required` when the company is visible but has no wholesaler role.
    public static async ValueTask<CompanySql.Row> ReadableAsync(Db db, string wholesalerId, Caller caller, CancellationToken ct)
    {
        var company = await CompanyAccess.VisibleAsync(db, wholesalerId, caller, ct);
        CompanyAccess.RequireRole(company, CompanyRole.Wholesaler, "Only a company with the wholesaler role has a catalog.");
        return company;
    }

    public static async ValueTask<CompanySql.Row> WritableAsync(Db db, string wholesalerId, Caller caller, CancellationToken ct)
    {
        var company = await ReadableAsync(db, wholesalerId, caller, ct);
        RequireWriter(caller);
        return company;
    }

    /// 403 for a partner: it may read the catalog (so this comes after any 404 of the item).
    public static void RequireWriter(Caller caller)
    {
        if (caller.Kind == CallerKind.Partner)
            throw ApiException.Forbidden(ErrorCodes.PartnerForbidden, "Partner apps may not change a wholesaler's catalog.");
    }
}
