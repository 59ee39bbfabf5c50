using Dapper;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Errors;
using Marketplace.Api.Features.Companies;
using Marketplace.Infrastructure.Database;

namespace Marketplace.Api.Features.ApiKeys;

public sealed record ApiKeyDto(Guid Id, Guid CompanyId, DateTimeOffset CreatedAt);

public sealed record IssuedApiKeyDto(Guid Id, Guid CompanyId, DateTimeOffset CreatedAt, string Key);

public static class ApiKeySql
{
    public const string Select = "SELECT id AS Id, company_id AS CompanyId, created_at AS CreatedAt FROM api_keys";

    /// api.md: key management is for admins; other keys get 403 for an existing company and
    /// 404 for one that does not exist.
    public static async ValueTask AuthorizeAsync(Db db, string companyId, Caller caller, CancellationToken ct)
    {
        if (!Domain.Id.TryParse(companyId, out var id)) throw ApiException.NotFound("company");
        await using var connection = await db.OpenAsync(ct);
        if (await CompanySql.FindAsync(connection, null, id, ct) is null) throw ApiException.NotFound("company");
        if (!caller.IsAdmin) throw ApiException.AdminOnly();
    }

    public static async Task<ApiKeyDto?> FindLiveAsync(Db db, Guid companyId, string keyId, CancellationToken ct)
    {
        if (!Domain.Id.TryParse(keyId, out var id)) return null;
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<ApiKeyDto>(new CommandDefinition(
            Select + " WHERE id = @id AND company_id = @companyId AND revoked_at IS NULL", new { id, companyId }, cancellationToken: ct));
    }
}
