using System.Net;
using Dapper;
using Marketplace.Api.Tests.Catalog;
using Marketplace.Api.Tests.Infrastructure;
using Npgsql;

namespace Marketplace.Api.Tests.Features.Catalogs;

/// PostgreSQL only: a wholesaler's first import writes straight to its catalog only when it can take
/// the catalog's lock (the company row) at once; otherwise it stages the body like any later import
/// and waits for the lock at its merge.
public sealed class CatalogLockTestsOnPostgres(PostgresApi api) : IClassFixture<PostgresApi>
{
    [Fact]
    public async Task A_first_import_while_another_transaction_holds_the_catalog_waits_for_it_then_ends_whole()
    {
        var w = await api.CreateCompanyAsync(roles: ["wholesaler"], size: "large");
        await using var holder = new NpgsqlConnection(api.ConnectionString);
        await holder.OpenAsync();
        await using var tx = await holder.BeginTransactionAsync();
        await holder.ExecuteAsync("SELECT 1 FROM companies WHERE id = @id FOR NO KEY UPDATE", new { id = Guid.Parse(w.Id) }, tx);

        var import = api.As(w.Key).ImportAsync(w.Id, CatalogScenario.NdjsonOf(
            CatalogScenario.Row("L-1", 1m), CatalogScenario.Row("L-2"), CatalogScenario.Row("L-1", 2m)));
        // The import waits behind this transaction (at its merge: the direct path's SKIP LOCKED
        // found the lock taken, so the body went to the staging table).
        var waited = TimeSpan.Zero;
        while (!await holder.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pg_backend_pid() = ANY (pg_blocking_pids(pid)))", transaction: tx))
        {
            Assert.False(import.IsCompleted, "the import did not wait for the catalog's lock");
            Assert.True(waited < TimeSpan.FromSeconds(4), "the import never waited for the catalog's lock");
            await Task.Delay(20);
            waited += TimeSpan.FromMilliseconds(20);
        }
        Assert.Empty(await api.StoredItemsAsync(w.Id));
        await tx.CommitAsync();

        var summary = await (await import).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal((3L, 2L, 1L), ((long)summary["received"]!, (long)summary["inserted"]!, (long)summary["duplicates"]!));
        var stored = await api.StoredItemsAsync(w.Id);
        Assert.Equal(["L-1", "L-2"], stored.Select(i => i.Sku));
        Assert.Equal(2m, stored[0].Price);
    }
}
