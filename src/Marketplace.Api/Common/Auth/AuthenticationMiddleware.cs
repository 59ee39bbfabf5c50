using System.Text.RegularExpressions;
using Dapper;
using Marketplace.Api.Common.Errors;
using Marketplace.Domain.Companies;
using Marketplace.Infrastructure.Database;
using Marketplace.Infrastructure.Security;

namespace Marketplace.Api.Common.Auth;

/// Step 1 of api.md's check order, for every /api path: a bearer key that is known and not
/// revoked (else 401), then X-On-Behalf-Of: only on partner keys and only as a valid id (400),
/// only for a supplier that granted this partner (403 partner.not_granted), and required for a
/// partner key outside the few public reads (403 partner.on_behalf_required).
public sealed partial class AuthenticationMiddleware(RequestDelegate next)
{
    public const string OnBehalfOfHeader = "X-On-Behalf-Of";

    public async Task InvokeAsync(HttpContext http, RequestContext context, AdminKeys admins, ApiKeyStore store, Db db)
    {
        if (!http.Request.Path.StartsWithSegments("/api"))
        {
            await next(http);
            return;
        }
        var key = BearerKey(http.Request.Headers.Authorization.ToString());
        if (key is null) throw ApiException.Unauthenticated();
        var hash = ApiKeySecrets.Hash(key);
        var caller = admins.Matches(hash)
            ? Caller.Admin("admin:" + Convert.ToHexString(hash.AsSpan(0, 8)))
            : await store.FindAsync(hash, http.RequestAborted);
        if (caller is null) throw ApiException.Unauthenticated();

        var onBehalfOf = http.Request.Headers[OnBehalfOfHeader];
        if (onBehalfOf.Count > 0)
            caller = await ActForAsync(caller, onBehalfOf.ToString(), db, http.RequestAborted);
        else if (caller.Kind == CallerKind.Partner && !(HttpMethods.IsGet(http.Request.Method) && PartnerPublicPath().IsMatch(http.Request.Path.Value ?? "")))
            throw ApiException.Forbidden(ErrorCodes.OnBehalfRequired,
                $"A partner key needs {OnBehalfOfHeader}: <companyId> here; without it, it may only read partners, clusters and companies.");
        context.Caller = caller;
        await next(http);
    }

    /// Grants are read on every request (no cache), so a revocation takes effect at once.
    private static async Task<Caller> ActForAsync(Caller caller, string value, Db db, CancellationToken ct)
    {
        if (caller.Kind != CallerKind.Partner)
            throw HeaderInvalid($"{OnBehalfOfHeader} is only for partner keys.");
        if (!Domain.Id.TryParse(value, out var companyId))
            throw HeaderInvalid($"{OnBehalfOfHeader} must be a company id.");
        await using var connection = await db.OpenAsync(ct);
        var company = await connection.QuerySingleOrDefaultAsync<GrantRow>(new CommandDefinition("""
            SELECT c.roles AS Roles, c.active AS Active
            FROM partner_grants g JOIN companies c ON c.id = g.company_id
            WHERE g.partner_id = @partnerId AND g.company_id = @companyId
            """, new { partnerId = caller.PartnerId!.Value, companyId }, cancellationToken: ct));
        if (company is null || ((CompanyRole)company.Roles & CompanyRole.Supplier) == 0)
            throw ApiException.Forbidden(ErrorCodes.PartnerNotGranted, "That company is not a supplier that granted this partner.");
        return caller with { CompanyId = companyId, Roles = (CompanyRole)company.Roles, CompanyActive = company.Active };
    }

    private static ApiException HeaderInvalid(string message) =>
        new(400, ErrorCodes.Validation, message, new Dictionary<string, string[]> { [OnBehalfOfHeader] = [message] });

    private static string? BearerKey(string header)
    {
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return null;
        var key = header[scheme.Length..].Trim();
        // Keys are printable ASCII without spaces; anything else is a malformed header.
        return key.Length is > 0 and <= 512 && key.All(c => c is > ' ' and < '\u007f') ? key : null;
    }

    // api.md: without X-On-Behalf-Of a partner key may only GET /partners[/{id}], /clusters[/{id}], /companies[/{id}].
    [GeneratedRegex("^/api/v1/(partners|clusters|companies)(/[^/]+)?/?$")]
    private static partial Regex PartnerPublicPath();

    private sealed class GrantRow
    {
        public int Roles { get; init; }
        public bool Active { get; init; }
    }
}
