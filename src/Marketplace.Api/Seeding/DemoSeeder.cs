using System.Diagnostics;
using Dapper;
using Marketplace.Api.Features.Clusters;
using Marketplace.Api.Hosting;
using Marketplace.Domain.Reference;
using Marketplace.Infrastructure.Catalog;
using Marketplace.Infrastructure.Database;
using Marketplace.Infrastructure.Seeding;

namespace Marketplace.Api.Seeding;

/// Loads the demo data into an empty database, once, in one transaction: the real clusters of
/// seeds/demo/ (domain.md), the synthetic anchors, suppliers and wholesalers of SupplyGenerator,
/// their tenders in every status (DemoTenders), and demo API keys, which go to the keys file after the commit. A second start finds the
/// clusters and adds nothing.
public sealed class DemoSeeder(Db db, ReferenceData reference, CatalogImporter importer, TimeProvider time, ILogger<DemoSeeder> logger)
{
    /// About this many catalog items in all, shared by the demo's wholesalers (issue 6).
    public const int DemoCatalogItems = 10_000;

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
        var items = await ImportCatalogsAsync(supply.Wholesalers, now, ct);
        logger.LogInformation(
            "Demo data: seeded {Clusters} clusters, {Companies} companies, {Sites} sites, {Capabilities} capabilities, {Needs} needs, {Bids} bids and {Items} catalog items in {Ms} ms; demo keys in {KeysFile}",
            clusters.Count, counts.Companies, counts.Sites, counts.Capabilities, tenders.Needs, tenders.Bids, items, clock.ElapsedMilliseconds,
            keysFile);
        return true;
    }

    /// The wholesalers' catalogs go through the import path a wholesaler's integration uses (one
    /// NDJSON body each, one transaction and one `catalog` change per wholesaler), after the
    /// companies and their warehouses committed.
    private async Task<long> ImportCatalogsAsync(IReadOnlyList<SeedCompany> wholesalers, DateTimeOffset now, CancellationToken ct)
    {
        var generator = new CatalogGenerator(reference.Okpd2);
        long items = 0;
        for (var i = 0; i < wholesalers.Count; i++)
        {
            var count = DemoCatalogItems / wholesalers.Count + (i < DemoCatalogItems % wholesalers.Count ? 1 : 0);
            var body = CatalogGenerator.ToNdjson(generator.Items($"W{i + 1}", count, wholesalers[i].Sites.Select(s => s.Id).ToList()));
            await using var reader = new CatalogReader(new MemoryStream(body), CatalogFormat.Ndjson, reference);
            var summary = await importer.ImportAsync(reader, wholesalers[i].Id, replace: false, now, null, ct);
            if (summary.Rejected > 0)
                throw new InvalidOperationException($"The demo catalog had {summary.Rejected} rejected rows: {summary.Errors[0]}");
            items += summary.Inserted;
        }
        return items;
    }
}
