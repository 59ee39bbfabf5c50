using System.Diagnostics;
using System.Net;
using Marketplace.Api.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Marketplace.Api.Tests.Http;

/// api.md: "When the database cannot give a write lock within BusyTimeoutSeconds, the answer is
/// 503 db.busy with Retry-After." Each provider is locked its own way, so there is one class
/// per provider (not the shared abstract pattern).
public static class BusyDatabase
{
    public const string Cluster = """{"name":"Busy test","regionCode":"RU-KLU","center":{"lat":54.5,"lon":36.25}}""";

    /// Configures a one-second busy timeout; must run before the factory's first request.
    public static void UseShortBusyTimeout(ApiFactory api) => api.With("Marketplace:Database:BusyTimeoutSeconds", "1");

    public static async Task ExpectBusyAsync(HttpResponseMessage response)
    {
        await response.ExpectProblemAsync(HttpStatusCode.ServiceUnavailable, "db.busy");
        var retryAfter = response.Headers.RetryAfter;
        Assert.NotNull(retryAfter);
        Assert.NotNull(retryAfter.Delta);
        Assert.True(retryAfter.Delta >= TimeSpan.FromSeconds(1), $"Retry-After is {retryAfter.Delta}.");
    }
}

public sealed class BusyDatabaseTestsOnSqlite : IClassFixture<SqliteApi>
{
    private readonly SqliteApi _api;

    public BusyDatabaseTestsOnSqlite(SqliteApi api)
    {
        _api = api;
        BusyDatabase.UseShortBusyTimeout(api);
    }

    /// A connection of another process holding SQLite's one write lock until disposed.
    private async Task<SqliteConnection> HoldWriteLockAsync()
    {
        await (await _api.Anonymous().GetAsync("/health/ready")).ExpectAsync(HttpStatusCode.OK); // started and migrated
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder(_api.ConnectionString) { Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var begin = connection.CreateCommand();
        begin.CommandText = "BEGIN IMMEDIATE";
        await begin.ExecuteNonQueryAsync();
        return connection;
    }

    private static async Task ReleaseAsync(SqliteConnection connection)
    {
        await using (var rollback = connection.CreateCommand())
        {
            rollback.CommandText = "ROLLBACK";
            await rollback.ExecuteNonQueryAsync();
        }
        await connection.DisposeAsync();
    }

    [Fact]
    public async Task Write_while_another_connection_holds_the_lock_is_503_then_succeeds_once_released()
    {
        var before = await _api.CountRowsAsync("clusters");
        var locker = await HoldWriteLockAsync();
        try
        {
            var clock = Stopwatch.StartNew();
            await BusyDatabase.ExpectBusyAsync(await _api.Admin().PostJsonAsync("/api/v1/clusters", BusyDatabase.Cluster));
            // It waited for the lock (about BusyTimeoutSeconds), but not for the default 5 s or more.
            Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(4.5));
        }
        finally
        {
            await ReleaseAsync(locker);
        }

        Assert.Equal(before, await _api.CountRowsAsync("clusters"));
        await (await _api.Admin().PostJsonAsync("/api/v1/clusters", BusyDatabase.Cluster)).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(before + 1, await _api.CountRowsAsync("clusters"));
    }

    [Fact]
    public async Task Reads_go_on_while_the_write_lock_is_held()
    {
        var id = await _api.CreateClusterAsync();
        var locker = await HoldWriteLockAsync();
        try
        {
            await (await _api.Admin().GetAsync($"/api/v1/clusters/{id}")).ExpectAsync(HttpStatusCode.OK);
            await (await _api.Admin().GetAsync("/api/v1/clusters")).ExpectAsync(HttpStatusCode.OK);
        }
        finally
        {
            await ReleaseAsync(locker);
        }
    }

    [Fact]
    public async Task Company_patch_while_the_write_lock_is_held_is_503()
    {
        var company = await _api.CreateCompanyAsync();
        var locker = await HoldWriteLockAsync();
        try
        {
            await BusyDatabase.ExpectBusyAsync(await _api.Admin().PatchJsonAsync($"/api/v1/companies/{company.Id}", new { name = "Busy" }));
        }
        finally
        {
            await ReleaseAsync(locker);
        }
        var read = await (await _api.Admin().GetAsync($"/api/v1/companies/{company.Id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.NotEqual("Busy", (string?)read["name"]);
    }
}

public sealed class BusyDatabaseTestsOnPostgres : IClassFixture<PostgresApi>
{
    private readonly PostgresApi _api;

    public BusyDatabaseTestsOnPostgres(PostgresApi api)
    {
        _api = api;
        BusyDatabase.UseShortBusyTimeout(api);
    }

    /// Another session's open transaction holding the company's row lock until disposed.
    private async Task<(NpgsqlConnection Connection, NpgsqlTransaction Transaction)> LockCompanyRowAsync(string companyId)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_api.ConnectionString) { Pooling = false }.ToString());
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var select = new NpgsqlCommand("SELECT id FROM companies WHERE id = @id FOR UPDATE", connection, transaction);
        select.Parameters.AddWithValue("id", Guid.Parse(companyId));
        Assert.NotNull(await select.ExecuteScalarAsync());
        return (connection, transaction);
    }

    [Fact]
    public async Task Patch_of_a_locked_company_is_503_then_succeeds_once_released()
    {
        var company = await _api.CreateCompanyAsync();
        var (connection, transaction) = await LockCompanyRowAsync(company.Id);
        try
        {
            var clock = Stopwatch.StartNew();
            await BusyDatabase.ExpectBusyAsync(
                await _api.Admin().PatchJsonAsync($"/api/v1/companies/{company.Id}", new { name = "Renamed while busy" }));
            Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(4.5));
        }
        finally
        {
            await transaction.RollbackAsync();
            await connection.DisposeAsync();
        }

        var unchanged = await (await _api.Admin().GetAsync($"/api/v1/companies/{company.Id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.NotEqual("Renamed while busy", (string?)unchanged["name"]);
        var patched = await (await _api.Admin().PatchJsonAsync($"/api/v1/companies/{company.Id}", new { name = "Renamed while busy" }))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Renamed while busy", (string?)patched["name"]);
    }

    [Fact]
    public async Task Reads_of_a_locked_company_go_on()
    {
        var company = await _api.CreateCompanyAsync();
        var (connection, transaction) = await LockCompanyRowAsync(company.Id);
        try
        {
            await (await _api.Admin().GetAsync($"/api/v1/companies/{company.Id}")).ExpectAsync(HttpStatusCode.OK);
        }
        finally
        {
            await transaction.RollbackAsync();
            await connection.DisposeAsync();
        }
    }
}
