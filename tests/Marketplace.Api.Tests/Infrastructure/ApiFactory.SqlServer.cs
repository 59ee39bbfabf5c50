using Microsoft.Data.SqlClient;

namespace Marketplace.Api.Tests.Infrastructure;

/// SQL Server runs the same test classes when MARKETPLACE_TEST_SQLSERVER holds a connection
/// string (with rights to create databases). This file is compiled only then: without a server
/// the SQL Server classes are excluded, not skipped. Unverified on the project's machines.
public sealed class SqlServerApi : ApiFactory
{
    private string _database = "";

    public override string Provider => "sqlserver";

    private static string ServerConnectionString => Environment.GetEnvironmentVariable("MARKETPLACE_TEST_SQLSERVER")!;

    public override async Task InitializeAsync()
    {
        _database = $"mp_test_{Guid.NewGuid():N}";
        await ExecuteAsync(ServerConnectionString, $"CREATE DATABASE [{_database}]");
        ConnectionString = new SqlConnectionStringBuilder(ServerConnectionString) { InitialCatalog = _database }.ToString();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        SqlConnection.ClearAllPools();
        await ExecuteAsync(ServerConnectionString, $"ALTER DATABASE [{_database}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{_database}]");
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new SqlConnection(connectionString);
        await connection.OpenAsync();
        await using var cmd = new SqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync();
    }
}
