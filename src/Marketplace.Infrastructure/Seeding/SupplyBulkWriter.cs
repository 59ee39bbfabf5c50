using System.Data.Common;
using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Marketplace.Domain.Catalog;
using Marketplace.Domain.Companies;
using Marketplace.Domain.Reference;
using Marketplace.Infrastructure.Database;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Marketplace.Infrastructure.Seeding;

public sealed record BulkLoadResult(SupplyCounts Counts, string TopGroup, int TopGroupCapabilities, TimeSpan Elapsed)
{
    public double TopGroupShare => Counts.Capabilities == 0 ? 0 : (double)TopGroupCapabilities / Counts.Capabilities;
}

/// The benchmark data set: the demo clusters and the demo generator's companies, scaled up
/// until there are exactly N capabilities, written straight into an empty, migrated database
/// in one transaction: PostgreSQL with binary COPY, SQLite with one prepared command per table
/// (toolchain.md). About 15% of the capabilities fall in 25.62 (machining), the commonest
/// trade in the generator, so a benchmark has one big category group to query.
///
/// No change-feed rows are written: the data set is loaded before any API process starts, and
/// the matching index builds itself from the tables at start; a change per row (or per company)
/// would only double the write and tell a follower nothing it cannot read from the tables.
public sealed class SupplyBulkWriter(Db db, ReferenceData reference, ILogger logger)
{
    private const int ChunkCompanies = 5_000;
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(3);

    public async Task<BulkLoadResult> WriteAsync(int capabilities, CancellationToken ct, int seed = SupplyGenerator.DefaultSeed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capabilities);
        var clock = Stopwatch.StartNew();
        var now = DateTimeOffset.UtcNow;
        now = new DateTimeOffset(now.UtcTicks - now.UtcTicks % 10, TimeSpan.Zero); // microseconds, as every provider keeps
        await using var connection = await db.OpenAsync(ct);
        if (connection is SqliteConnection)
        {
            // A bigger page cache keeps the secondary indexes' pages in memory while they grow.
            await connection.ExecuteAsync(new CommandDefinition("PRAGMA cache_size = -262144", cancellationToken: ct));
        }
        await using var tx = await db.BeginWriteAsync(connection, ct);
        var existing = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT (SELECT COUNT(*) FROM clusters) + (SELECT COUNT(*) FROM companies)", transaction: tx, cancellationToken: ct));
        if (existing > 0)
            throw new InvalidOperationException("The database already has clusters or companies: the benchmark data set needs an empty one.");

        var clusters = await InsertClustersAsync(connection, tx, now, ct);
        var generator = new SupplyGenerator(clusters, reference.Okpd2, seed);
        await using IRowWriter writer = connection switch
        {
            NpgsqlConnection pg => new PostgresCopyWriter(pg, now),
            _ => new PreparedInsertWriter(connection, tx, now),
        };

        var groups = new Dictionary<string, int>(StringComparer.Ordinal);
        var progress = new Progress(logger, capabilities, clock);
        // Generation of the next chunk runs beside the write of this one (two cores: one for each).
        // The generator is used by one task at a time, in order, so the content stays the same.
        using var chunks = Chunks(generator, capabilities).GetEnumerator();
        var next = Task.Run(() => chunks.MoveNext() ? chunks.Current : null, ct);
        try
        {
            while (await next is { } chunk)
            {
                next = Task.Run(() => chunks.MoveNext() ? chunks.Current : null, ct);
                await writer.WriteAsync(chunk, ct);
                var counts = SupplyCounts.Of(chunk);
                foreach (var group in chunk.SelectMany(c => c.Capabilities).Select(k => CategoryCode.Group(k.CategoryCode)))
                    groups[group] = groups.GetValueOrDefault(group) + 1;
                progress.Add(counts);
            }
        }
        finally
        {
            // After a failed write, let the generating task finish before its enumerator is disposed.
            await Task.WhenAny(next);
        }
        await tx.CommitAsync(ct);
        var written = progress.Total;
        logger.LogInformation("Committed {Companies:N0} companies, {Sites:N0} sites, {Capabilities:N0} capabilities in {Seconds:F1} s",
            written.Companies, written.Sites, written.Capabilities, clock.Elapsed.TotalSeconds);

        if (connection is NpgsqlConnection)
        {
            // Fresh statistics, so that the first benchmark queries get the plans they will keep.
            var analyze = Stopwatch.StartNew();
            await connection.ExecuteAsync(new CommandDefinition("ANALYZE companies; ANALYZE sites; ANALYZE capabilities", cancellationToken: ct));
            logger.LogInformation("ANALYZE took {Seconds:F1} s", analyze.Elapsed.TotalSeconds);
        }
        var top = groups.OrderByDescending(g => g.Value).ThenBy(g => g.Key, StringComparer.Ordinal).FirstOrDefault();
        return new BulkLoadResult(written, top.Key ?? "", top.Value, clock.Elapsed);
    }

    /// Anchors and wholesalers first, then suppliers in chunks until exactly `capabilities`.
    private static IEnumerable<List<SeedCompany>> Chunks(SupplyGenerator generator, int capabilities)
    {
        yield return [.. generator.Anchors(), .. generator.Wholesalers()];
        var remaining = capabilities;
        while (remaining > 0)
        {
            var chunk = new List<SeedCompany>(ChunkCompanies);
            while (chunk.Count < ChunkCompanies && remaining > 0)
            {
                var supplier = generator.NextSupplier(Math.Min(4, remaining));
                remaining -= supplier.Sites.Sum(s => s.Capabilities.Count);
                chunk.Add(supplier);
            }
            yield return chunk;
        }
    }

    private async Task<List<SupplyCluster>> InsertClustersAsync(DbConnection connection, DbTransaction tx, DateTimeOffset now, CancellationToken ct)
    {
        var list = new List<SupplyCluster>();
        foreach (var c in DemoClusters.Load())
        {
            var id = Domain.Id.New();
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO clusters (id, name, region_code, region_name, center_lat, center_lon, specializations,
                                      local_sourcing_threshold, created_at)
                VALUES (@id, @Name, @RegionCode, @RegionName, @Lat, @Lon, @Specializations, @LocalSourcingThreshold, @now)
                """, new
            {
                id, c.Name, c.RegionCode, RegionName = reference.RuRegionName(c.RegionCode) ?? c.RegionCode, c.Center.Lat, c.Center.Lon,
                Specializations = JsonSerializer.Serialize(c.Specializations), c.LocalSourcingThreshold, now,
            }, tx, cancellationToken: ct));
            list.Add(c.ToSupply(id));
        }
        return list;
    }

    private interface IRowWriter : IAsyncDisposable
    {
        Task WriteAsync(IReadOnlyList<SeedCompany> companies, CancellationToken ct);
    }

    /// PostgreSQL: one binary COPY per table and chunk, inside the one transaction (the tables
    /// are empty, so no staging table is needed).
    private sealed class PostgresCopyWriter(NpgsqlConnection connection, DateTimeOffset now) : IRowWriter
    {
        private readonly DateTime _at = now.UtcDateTime;

        public async Task WriteAsync(IReadOnlyList<SeedCompany> companies, CancellationToken ct)
        {
            await using (var copy = await connection.BeginBinaryImportAsync(
                "COPY companies (id, name, tax_id, roles, size, certifications, active, version, created_at, updated_at) FROM STDIN (FORMAT BINARY)", ct))
            {
                foreach (var c in companies)
                {
                    await copy.StartRowAsync(ct);
                    await copy.WriteAsync(c.Id, NpgsqlDbType.Uuid, ct);
                    await copy.WriteAsync(c.Name, NpgsqlDbType.Text, ct);
                    await copy.WriteAsync(c.TaxId, NpgsqlDbType.Text, ct);
                    await copy.WriteAsync((int)c.Roles, NpgsqlDbType.Integer, ct);
                    await copy.WriteAsync(CompanySizes.ToWire(c.Size), NpgsqlDbType.Text, ct);
                    await copy.WriteAsync(JsonSerializer.Serialize(c.Certifications), NpgsqlDbType.Text, ct);
                    await copy.WriteAsync(true, NpgsqlDbType.Boolean, ct);
                    await copy.WriteAsync(1, NpgsqlDbType.Integer, ct);
                    await copy.WriteAsync(_at, NpgsqlDbType.TimestampTz, ct);
                    await copy.WriteAsync(_at, NpgsqlDbType.TimestampTz, ct);
                }
                await copy.CompleteAsync(ct);
            }
            await using (var copy = await connection.BeginBinaryImportAsync(
                "COPY sites (id, company_id, name, lat, lon, cluster_id, region_code, created_at, updated_at) FROM STDIN (FORMAT BINARY)", ct))
            {
                foreach (var c in companies)
                foreach (var s in c.Sites)
                {
                    await copy.StartRowAsync(ct);
                    await copy.WriteAsync(s.Id, NpgsqlDbType.Uuid, ct);
                    await copy.WriteAsync(c.Id, NpgsqlDbType.Uuid, ct);
                    await copy.WriteAsync(s.Name, NpgsqlDbType.Text, ct);
                    await copy.WriteAsync(s.Lat, NpgsqlDbType.Double, ct);
                    await copy.WriteAsync(s.Lon, NpgsqlDbType.Double, ct);
                    if (s.ClusterId is { } clusterId) await copy.WriteAsync(clusterId, NpgsqlDbType.Uuid, ct);
                    else await copy.WriteNullAsync(ct);
                    await copy.WriteAsync(s.RegionCode, NpgsqlDbType.Text, ct);
                    await copy.WriteAsync(_at, NpgsqlDbType.TimestampTz, ct);
                    await copy.WriteAsync(_at, NpgsqlDbType.TimestampTz, ct);
                }
                await copy.CompleteAsync(ct);
            }
            await using (var copy = await connection.BeginBinaryImportAsync(
                "COPY capabilities (id, company_id, site_id, category_code, description, capacity_per_month, unit, local_share, created_at, updated_at) FROM STDIN (FORMAT BINARY)", ct))
            {
                foreach (var c in companies)
                foreach (var s in c.Sites)
                foreach (var k in s.Capabilities)
                {
                    await copy.StartRowAsync(ct);
                    await copy.WriteAsync(k.Id, NpgsqlDbType.Uuid, ct);
                    await copy.WriteAsync(c.Id, NpgsqlDbType.Uuid, ct);
                    await copy.WriteAsync(s.Id, NpgsqlDbType.Uuid, ct);
                    await copy.WriteAsync(k.CategoryCode, NpgsqlDbType.Text, ct);
                    if (k.Description is { } description) await copy.WriteAsync(description, NpgsqlDbType.Text, ct);
                    else await copy.WriteNullAsync(ct);
                    await copy.WriteAsync(k.CapacityPerMonth, NpgsqlDbType.Double, ct);
                    await copy.WriteAsync(k.Unit, NpgsqlDbType.Text, ct);
                    await copy.WriteAsync(k.LocalShare, NpgsqlDbType.Double, ct);
                    await copy.WriteAsync(_at, NpgsqlDbType.TimestampTz, ct);
                    await copy.WriteAsync(_at, NpgsqlDbType.TimestampTz, ct);
                }
                await copy.CompleteAsync(ct);
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// SQLite (and, unverified, SQL Server): one command per table, created once and reused for
    /// every row with new parameter values, all in the one transaction.
    private sealed class PreparedInsertWriter : IRowWriter
    {
        private readonly DbCommand _company, _site, _capability;
        private readonly object _at;

        public PreparedInsertWriter(DbConnection connection, DbTransaction tx, DateTimeOffset now)
        {
            // SQLite keeps timestamps as fixed-width text (TypeHandlers); SQL Server has datetimeoffset.
            _at = connection is SqliteConnection ? TypeHandlers.FormatTimestamp(now) : now;
            _company = Prepare(connection, tx, DemoSupplyWriter.InsertCompany, "Id", "Name", "TaxId", "Roles", "Size", "Certifications", "Active", "At");
            _site = Prepare(connection, tx, DemoSupplyWriter.InsertSite, "Id", "CompanyId", "Name", "Lat", "Lon", "ClusterId", "RegionCode", "At");
            _capability = Prepare(connection, tx, DemoSupplyWriter.InsertCapability, "Id", "CompanyId", "SiteId", "CategoryCode", "Description",
                "CapacityPerMonth", "Unit", "LocalShare", "At");
        }

        public async Task WriteAsync(IReadOnlyList<SeedCompany> companies, CancellationToken ct)
        {
            foreach (var c in companies)
            {
                // Ids as canonical lower-case text: what SQLite's TEXT and SQL Server's char(36) columns hold.
                var companyId = c.Id.ToString("D");
                await Run(_company, ct, companyId, c.Name, c.TaxId, (int)c.Roles, CompanySizes.ToWire(c.Size),
                    JsonSerializer.Serialize(c.Certifications), true, _at);
                foreach (var s in c.Sites)
                {
                    var siteId = s.Id.ToString("D");
                    await Run(_site, ct, siteId, companyId, s.Name, s.Lat, s.Lon, s.ClusterId?.ToString("D"), s.RegionCode, _at);
                    foreach (var k in s.Capabilities)
                        await Run(_capability, ct, k.Id.ToString("D"), companyId, siteId, k.CategoryCode, k.Description,
                            k.CapacityPerMonth, k.Unit, k.LocalShare, _at);
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _company.DisposeAsync();
            await _site.DisposeAsync();
            await _capability.DisposeAsync();
        }

        private static DbCommand Prepare(DbConnection connection, DbTransaction tx, string sql, params string[] names)
        {
            var cmd = connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = sql;
            foreach (var name in names)
            {
                var p = cmd.CreateParameter();
                p.ParameterName = "@" + name;
                cmd.Parameters.Add(p);
            }
            // SqlCommand.Prepare would need explicit sizes for every text parameter; SQL Server
            // caches the parameterized plan anyway.
            if (connection is SqliteConnection) cmd.Prepare();
            return cmd;
        }

        private static Task<int> Run(DbCommand cmd, CancellationToken ct, params object?[] values)
        {
            for (var i = 0; i < values.Length; i++) cmd.Parameters[i].Value = values[i] ?? DBNull.Value;
            return cmd.ExecuteNonQueryAsync(ct);
        }
    }

    private sealed class Progress(ILogger logger, int target, Stopwatch clock)
    {
        private TimeSpan _last;

        public SupplyCounts Total { get; private set; }

        public void Add(SupplyCounts chunk)
        {
            Total = new SupplyCounts(Total.Companies + chunk.Companies, Total.Sites + chunk.Sites, Total.Capabilities + chunk.Capabilities);
            if (clock.Elapsed - _last < ProgressEvery) return;
            _last = clock.Elapsed;
            var rows = (long)Total.Companies + Total.Sites + Total.Capabilities;
            logger.LogInformation("{Rows:N0} rows ({Capabilities:N0} of {Target:N0} capabilities), {Rate:N0} rows/s",
                rows, Total.Capabilities, target, rows / clock.Elapsed.TotalSeconds);
        }
    }
}
