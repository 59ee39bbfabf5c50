using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Errors;
using Marketplace.Infrastructure.Database;

namespace Marketplace.Api.Features.Needs;

/// Authorizers of the owner's actions and reads: 404 when the caller cannot see the need, 403
/// when it can but is not the owner (nor an admin). Scoped per request: a read-only handler gets
/// the row its authorizer already read instead of reading it again.
public sealed class NeedAccess(Db db)
{
    private (string Id, NeedSql.Row Row)? _ownerRead;

    /// Reads reserved to the owner and admins (matches, history); others who see the need get 403.
    public async ValueTask<NeedSql.Row> OwnerReadAsync(string needId, Caller caller, CancellationToken ct)
    {
        if (_ownerRead is { } cached && cached.Id == needId) return cached.Row;
        var need = await VisibleAsync(needId, caller, ct);
        if (!caller.IsAdmin && caller.CompanyId != need.OwnerId)
            throw ApiException.Forbidden(ErrorCodes.Forbidden, "Only the need's owner and admins read this.");
        _ownerRead = (needId, need);
        return need;
    }

    public async ValueTask<NeedSql.Row> OwnerActionAsync(string needId, Caller caller, CancellationToken ct)
    {
        var need = await VisibleAsync(needId, caller, ct);
        NeedSql.RequireOwner(need, caller);
        NeedWrites.RequirePosterOrAdmin(caller);
        return need;
    }

    /// The need if the caller may see it, else 404. Its owner (and an admin) sees it in every status,
    /// so their read, the usual one here, skips the visibility clause (SQLite compiles every
    /// statement anew, and compiling that clause costs more than the read); anyone else's read, or
    /// one that found nothing, is NeedSql.VisibleAsync's.
    private async Task<NeedSql.Row> VisibleAsync(string needId, Caller caller, CancellationToken ct)
    {
        if (!Domain.Id.TryParse(needId, out var id)) throw ApiException.NotFound("need");
        await using var connection = await db.OpenAsync(ct);
        var need = await NeedSql.FindAsync(connection, id, ct);
        return need is not null && (caller.IsAdmin || caller.CompanyId == need.OwnerId)
            ? need
            : await NeedSql.VisibleAsync(connection, null, db.Dialect, caller, needId, ct);
    }
}
