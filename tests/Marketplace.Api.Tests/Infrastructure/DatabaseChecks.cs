using Dapper;

namespace Marketplace.Api.Tests.Infrastructure;

/// Looks under the API at the factory's database, for "nothing was written" checks.
public static class DatabaseChecks
{
    /// The number of rows in a table (a name from the migrations, never user input), optionally
    /// filtered by a WHERE clause with Dapper parameters.
    public static async Task<long> CountRowsAsync(this ApiFactory api, string table, string? where = null, object? parameters = null)
    {
        _ = api.Server; // start the app first: it migrates the database
        await using var db = api.OpenDb();
        await using var connection = await db.OpenAsync(CancellationToken.None);
        return await connection.ExecuteScalarAsync<long>(
            $"SELECT COUNT(*) FROM {table}" + (where is null ? "" : $" WHERE {where}"), parameters);
    }
}
