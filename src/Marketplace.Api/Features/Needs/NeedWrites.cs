using System.Data.Common;
using Dapper;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Errors;
using Marketplace.Api.Features.Companies;
using Marketplace.Domain.Companies;
using Marketplace.Infrastructure.Database;

namespace Marketplace.Api.Features.Needs;

/// Writing a need's fields, shared by create and patch.
public static class NeedWrites
{
    /// Needs are posted by anchor or wholesaler companies (api.md); partner apps may not.
    public static void RequirePoster(Caller caller)
    {
        if (caller.Kind == CallerKind.Partner)
            throw ApiException.Forbidden(ErrorCodes.PartnerForbidden, "Partner apps may not post or change needs.");
        if (caller.IsAdmin || (caller.Roles & (CompanyRole.Anchor | CompanyRole.Wholesaler)) == 0)
            throw ApiException.Forbidden(ErrorCodes.RoleRequired, "Needs are posted by anchor or wholesaler companies.");
    }

    /// Changing a need: its owner (RequireOwner checked that) or an admin; never a partner app.
    public static void RequirePosterOrAdmin(Caller caller)
    {
        if (caller.Kind == CallerKind.Partner)
            throw ApiException.Forbidden(ErrorCodes.PartnerForbidden, "Partner apps may not post or change needs.");
    }

    /// The values as stored: unit and certifications upper-cased, defaults applied.
    public static object Columns(NeedInput input, Guid id, Guid ownerId, DateTimeOffset now) => new
    {
        id, ownerId, title = input.Title!.Trim(), categoryCode = input.CategoryCode!, quantity = input.QuantityPerMonth!.Value,
        unit = input.Unit!.ToUpperInvariant(),
        certifications = CompanySql.CertificationsJson(input.RequiredCertifications?.Select(c => c!) ?? []),
        siteId = Guid.Parse(input.DeliverySiteId!), current = input.CurrentLocalShare!.Value, min = input.MinLocalShare ?? 0,
        annualValue = input.AnnualValue!.Value, currency = input.Currency ?? "RUB", scope = input.Scope ?? NeedScopes.Cluster,
        radius = input.RadiusKm, wp = input.Weights?.Proximity, wc = input.Weights?.Capability, wl = input.Weights?.Localization,
        scale = input.ProximityScaleKm, now,
    };

    /// deliverySiteId must name one of the owner's sites (400 otherwise, without revealing others').
    public static async Task RequireOwnSiteAsync(DbConnection connection, DbTransaction tx, Guid ownerId, string siteId, CancellationToken ct)
    {
        var mine = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM sites WHERE id = @id AND company_id = @ownerId", new { id = Guid.Parse(siteId), ownerId }, tx, cancellationToken: ct));
        if (mine == 0) throw ValidationErrors.Field("deliverySiteId", "'deliverySiteId' must be the id of one of the owner's sites.");
    }
}
