using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Errors;
using Marketplace.Domain.Companies;
using Marketplace.Infrastructure.Database;

namespace Marketplace.Api.Features.Companies;

/// Who may see and change what a company keeps under `/companies/{id}/...` (sites,
/// capabilities): the company itself, its partners and admins (api.md, Resources).
public static class CompanyAccess
{
    /// The company, when the caller acts for it; 404 otherwise, as for a company that does not
    /// exist or an id that is not one (never reveal that a hidden company exists).
    public static async ValueTask<CompanySql.Row> VisibleAsync(Db db, string companyId, Caller caller, CancellationToken ct)
    {
        if (!Domain.Id.TryParse(companyId, out var id) || !caller.ActsFor(id)) throw ApiException.NotFound("company");
        await using var connection = await db.OpenAsync(ct);
        return await CompanySql.FindAsync(connection, null, id, ct) ?? throw ApiException.NotFound("company");
    }

    /// 403 `company.role_required` when the company lacks the role, for every caller including
    /// admins: the rule is about the company, not about the key.
    public static void RequireRole(CompanySql.Row company, CompanyRole role, string detail)
    {
        if (((CompanyRole)company.Roles & role) != role) throw ApiException.Forbidden(ErrorCodes.RoleRequired, detail);
    }
}
