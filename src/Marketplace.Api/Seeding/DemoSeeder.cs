using System.Diagnostics;
using Dapper;
using Marketplace.Api.Features.Clusters;
using Marketplace.Api.Hosting;
using Marketplace.Domain.Reference;
using Marketplace.Infrastructure.Database;
using Marketplace.Infrastructure.Seeding;

namespace Marketplace.Api.Seeding;

/// Loads the demo data into an empty database, once, in one transaction: the real clusters of
/// seeds/demo/ (domain.md), the synthetic anchors, suppliers and wholesalers of SupplyGenerator,
/// their tenders in every status (DemoTenders), and demo API keys, which go to the keys file after the commit. A second start finds the
/// clusters and adds nothing.
public sealed class DemoSeeder(Db db, ReferenceData reference, TimeProvider time, ILogger<DemoSeeder> logger)
{
    public async Task<bool> SeedAsync(string keysFile, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var clusters = DemoClusters.Load();
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
        now = new DateTimeOffset(now.UtcTicks - now.UtcTicks % 10, TimeSpan.Zero);
        var supplyClusters = new List<SupplyCluster>(clusters.Count);
        foreach (var c in clusters)
        {
            var cluster = new ClusterDto(Domain.Id.New(), c.Name, c.RegionCode, reference.RuRegionName(c.RegionCode) ?? c.RegionCode,
                new GeoPointDto(c.Center.Lat, c.Center.Lon), c.Specializations, c.LocalSourcingThreshold, now);
            await ClusterSql.InsertAsync(connection, tx, cluster, ct);
            supplyClusters.Add(c.ToSupply(cluster.Id));
        }

        var supply = new SupplyGenerator(supplyClusters, reference.Okpd2).Demo();
        var counts = await DemoSupplyWriter.InsertAsync(connection, tx, db.Dialect, supply.Companies, now, ct);
        var kalugaAuto = supplyClusters.Single(c => c.Key == DemoClusters.KalugaAutomotive);
        var tenders = await DemoTenders.InsertAsync(connection, tx, supply, now, ct);
        var keys = await DemoKeys.CreateAsync(connection, tx, supply, kalugaAuto.Id, now, ct);
        await tx.CommitAsync(ct);

        foreach (var (name, value) in keys) KeysFileStore.Write(keysFile, name, value);
        logger.LogInformation(
            "Demo data: seeded {Clusters} clusters, {Companies} companies, {Sites} sites, {Capabilities} capabilities, {Needs} needs and {Bids} bids in {Ms} ms; demo keys in {KeysFile}",
            clusters.Count, counts.Companies, counts.Sites, counts.Capabilities, tenders.Needs, tenders.Bids, clock.ElapsedMilliseconds, keysFile);
        return true;
    }
}
