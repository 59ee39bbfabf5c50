using System.Data.Common;
using Dapper;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Errors;
using Marketplace.Api.Features.Companies;
using Marketplace.Domain.Companies;
using Marketplace.Infrastructure.Database;

namespace Marketplace.Api.Features.Partners;

public sealed record PartnerDto(Guid Id, string Name);

public sealed record IssuedPartnerDto(Guid Id, string Name, string Key);

public static class PartnerSql
{
    public const string Select = "SELECT id AS Id, name AS Name FROM partners";

    public static async Task<PartnerDto?> FindLiveAsync(DbConnection connection, DbTransaction? tx, Guid id, CancellationToken ct) =>
        await connection.QuerySingleOrDefaultAsync<PartnerDto>(new CommandDefinition(
            Select + " WHERE id = @id AND deleted_at IS NULL", new { id }, tx, cancellationToken: ct));

    /// Grants are managed by the supplier itself or an admin; never by a partner app (api.md),
    /// and only for a company with the supplier role.
    public static async ValueTask AuthorizeGrantsAsync(Db db, string companyId, Caller caller, CancellationToken ct)
    {
        if (!Domain.Id.TryParse(companyId, out var id)) throw ApiException.NotFound("company");
        await using var connection = await db.OpenAsync(ct);
        var company = await CompanySql.FindAsync(connection, null, id, ct) ?? throw ApiException.NotFound("company");
        if (caller.Kind == CallerKind.Partner)
            throw ApiException.Forbidden(ErrorCodes.PartnerForbidden, "Partner apps may not manage partner grants.");
        if (!caller.ActsFor(id))
            throw ApiException.Forbidden(ErrorCodes.Forbidden, "Only the supplier itself or an admin manages its partners.");
        if (((CompanyRole)company.Roles & CompanyRole.Supplier) == 0)
            throw ApiException.Forbidden(ErrorCodes.RoleRequired, "Only a company with the supplier role can grant partners.");
    }
}
