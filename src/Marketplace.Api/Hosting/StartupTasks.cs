using Marketplace.Api.Common.Auth;
using Marketplace.Api.Seeding;
using Marketplace.Infrastructure.Database;
using Marketplace.Infrastructure.Matching;
using Marketplace.Infrastructure.Security;

namespace Marketplace.Api.Hosting;

/// What runs before the first request: migrations, admin keys, demo data.
public sealed class StartupTasks(
    IConfiguration config, Db db, Migrator migrator, AdminKeys admins, DemoSeeder seeder, SupplyIndex index, ILogger<StartupTasks> logger)
{
    public const string DefaultKeysFile = ".marketplace/keys.env";

    public async Task RunAsync(CancellationToken ct)
    {
        if (db.Provider == DatabaseProvider.Sqlite) await db.EnableWalAsync(ct);
        await migrator.MigrateAsync(ct);
        ConfigureAdminKeys();
        // The embedded demo seeds by default; a server database only when asked.
        if (config.GetValue("Marketplace:SeedDemoData", db.Provider == DatabaseProvider.Sqlite))
            await seeder.SeedAsync(KeysFile, ct);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var candidates = await index.LoadAsync(ct);
        logger.LogInformation("Matching index: {Count} candidates loaded in {Ms} ms", candidates, started.ElapsedMilliseconds);
    }

    public string KeysFile => Path.GetFullPath(config["Marketplace:KeysFile"] is { Length: > 0 } f ? f : DefaultKeysFile);

    private void ConfigureAdminKeys()
    {
        var configured = (config["Marketplace:AdminApiKey"] ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var key in configured) admins.Add(key);
        if (admins.Count > 0) return;

        // No admin key configured: use the demo's own, kept in a git-ignored file across restarts.
        var key0 = KeysFileStore.Read(KeysFile).GetValueOrDefault(KeysFileStore.AdminKeyName);
        if (key0 is null)
        {
            key0 = ApiKeySecrets.Generate();
            KeysFileStore.Write(KeysFile, KeysFileStore.AdminKeyName, key0);
        }
        admins.Add(key0);
        logger.LogWarning("No Marketplace:AdminApiKey configured: the admin key is in {KeysFile} ({Name})", KeysFile, KeysFileStore.AdminKeyName);
    }
}
