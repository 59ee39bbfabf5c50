using System.Text.Json;
using Dapper;
using Marketplace.Api.Features.Clusters;
using Marketplace.Domain.Reference;
using Marketplace.Infrastructure.Database;

namespace Marketplace.Api.Seeding;

/// Loads the demo data of `seeds/demo/` into an empty database, once: the real clusters of
/// domain.md. A second start finds them and adds nothing.
public sealed class DemoSeeder(Db db, ReferenceData reference, TimeProvider time, ILogger<DemoSeeder> logger)
{
    public async Task<bool> SeedAsync(CancellationToken ct)
    {
        var clusters = LoadClusters();
        await using var connection = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(connection, ct);
        // Under the write transaction: two processes starting together cannot both seed.
        if (db.Dialect.StartupLockInTransaction is { } startupLock)
            await connection.ExecuteAsync(new CommandDefinition(startupLock, transaction: tx, cancellationToken: ct));
        var existing = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM clusters", transaction: tx, cancellationToken: ct));
        if (existing > 0)
        {
            logger.LogInformation("Demo data: the database already has {Count} clusters; nothing seeded", existing);
            return false;
        }
        var now = time.GetUtcNow();
        foreach (var c in clusters)
        {
            var cluster = new ClusterDto(Domain.Id.New(), c.Name, c.RegionCode, reference.RuRegionName(c.RegionCode) ?? c.RegionCode,
                new GeoPointDto(c.Center.Lat, c.Center.Lon), c.Specializations, c.LocalSourcingThreshold,
                new DateTimeOffset(now.UtcTicks - now.UtcTicks % 10, TimeSpan.Zero));
            await ClusterSql.InsertAsync(connection, tx, cluster, ct);
        }
        await tx.CommitAsync(ct);
        logger.LogInformation("Demo data: seeded {Count} clusters", clusters.Count);
        return true;
    }

    public static IReadOnlyList<SeedCluster> LoadClusters()
    {
        using var stream = typeof(DemoSeeder).Assembly.GetManifestResourceStream("demo/clusters.json")
            ?? throw new InvalidOperationException("seeds/demo/clusters.json is not embedded.");
        return JsonSerializer.Deserialize<List<SeedCluster>>(stream, new JsonSerializerOptions(JsonSerializerDefaults.Web))
            ?? throw new InvalidOperationException("seeds/demo/clusters.json is empty.");
    }

    public sealed record SeedCluster(string Key, string Name, string RegionCode, string City, GeoPointDto Center,
        List<string> Specializations, double LocalSourcingThreshold);
}
