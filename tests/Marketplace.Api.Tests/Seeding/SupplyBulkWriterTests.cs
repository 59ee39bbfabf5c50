using System.Net;
using Dapper;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Domain.Catalog;
using Marketplace.Infrastructure.Database;
using Marketplace.Infrastructure.Reference;
using Marketplace.Infrastructure.Seeding;
using Microsoft.Extensions.Logging.Abstractions;

namespace Marketplace.Api.Tests.Seeding;

/// The benchmark data set writer at a small size (the benchmark itself writes 1,000,000).
public abstract class SupplyBulkWriterTests(ApiFactory api)
{
    private const int Capabilities = 5_000;

    [Fact]
    public async Task Bulk_writer_writes_exactly_N_capabilities_with_a_tenth_in_one_group_and_the_API_reads_them()
    {
        var ct = CancellationToken.None;
        BulkLoadResult result;
        await using (var db = api.OpenDb())
        {
            await new Migrator(db, NullLogger<Migrator>.Instance).MigrateAsync(ct);
            var writer = new SupplyBulkWriter(db, ReferenceDataLoader.Load(), NullLogger.Instance);
            result = await writer.WriteAsync(Capabilities, ct);

            await using var connection = await db.OpenAsync(ct);
            Assert.Equal(Capabilities, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM capabilities"));
            Assert.Equal(result.Counts.Companies, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM companies"));
            Assert.Equal(result.Counts.Sites, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sites"));
            Assert.Equal(DemoClusters.Load().Count, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM clusters"));
            // By design the data set publishes no change rows (see SupplyBulkWriter).
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM changes"));
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM capabilities k JOIN sites s ON s.id = k.site_id WHERE s.company_id <> k.company_id"));

            var groups = (await connection.QueryAsync<string>("SELECT category_code FROM capabilities"))
                .GroupBy(CategoryCode.Group).Select(g => (Group: g.Key, Count: g.Count())).OrderByDescending(g => g.Count).ToList();
            Assert.True(groups[0].Count >= Capabilities / 10, $"The largest group {groups[0].Group} has {groups[0].Count} of {Capabilities}.");
            Assert.Equal((groups[0].Group, groups[0].Count), (result.TopGroup, result.TopGroupCapabilities));

            // A second run refuses a database that is not empty.
            await Assert.ThrowsAsync<InvalidOperationException>(() => writer.WriteAsync(10, ct));
        }

        // The API reads the rows as it reads its own (ids, timestamps, JSON columns).
        var page = await (await api.Admin().GetAsync("/api/v1/companies?role=supplier&limit=5")).ExpectAsync(HttpStatusCode.OK);
        var first = page["items"]![0]!;
        var company = await (await api.Admin().GetAsync($"/api/v1/companies/{(string)first["id"]!}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(first.ToJsonString(), company.ToJsonString());
        Assert.Equal(["supplier"], company["roles"]!.AsArray().Select(r => (string)r!));
    }
}

public sealed class SupplyBulkWriterTestsOnSqlite(SqliteApi api) : SupplyBulkWriterTests(api), IClassFixture<SqliteApi>;
public sealed class SupplyBulkWriterTestsOnPostgres(PostgresApi api) : SupplyBulkWriterTests(api), IClassFixture<PostgresApi>;
