using Marketplace.Infrastructure.Database;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Marketplace.Api.Tests.Infrastructure;

/// The PostgreSQL server of this test run (started by scripts/test.sh, which exports
/// MARKETPLACE_TEST_POSTGRES). One migrated template database; each test class gets its own
/// copy with CREATE DATABASE ... TEMPLATE, which takes milliseconds.
public static class PostgresServer
{
    public const string Variable = "MARKETPLACE_TEST_POSTGRES";
    private const string Template = "marketplace_template";
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static bool _templateReady;
    private static int _counter;

    public static string ServerConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } cs
        ? cs
        : throw new InvalidOperationException(
            $"{Variable} is not set: run scripts/test.sh, which starts a throwaway PostgreSQL server, or point {Variable} at one.");

    public static string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = database }.ToString();

    /// A fresh, migrated, empty database; answers its connection string.
    public static async Task<string> CreateDatabaseAsync(bool migrated = true)
    {
        var name = $"mp_test_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}";
        await Gate.WaitAsync();
        try
        {
            if (migrated && !_templateReady) await CreateTemplateAsync();
            // CREATE DATABASE ... TEMPLATE needs the template to have no other session: serialize.
            await ExecuteAsync(ServerConnectionString,
                $"DROP DATABASE IF EXISTS {name}; CREATE DATABASE {name}" + (migrated ? $" TEMPLATE {Template}" : ""));
        }
        finally
        {
            Gate.Release();
        }
        return ConnectionStringFor(name);
    }

    public static Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        NpgsqlConnection.ClearAllPools();
        return ExecuteAsync(ServerConnectionString, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    }

    private static async Task CreateTemplateAsync()
    {
        await ExecuteAsync(ServerConnectionString, $"DROP DATABASE IF EXISTS {Template} WITH (FORCE); CREATE DATABASE {Template}");
        var cs = new NpgsqlConnectionStringBuilder(ConnectionStringFor(Template)) { Pooling = false }.ToString();
        await using (var db = new Db(new DatabaseOptions { Provider = "postgres", ConnectionString = cs }))
            await new Migrator(db, NullLogger<Migrator>.Instance).MigrateAsync(CancellationToken.None);
        NpgsqlConnection.ClearAllPools();
        _templateReady = true;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        var cs = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ToString();
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync();
        foreach (var statement in sql.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            await using var cmd = new NpgsqlCommand(statement, connection);
            await cmd.ExecuteNonQueryAsync();
        }
    }
}
