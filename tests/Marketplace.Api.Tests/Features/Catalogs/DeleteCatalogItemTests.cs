using System.Net;
using Marketplace.Api.Tests.Catalog;
using Marketplace.Api.Tests.Features.Companies;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Features.Catalogs;

/// api.md: `DELETE /catalogs/{wholesalerId}/items/{sku}` answers 204, 404 when the item does not
/// exist (any more), and is one `catalog` change in the feed (id = the wholesaler).
public abstract class DeleteCatalogItemTests(ApiFactory api)
{
    private static string Item(string wholesalerId, string sku) => $"/api/v1/catalogs/{wholesalerId}/items/{sku}";

    [Fact]
    public async Task Delete_is_204_then_the_item_is_gone_and_a_second_delete_is_404()
    {
        var wholesaler = await api.CreateCompanyAsync(roles: ["wholesaler"]);
        await api.PutItemsAsync(wholesaler.Id, CatalogScenario.Item("keep"), CatalogScenario.Item("drop"));
        var client = api.As(wholesaler.Key);

        await (await client.DeleteAsync(Item(wholesaler.Id, "drop"))).ExpectAsync(HttpStatusCode.NoContent);
        await (await client.GetAsync(Item(wholesaler.Id, "drop"))).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await client.DeleteAsync(Item(wholesaler.Id, "drop"))).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(["keep"], await client.WalkAsync($"/api/v1/catalogs/{wholesaler.Id}/items", key: "sku"));
    }

    [Fact]
    public async Task Delete_records_exactly_one_catalog_change_and_a_404_records_none()
    {
        var wholesaler = await api.CreateCompanyAsync(roles: ["wholesaler"]);
        await api.PutItemsAsync(wholesaler.Id, CatalogScenario.Item("one"), CatalogScenario.Item("two"));
        var mark = await api.ChangeMarkAsync();

        await (await api.As(wholesaler.Key).DeleteAsync(Item(wholesaler.Id, "one"))).ExpectAsync(HttpStatusCode.NoContent);
        await (await api.As(wholesaler.Key).DeleteAsync(Item(wholesaler.Id, "one"))).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await api.As(wholesaler.Key).DeleteAsync(Item(wholesaler.Id, "never"))).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");

        Assert.Equal([("catalog", wholesaler.Id)], await api.ChangesAfterAsync(mark, 1));
    }

    [Fact]
    public async Task An_admin_deletes_any_wholesalers_item()
    {
        var wholesaler = await api.CreateCompanyAsync(roles: ["wholesaler"]);
        await api.PutItemsAsync(wholesaler.Id, CatalogScenario.Item("x-1"));
        await (await api.Admin().DeleteAsync(Item(wholesaler.Id, "x-1"))).ExpectAsync(HttpStatusCode.NoContent);
        await (await api.Admin().GetAsync(Item(wholesaler.Id, "x-1"))).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Another_wholesalers_sku_is_not_deleted_through_ones_own_path()
    {
        var wholesaler = await api.CreateCompanyAsync(roles: ["wholesaler"]);
        var other = await api.CreateCompanyAsync(roles: ["wholesaler"]);
        await api.PutItemsAsync(other.Id, CatalogScenario.Item("theirs"));

        await (await api.As(wholesaler.Key).DeleteAsync(Item(wholesaler.Id, "theirs"))).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await api.As(other.Key).GetAsync(Item(other.Id, "theirs"))).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_inactive_wholesaler_reads_its_catalog_but_gets_403_on_delete()
    {
        var wholesaler = await api.CreateCompanyAsync(roles: ["wholesaler"]);
        await api.PutItemsAsync(wholesaler.Id, CatalogScenario.Item("stays"));
        await (await api.Admin().PatchCompanyAsync(wholesaler.Id, new { active = false })).ExpectAsync(HttpStatusCode.OK);
        var client = api.As(wholesaler.Key);

        await (await client.DeleteAsync(Item(wholesaler.Id, "stays"))).ExpectProblemAsync(HttpStatusCode.Forbidden, "company.inactive");
        await (await client.GetAsync(Item(wholesaler.Id, "stays"))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(["stays"], await client.WalkAsync($"/api/v1/catalogs/{wholesaler.Id}/items", key: "sku"));
    }
}

public sealed class DeleteCatalogItemTestsOnSqlite(SqliteApi api) : DeleteCatalogItemTests(api), IClassFixture<SqliteApi>;
public sealed class DeleteCatalogItemTestsOnPostgres(PostgresApi api) : DeleteCatalogItemTests(api), IClassFixture<PostgresApi>;
