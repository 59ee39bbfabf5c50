using System.Data.Common;
using System.Text.Json;
using Dapper;
using Marketplace.Domain.Companies;
using Marketplace.Infrastructure.Database;
using Npgsql;

namespace Marketplace.Infrastructure.Seeding;

/// Writes the demo's few thousand rows with plain INSERTs in the caller's transaction, and one
/// change-feed row per company, site and capability, so that a follower of the feed (the
/// matching index, an admin) sees the demo supply like any other write. The benchmark data
/// set uses SupplyBulkWriter instead.
public static class DemoSupplyWriter
{
    public const string InsertCompany = """
        INSERT INTO companies (id, name, tax_id, roles, size, certifications, active, version, created_at, updated_at)
        VALUES (@Id, @Name, @TaxId, @Roles, @Size, @Certifications, @Active, 1, @At, @At)
        """;

    public const string InsertSite = """
        INSERT INTO sites (id, company_id, name, lat, lon, cluster_id, region_code, created_at, updated_at)
        VALUES (@Id, @CompanyId, @Name, @Lat, @Lon, @ClusterId, @RegionCode, @At, @At)
        """;

    public const string InsertCapability = """
        INSERT INTO capabilities (id, company_id, site_id, category_code, description, capacity_per_month, unit, local_share,
                                  created_at, updated_at)
        VALUES (@Id, @CompanyId, @SiteId, @CategoryCode, @Description, @CapacityPerMonth, @Unit, @LocalShare, @At, @At)
        """;

    public static async Task<SupplyCounts> InsertAsync(DbConnection connection, DbTransaction tx, Dialect dialect,
        IEnumerable<SeedCompany> companies, DateTimeOffset at, CancellationToken ct)
    {
        await using IStatements statements = connection is NpgsqlConnection pg
            ? new PostgresBatches(pg, (NpgsqlTransaction)tx, ct)
            : new OneByOne(connection, tx, ct);
        int c = 0, s = 0, k = 0;
        foreach (var company in companies)
        {
            await statements.AddAsync(InsertCompany, new
            {
                company.Id, company.Name, company.TaxId, Roles = (int)company.Roles, Size = CompanySizes.ToWire(company.Size),
                Certifications = JsonSerializer.Serialize(company.Certifications), Active = true, At = at,
            });
            await statements.AddAsync(dialect.RecordChange, new { kind = ChangeKinds.Company, id = company.Id, at });
            c++;
            foreach (var site in company.Sites)
            {
                await statements.AddAsync(InsertSite, new
                {
                    site.Id, CompanyId = company.Id, site.Name, site.Lat, site.Lon, site.ClusterId, site.RegionCode, At = at,
                });
                await statements.AddAsync(dialect.RecordChange, new { kind = ChangeKinds.Site, id = site.Id, at });
                s++;
                foreach (var cap in site.Capabilities)
                {
                    await statements.AddAsync(InsertCapability, new
                    {
                        cap.Id, CompanyId = company.Id, SiteId = site.Id, cap.CategoryCode, cap.Description, cap.CapacityPerMonth,
                        cap.Unit, cap.LocalShare, At = at,
                    });
                    await statements.AddAsync(dialect.RecordChange, new { kind = ChangeKinds.Capability, id = cap.Id, at });
                    k++;
                }
            }
        }
        await statements.FlushAsync();
        return new SupplyCounts(c, s, k);
    }

    private interface IStatements : IAsyncDisposable
    {
        Task AddAsync(string sql, object args);

        Task FlushAsync();
    }

    /// SQLite runs in-process and SQL Server goes through Dapper's type handlers (ids as text).
    private sealed class OneByOne(DbConnection connection, DbTransaction tx, CancellationToken ct) : IStatements
    {
        public Task AddAsync(string sql, object args) =>
            connection.ExecuteAsync(new CommandDefinition(sql, args, tx, cancellationToken: ct));

        public Task FlushAsync() => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// PostgreSQL: the same statements, sent a few hundred per round trip (NpgsqlBatch runs them
    /// in order, so each RecordChange sees the changes before it). One round trip per statement
    /// made the demo seed take seconds on a busy machine.
    private sealed class PostgresBatches(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct) : IStatements
    {
        private const int Size = 500;
        private NpgsqlBatch _batch = new(connection, tx);

        public async Task AddAsync(string sql, object args)
        {
            var command = new NpgsqlBatchCommand(sql);
            foreach (var property in args.GetType().GetProperties())
                command.Parameters.AddWithValue(property.Name, property.GetValue(args) ?? DBNull.Value);
            _batch.BatchCommands.Add(command);
            if (_batch.BatchCommands.Count >= Size) await FlushAsync();
        }

        public ValueTask DisposeAsync() => _batch.DisposeAsync();

        public async Task FlushAsync()
        {
            if (_batch.BatchCommands.Count == 0) return;
            await _batch.ExecuteNonQueryAsync(ct);
            await _batch.DisposeAsync();
            _batch = new NpgsqlBatch(connection, tx);
        }
    }
}
