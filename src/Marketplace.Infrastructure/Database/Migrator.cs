using System.Data.Common;
using System.Reflection;
using Dapper;
using DbUp;
using DbUp.Builder;
using DbUp.Engine;
using DbUp.Engine.Output;
using Microsoft.Extensions.Logging;

namespace Marketplace.Infrastructure.Database;

/// Applies the numbered SQL scripts of `Database/Migrations/<provider>/` with DbUp, which journals
/// each script once: running it again changes nothing.
public sealed class Migrator(Db db, ILogger<Migrator> logger)
{
    public IReadOnlyList<string> PendingScripts() =>
        Build(null).GetScriptsToExecute().Select(s => s.Name).ToList();

    public bool IsUpToDate() => PendingScripts().Count == 0;

    /// Applies pending scripts; answers the names of those it ran.
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken ct)
    {
        // Several processes may start against one server: hold a session lock while migrating.
        await using var lockConnection = db.Dialect.StartupLock is null ? null : await db.OpenAsync(ct);
        if (lockConnection is not null)
            await lockConnection.ExecuteAsync(new CommandDefinition(db.Dialect.StartupLock!, cancellationToken: ct));

        var result = Build(new LoggerLog(logger)).PerformUpgrade();
        if (!result.Successful)
            throw new InvalidOperationException($"Migration {result.ErrorScript?.Name} failed.", result.Error);
        var ran = result.Scripts.Select(s => s.Name).ToList();
        if (ran.Count > 0) logger.LogInformation("Applied {Count} migration(s): {Scripts}", ran.Count, string.Join(", ", ran));
        return ran;
    }

    private UpgradeEngine Build(IUpgradeLog? log)
    {
        var folder = db.Provider switch
        {
            DatabaseProvider.Sqlite => "sqlite",
            DatabaseProvider.Postgres => "postgres",
            _ => "sqlserver",
        };
        var prefix = $"Marketplace.Infrastructure.Database.Migrations.{folder}.";
        UpgradeEngineBuilder builder = db.Provider switch
        {
            DatabaseProvider.Sqlite => DeployChanges.To.SqliteDatabase(db.ConnectionString),
            DatabaseProvider.Postgres => DeployChanges.To.PostgresqlDatabase(db.ConnectionString),
            _ => DeployChanges.To.SqlDatabase(db.ConnectionString),
        };
        return builder
            .WithScriptsEmbeddedInAssembly(Assembly.GetExecutingAssembly(), name => name.StartsWith(prefix, StringComparison.Ordinal))
            .WithTransactionPerScript()
            .LogTo(log ?? new NoOpUpgradeLog())
            .Build();
    }

    private sealed class LoggerLog(ILogger logger) : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) { }
        public void LogDebug(string format, params object[] args) { }
        public void LogInformation(string format, params object[] args) => logger.LogDebug(format, args);
        public void LogWarning(string format, params object[] args) => logger.LogWarning(format, args);
        public void LogError(string format, params object[] args) => logger.LogError(format, args);
        public void LogError(Exception ex, string format, params object[] args) => logger.LogError(ex, format, args);
    }
}
