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
    private bool _ownsKeysFile = true;

    public TestClock Clock { get; } = new();
    public abstract string Provider { get; }
    public string ConnectionString { get; protected set; } = "";
    public string KeysFile { get; private set; } = Path.Combine(Path.GetTempPath(), $"mp-keys-{Guid.NewGuid():N}.env");

    /// Extra configuration for this instance (before the first request).
    public ApiFactory With(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    public abstract Task InitializeAsync();

    public new virtual async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsKeysFile) File.Delete(KeysFile);
    }

    /// A second factory (in effect a second API process) on this factory's database, with the
    /// same settings and keys file; disposing it leaves both alone.
    public ApiFactory OnSameDatabase() => new SameDatabaseApi(this);

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

    private sealed class SameDatabaseApi : ApiFactory
    {
        public SameDatabaseApi(ApiFactory first)
        {
            Provider = first.Provider;
            ConnectionString = first.ConnectionString;
            KeysFile = first.KeysFile;
            _ownsKeysFile = false;
            foreach (var (key, value) in first._settings) _settings[key] = value;
        }

        public override string Provider { get; }

        public override Task InitializeAsync() => Task.CompletedTask;
    }
}

public sealed class SqliteApi : ApiFactory
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"mp-test-{Guid.NewGuid():N}.db");

    public SqliteApi() => ConnectionString = $"Data Source={_file}";

    public override string Provider => "sqlite";

    public override Task InitializeAsync() => Task.CompletedTask;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(_file + suffix);
    }
}

public sealed class PostgresApi : ApiFactory
{
    public override string Provider => "postgres";

    public override async Task InitializeAsync() => ConnectionString = await PostgresServer.CreateDatabaseAsync();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await PostgresServer.DropDatabaseAsync(ConnectionString);
    }
}
