using Marketplace.Api.Common.Errors;
using Marketplace.Infrastructure.Security;

namespace Marketplace.Api.Common.Auth;

/// Step 1 of api.md's check order, for every /api path: a bearer key that is known and not
/// revoked, else 401. Nothing else runs before it.
public sealed class AuthenticationMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext http, RequestContext context, AdminKeys admins, ApiKeyStore store)
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
        context.Caller = caller ?? throw ApiException.Unauthenticated();
        await next(http);
    }

    private static string? BearerKey(string header)
    {
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return null;
        var key = header[scheme.Length..].Trim();
        // Keys are printable ASCII without spaces; anything else is a malformed header.
        return key.Length is > 0 and <= 512 && key.All(c => c is > ' ' and < '\u007f') ? key : null;
    }
}
