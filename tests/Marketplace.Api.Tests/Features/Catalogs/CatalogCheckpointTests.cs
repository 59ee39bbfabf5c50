using System.Net;
using Dapper;
using Marketplace.Api.Tests.Catalog;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Features.Catalogs;

/// SQLite only: an import commits without the automatic WAL checkpoint (it runs in the background
/// after the answer), and its pooled connection gets the setting back.
public sealed class CatalogCheckpointTestsOnSqlite(SqliteApi api) : IClassFixture<SqliteApi>
{
    [Fact]
    public async Task An_import_gives_its_pooled_connection_the_automatic_checkpoint_back()
    {
        var w = await api.CreateCompanyAsync(roles: ["wholesaler"], size: "large");
        await (await api.As(w.Key).ImportAsync(w.Id, CatalogScenario.NdjsonOf(CatalogScenario.Row("C-1"), CatalogScenario.Row("C-2"))))
            .ExpectAsync(HttpStatusCode.OK);

        // Held open together, these take every idle connection of the pool, the import's among them.
        await using var db = api.OpenDb();
        var connections = new List<System.Data.Common.DbConnection>();
        try
        {
            for (var i = 0; i < 8; i++) connections.Add(await db.OpenAsync(CancellationToken.None));
            foreach (var connection in connections)
                Assert.Equal(1000, await connection.ExecuteScalarAsync<long>("PRAGMA wal_autocheckpoint"));
        }
        finally
        {
            foreach (var connection in connections) await connection.DisposeAsync();
        }
        Assert.Equal(2, (await api.StoredItemsAsync(w.Id)).Count);
    }
}
