namespace Marketplace.Infrastructure.Database;

public enum DatabaseProvider { Sqlite, Postgres, SqlServer }

/// Bound from `Marketplace:Database` (api.md, Configuration).
public sealed class DatabaseOptions
{
    public const string DefaultSqliteFile = "marketplace.db";

    public string Provider { get; set; } = "sqlite";
    public string? ConnectionString { get; set; }
    public int BusyTimeoutSeconds { get; set; } = 5;

    public DatabaseProvider ParsedProvider => Provider.Trim().ToLowerInvariant() switch
    {
        "sqlite" => DatabaseProvider.Sqlite,
        "postgres" or "postgresql" => DatabaseProvider.Postgres,
        "sqlserver" or "mssql" => DatabaseProvider.SqlServer,
        _ => throw new InvalidOperationException(
            $"Marketplace:Database:Provider '{Provider}' is not one of sqlite, postgres, sqlserver."),
    };

    public string EffectiveConnectionString => ConnectionString is { Length: > 0 } cs
        ? cs
        : ParsedProvider == DatabaseProvider.Sqlite
            ? $"Data Source={DefaultSqliteFile}"
            : throw new InvalidOperationException(
                "Marketplace:Database:ConnectionString is required for the postgres and sqlserver providers.");
}
