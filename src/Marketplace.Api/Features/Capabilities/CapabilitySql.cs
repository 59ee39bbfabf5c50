using System.Data.Common;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Errors;
using Marketplace.Api.Features.Companies;
using Marketplace.Api.Features.Sites;
using Marketplace.Domain.Companies;
using Marketplace.Infrastructure.Database;

namespace Marketplace.Api.Features.Capabilities;

public sealed record CapabilityDto(
    Guid Id, Guid CompanyId, Guid SiteId, string CategoryCode, string? Description, double CapacityPerMonth, string Unit,
    double LocalShare, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// SQL and checks shared by the capability slices.
public static class CapabilitySql
{
    public const string Select = """
        SELECT id AS Id, company_id AS CompanyId, site_id AS SiteId, category_code AS CategoryCode, description AS Description,
               capacity_per_month AS CapacityPerMonth, unit AS Unit, local_share AS LocalShare,
               created_at AS CreatedAt, updated_at AS UpdatedAt
        FROM capabilities
        """;

    public const string SiteIdMessage = "'siteId' must be the id of one of this company's sites.";

    /// api.md: visible to the company, its partners and admins (404 to others, and for a
    /// capability the path names that is not there); writes need the company to be a supplier
    /// (403 `company.role_required`, admins included).
    public static async ValueTask AuthorizeWriteAsync(Db db, string companyId, string? capabilityId, Caller caller, CancellationToken ct)
    {
        var company = await CompanyAccess.VisibleAsync(db, companyId, caller, ct);
        if (capabilityId is not null) await CompanyRows.GetAsync<CapabilityDto>(db, Select, company.Id, capabilityId, "capability", ct);
        CompanyAccess.RequireRole(company, CompanyRole.Supplier, "Only a company with the supplier role keeps capabilities.");
    }

    /// The site must be the company's; a site of another company is answered like an unknown one.
    public static async Task<Guid> CheckSiteAsync(DbConnection connection, DbTransaction tx, Guid companyId, string siteId,
        CancellationToken ct)
    {
        var id = Guid.Parse(siteId);
        return await CompanyRows.FindAsync<SiteDto>(connection, tx, SiteSql.Select, companyId, id, ct) is null
            ? throw ValidationErrors.Field("siteId", SiteIdMessage)
            : id;
    }
}
