using Marketplace.Api.Common.Auth;
using Marketplace.Infrastructure.Database;

namespace Marketplace.Api.Features.Needs;

/// Authorizers of the owner's actions: 404 when the caller cannot see the need, 403 when it can
/// but is not the owner (nor an admin).
public sealed class NeedAccess(Db db)
{
    public async ValueTask<NeedSql.Row> OwnerActionAsync(string needId, Caller caller, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var need = await NeedSql.VisibleAsync(connection, null, db.Dialect, caller, needId, ct);
        NeedSql.RequireOwner(need, caller);
        NeedWrites.RequirePosterOrAdmin(caller);
        return need;
    }
}
