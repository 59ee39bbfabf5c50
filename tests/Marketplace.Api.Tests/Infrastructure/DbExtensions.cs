using Dapper;

namespace Marketplace.Api.Tests.Infrastructure;

/// Reads and writes under the API, for the state a test sets up or checks afterwards.
public static class DbExtensions
{
    public static async Task<long> CountAsync(this ApiFactory api, string sql, object? args = null)
    {
        await using var db = api.OpenDb();
        await using var connection = await db.OpenAsync(CancellationToken.None);
        return Convert.ToInt64(await connection.ExecuteScalarAsync<object>(sql, args));
    }

    public static async Task<List<T>> QueryAsync<T>(this ApiFactory api, string sql, object? args = null)
    {
        await using var db = api.OpenDb();
        await using var connection = await db.OpenAsync(CancellationToken.None);
        return (await connection.QueryAsync<T>(sql, args)).ToList();
    }

    public static async Task<int> ExecuteAsync(this ApiFactory api, string sql, object? args = null)
    {
        await using var db = api.OpenDb();
        await using var connection = await db.OpenAsync(CancellationToken.None);
        return await connection.ExecuteAsync(sql, args);
    }
}
