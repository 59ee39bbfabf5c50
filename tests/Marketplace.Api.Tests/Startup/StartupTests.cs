using Marketplace.Api.Hosting;
using System.Net;
using System.Text.Json;
using Dapper;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Infrastructure.Database;
using Microsoft.Extensions.Logging.Abstractions;

namespace Marketplace.Api.Tests.Startup;

/// What runs before the first request (migrations, admin keys, demo data) and what a restart on
/// the same database must not repeat. The class's own app starts with the demo seed enabled.
public abstract class StartupTests : IDisposable
{
    private readonly ApiFactory _api;
    private readonly string _keysFile = Path.Combine(Path.GetTempPath(), $"mp-startup-keys-{Guid.NewGuid():N}.env");

    protected StartupTests(ApiFactory api)
    {
        _api = api;
        _api.With("Marketplace:SeedDemoData", "true");
    }

    public void Dispose()
    {
        File.Delete(_keysFile);
        GC.SuppressFinalize(this);
    }

    private async Task StartAsync(ApiFactory api) =>
        await (await api.Anonymous().GetAsync("/health/ready")).ExpectAsync(HttpStatusCode.OK);

    private static IReadOnlyList<SeedCluster> SeedClusters()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Marketplace.sln"))) dir = dir.Parent;
        var path = Path.Combine(dir?.FullName ?? throw new InvalidOperationException("Marketplace.sln not found."), "seeds", "demo", "clusters.json");
        return JsonSerializer.Deserialize<List<SeedCluster>>(File.ReadAllText(path), new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    }

    private sealed record SeedCluster(string Name, string RegionCode, string City, SeedPoint Center);

    private sealed record SeedPoint(double Lat, double Lon);

    private async Task<List<(string Name, string RegionCode)>> ClusterNamesAsync()
    {
        await using var db = _api.OpenDb();
        await using var connection = await db.OpenAsync(CancellationToken.None);
        var rows = await connection.QueryAsync<(string, string)>("SELECT name, region_code FROM clusters");
        return rows.ToList();
    }

    /// The schema as lines of text: sqlite_master on SQLite, information_schema.columns (and the
    /// indexes on PostgreSQL) elsewhere.
    private static async Task<List<string>> SchemaAsync(Db db)
    {
        await using var connection = await db.OpenAsync(CancellationToken.None);
        var sql = db.Provider == DatabaseProvider.Sqlite
            ? "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
            : """
              SELECT table_schema, table_name, column_name, data_type, is_nullable, column_default
              FROM information_schema.columns
              WHERE table_schema NOT IN ('pg_catalog', 'information_schema', 'sys')
              ORDER BY table_schema, table_name, ordinal_position
              """;
        var schema = await LinesAsync(connection, sql);
        if (db.Provider == DatabaseProvider.Postgres)
            schema.AddRange(await LinesAsync(connection,
                "SELECT schemaname, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname"));
        return schema;
    }

    private static async Task<List<string>> LinesAsync(System.Data.Common.DbConnection connection, string sql) =>
        (await connection.QueryAsync(sql))
            .Select(row => string.Join(" | ", ((IDictionary<string, object?>)row).Values.Select(v => v?.ToString() ?? "NULL")))
            .ToList();

    [Fact]
    public async Task Migrations_run_again_change_nothing()
    {
        await StartAsync(_api);
        await using var db = _api.OpenDb();
        var migrator = new Migrator(db, NullLogger<Migrator>.Instance);
        var before = await SchemaAsync(db);
        Assert.Contains(before, line => line.Contains("api_keys", StringComparison.Ordinal));

        Assert.Empty(await migrator.MigrateAsync(CancellationToken.None));
        Assert.Empty(await migrator.MigrateAsync(CancellationToken.None));
        Assert.Empty(migrator.PendingScripts());

        Assert.Equal(before, await SchemaAsync(db));
    }

    [Fact]
    public async Task Readiness_is_200_after_start()
    {
        var ready = await (await _api.Anonymous().GetAsync("/health/ready")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("ready", (string?)ready["status"]);
        await (await _api.Anonymous().GetAsync("/health")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Demo_seed_loads_the_real_clusters_once()
    {
        await StartAsync(_api);
        var seeds = SeedClusters();
        Assert.True(seeds.Count >= 20, $"seeds/demo/clusters.json has only {seeds.Count} clusters.");
        await AssertSeededOnceAsync(seeds);

        // Through the API: a Kaluga cluster with its region and center.
        var page = await (await _api.Admin().GetAsync("/api/v1/clusters?limit=200")).ExpectAsync(HttpStatusCode.OK);
        var items = page["items"]!.AsArray();
        var kalugaSeed = seeds.First(s => s.RegionCode == "RU-KLU");
        var kaluga = items.Single(c => (string?)c!["name"] == kalugaSeed.Name)!;
        Assert.Equal("RU-KLU", (string?)kaluga["regionCode"]);
        Assert.Equal("Kaluga Oblast", (string?)kaluga["regionName"]);
        Assert.Equal(kalugaSeed.Center.Lat, (double)kaluga["center"]!["lat"]!);
        Assert.Equal(kalugaSeed.Center.Lon, (double)kaluga["center"]!["lon"]!);
        Assert.Equal(54.5059848, (double)kaluga["center"]!["lat"]!);
        Assert.NotEmpty(kaluga["specializations"]!.AsArray());

        // A second instance on the same database, also seeding, adds nothing.
        var second = _api.OnSameDatabase().With("Marketplace:SeedDemoData", "true");
        try
        {
            await StartAsync(second);
            var fromSecond = await (await second.Admin().GetAsync("/api/v1/clusters?limit=200")).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal(items.Count, fromSecond["items"]!.AsArray().Count);
        }
        finally
        {
            await second.DisposeAsync();
        }
        await AssertSeededOnceAsync(seeds);
    }

    private async Task AssertSeededOnceAsync(IReadOnlyList<SeedCluster> seeds)
    {
        var names = await ClusterNamesAsync();
        foreach (var seed in seeds)
            Assert.Equal(1, names.Count(n => n.Name == seed.Name && n.RegionCode == seed.RegionCode));
        // Other tests of this class add no clusters, so the seed is all there is.
        Assert.Equal(seeds.Count, names.Count);
    }

    [Fact]
    public async Task Configured_admin_key_writes_no_admin_key_to_the_keys_file()
    {
        // (Demo keys of a seeding test in this class may share the file; an admin key never.)
        await StartAsync(_api);
        Assert.False(KeysFileStore.Read(_api.KeysFile).ContainsKey(KeysFileStore.AdminKeyName),
            "An admin key was written although Marketplace:AdminApiKey is set.");
    }

    [Fact]
    public async Task Without_admin_key_the_app_writes_one_to_the_keys_file_and_reuses_it_after_a_restart()
    {
        await StartAsync(_api);
        Assert.False(File.Exists(_keysFile));

        var first = WithoutAdminKey();
        string key;
        string companyId;
        try
        {
            await StartAsync(first);
            key = ReadAdminKey();
            Assert.NotEqual(ApiFactory.AdminKey, key);
            Assert.True(key.Length >= 43, $"The generated admin key '{key}' is too short for 256 bits.");
            // The configured test key is not an admin key of this instance; the generated one is.
            await (await first.Admin().GetAsync("/api/v1/clusters")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.unauthenticated");
            var company = await (await first.As(key).PostJsonAsync("/api/v1/companies", new
            {
                name = "Keys file check", taxId = Scenario.NewTaxId(), roles = new[] { "supplier" }, size = "micro",
            })).ExpectAsync(HttpStatusCode.Created);
            companyId = (string)company["id"]!;
        }
        finally
        {
            await first.DisposeAsync();
        }

        var restarted = WithoutAdminKey();
        try
        {
            await StartAsync(restarted);
            Assert.Equal(key, ReadAdminKey());
            // Admin-only: listing a company's keys.
            await (await restarted.As(key).GetAsync($"/api/v1/companies/{companyId}/api-keys")).ExpectAsync(HttpStatusCode.OK);
        }
        finally
        {
            await restarted.DisposeAsync();
        }
    }

    private ApiFactory WithoutAdminKey() => _api.OnSameDatabase()
        .With("Marketplace:AdminApiKey", "")
        .With("Marketplace:KeysFile", _keysFile);

    private string ReadAdminKey()
    {
        Assert.True(File.Exists(_keysFile), $"No keys file at {_keysFile}.");
        var lines = File.ReadAllLines(_keysFile).Where(l => l.StartsWith("MARKETPLACE_ADMIN_KEY=", StringComparison.Ordinal)).ToList();
        Assert.Single(lines);
        var key = lines[0]["MARKETPLACE_ADMIN_KEY=".Length..];
        Assert.False(string.IsNullOrWhiteSpace(key));
        return key;
    }
}

public sealed class StartupTestsOnSqlite(SqliteApi api) : StartupTests(api), IClassFixture<SqliteApi>;
public sealed class StartupTestsOnPostgres(PostgresApi api) : StartupTests(api), IClassFixture<PostgresApi>;
