using System.Net.Http.Headers;
using Marketplace.Infrastructure.Database;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Api.Tests.Infrastructure;

/// The real application (every middleware, the mediator pipeline, Dapper and the real
/// database) on an in-memory server, one database per test class. Subclasses pick the provider.
public abstract class ApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AdminKey = "mp_test_admin_key_0123456789abcdefghijklmnopqrstuvwxyz";

    private readonly Dictionary<string, string?> _settings = new();

    public TestClock Clock { get; } = new();
    public abstract string Provider { get; }
    public string ConnectionString { get; protected set; } = "";
    public string KeysFile { get; } = Path.Combine(Path.GetTempPath(), $"mp-keys-{Guid.NewGuid():N}.env");

    /// Extra configuration for this instance (before the first request).
    public ApiFactory With(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    public abstract Task InitializeAsync();

    /// A second, unstarted app on this factory's database (another process, or a restart): it
    /// neither creates nor drops the database. Dispose it; no InitializeAsync is needed.
    public abstract ApiFactory OnSameDatabase();

    public new virtual async Task DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(KeysFile);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Marketplace:Database:Provider", Provider);
        builder.UseSetting("Marketplace:Database:ConnectionString", ConnectionString);
        builder.UseSetting("Marketplace:Database:BusyTimeoutSeconds", "5");
        builder.UseSetting("Marketplace:AdminApiKey", AdminKey);
        builder.UseSetting("Marketplace:SeedDemoData", "false");
        builder.UseSetting("Marketplace:KeysFile", KeysFile);
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    public HttpClient Anonymous() => CreateClient();

    public HttpClient As(string key)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public HttpClient Admin() => As(AdminKey);

    /// A Db on this factory's database, for checks that look under the API.
    public Db OpenDb() => new(new DatabaseOptions { Provider = Provider, ConnectionString = ConnectionString });
}

public sealed class SqliteApi : ApiFactory
{
    private readonly string _file;
    private readonly bool _ownsFile;

    public SqliteApi() : this(Path.Combine(Path.GetTempPath(), $"mp-test-{Guid.NewGuid():N}.db"), ownsFile: true)
    {
    }

    private SqliteApi(string file, bool ownsFile)
    {
        _file = file;
        _ownsFile = ownsFile;
        ConnectionString = $"Data Source={file}";
    }

    public override string Provider => "sqlite";

    public override Task InitializeAsync() => Task.CompletedTask;

    public override ApiFactory OnSameDatabase() => new SqliteApi(_file, ownsFile: false);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (!_ownsFile) return;
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(_file + suffix);
    }
}

public sealed class PostgresApi : ApiFactory
{
    private readonly bool _ownsDatabase = true;

    public PostgresApi()
    {
    }

    private PostgresApi(string connectionString)
    {
        ConnectionString = connectionString;
        _ownsDatabase = false;
    }

    public override string Provider => "postgres";

    public override async Task InitializeAsync()
    {
        if (_ownsDatabase) ConnectionString = await PostgresServer.CreateDatabaseAsync();
    }

    public override ApiFactory OnSameDatabase() => new PostgresApi(ConnectionString);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsDatabase) await PostgresServer.DropDatabaseAsync(ConnectionString);
    }
}
