using System.Data.Common;
using Dapper;
using Marketplace.Api.Common.Errors;
using Marketplace.Api.Common.Paging;
using Marketplace.Domain;
using Marketplace.Infrastructure.Database;

namespace Marketplace.Api.Features.Companies;

/// Reads of what one company keeps (sites, capabilities, API keys), each a table with `id` and
/// `company_id`; `select` is a query that ends with its FROM clause. A row of another company is
/// never found through this company's path.
public static class CompanyRows
{
    public static Task<T?> FindAsync<T>(DbConnection connection, DbTransaction? tx, string select, Guid companyId, Guid id,
        CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<T>(new CommandDefinition(
            select + " WHERE id = @id AND company_id = @companyId", new { id, companyId }, tx, cancellationToken: ct));

    /// The row a path id names, else 404 (also for an id that is not one).
    public static async Task<T> GetAsync<T>(Db db, string select, Guid companyId, string id, string what, CancellationToken ct)
    {
        if (!Id.TryParse(id, out var rowId)) throw ApiException.NotFound(what);
        await using var connection = await db.OpenAsync(ct);
        return await FindAsync<T>(connection, null, select, companyId, rowId, ct) ?? throw ApiException.NotFound(what);
    }

    /// One page in id order, which is creation order since ids are UUIDv7; `filter` (optional)
    /// adds to the WHERE clause, e.g. "AND revoked_at IS NULL".
    public static async Task<Page<T>> PageAsync<T>(Db db, string select, string? filter, Guid companyId,
        PageArgs page, string scope, Func<T, Guid> id, CancellationToken ct)
    {
        var limit = page.Size(Limits.PageLimitDefault);
        var after = page.After(scope);
        var sql = select + " WHERE company_id = @companyId " + filter
            + (after is null ? "" : " AND id > @after") + " ORDER BY id" + db.Dialect.Limit("@take");
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<T>(new CommandDefinition(sql, new
        {
            companyId, after = after is null ? Guid.Empty : Guid.Parse(after), take = limit + 1,
        }, cancellationToken: ct));
        return Page<T>.From(rows.ToList(), limit, scope, r => id(r).ToString());
    }
}
