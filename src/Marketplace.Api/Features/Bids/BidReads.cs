using System.Data.Common;
using Dapper;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Features.Needs;

namespace Marketplace.Api.Features.Bids;

public static class BidReads
{
    /// One bid of the need, if the sealed-bid rules let the caller list it.
    public static async Task<BidDto?> FindListableAsync(DbConnection connection, NeedSql.Row need, Caller caller,
        DateTimeOffset now, string bidId, CancellationToken ct)
    {
        if (!Domain.Id.TryParse(bidId, out var id) || BidSql.Listable(need, caller, now) is not { } filter) return null;
        var row = await connection.QuerySingleOrDefaultAsync<BidSql.Row>(new CommandDefinition(
            BidSql.Select + " WHERE " + filter + " AND id = @id",
            new { needId = need.Id, me = caller.CompanyId ?? Guid.Empty, id }, cancellationToken: ct));
        return row?.ToDto();
    }
}
