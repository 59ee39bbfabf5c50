using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Features.Capabilities;

/// PUT (replace every writable field) and DELETE.
public abstract class ChangeCapabilityTests(ApiFactory api)
{
    private const string UnknownId = "0194f3a0-0000-7000-8000-0000000000ff";

    private static JsonObject Replacement(string siteId) => new()
    {
        ["siteId"] = siteId, ["categoryCode"] = "28.41.1", ["capacityPerMonth"] = 40.5, ["unit"] = "set", ["localShare"] = 0.5,
    };

    private static Task<HttpResponseMessage> PutAsync(HttpClient client, string companyId, string capabilityId, object body) =>
        client.SendJsonAsync(HttpMethod.Put, $"/api/v1/companies/{companyId}/capabilities/{capabilityId}", body);

    private async Task<(TestCompany Supplier, string Site, string Capability)> SupplierWithCapabilityAsync()
    {
        var supplier = await api.CreateCompanyAsync(roles: ["supplier"]);
        var site = await api.CreateSiteAsync(supplier.Id);
        return (supplier, site, await api.CreateCapabilityAsync(supplier.Id, site));
    }

    [Fact]
    public async Task Put_replaces_every_writable_field_and_keeps_created_at()
    {
        var (supplier, _, capabilityId) = await SupplierWithCapabilityAsync();
        var secondSite = await api.CreateSiteAsync(supplier.Id);
        var path = $"/api/v1/companies/{supplier.Id}/capabilities/{capabilityId}";
        var before = await (await api.As(supplier.Key).GetAsync(path)).ExpectAsync(HttpStatusCode.OK);
        api.Clock.Advance(TimeSpan.FromHours(2));

        var replaced = await (await PutAsync(api.As(supplier.Key), supplier.Id, capabilityId, Replacement(secondSite))).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(capabilityId, (string?)replaced["id"]);
        Assert.Equal(supplier.Id, (string?)replaced["companyId"]);
        Assert.Equal(secondSite, (string?)replaced["siteId"]);
        Assert.Equal("28.41.1", (string?)replaced["categoryCode"]);
        Assert.Null(replaced["description"]); // left out: back to its default
        Assert.Equal(40.5, (double)replaced["capacityPerMonth"]!);
        Assert.Equal("SET", (string?)replaced["unit"]);
        Assert.Equal(0.5, (double)replaced["localShare"]!);
        Assert.Equal((string?)before["createdAt"], (string?)replaced["createdAt"]);
        Assert.Equal(DateTimeOffset.Parse((string)before["createdAt"]!).AddHours(2), DateTimeOffset.Parse((string)replaced["updatedAt"]!));

        var read = await (await api.As(supplier.Key).GetAsync(path)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(replaced.ToJsonString(), read.ToJsonString());
    }

    [Theory]
    [InlineData("siteId", null)]
    [InlineData("siteId", "\"" + UnknownId + "\"")]
    [InlineData("categoryCode", "\"25.62.1.1\"")]
    [InlineData("capacityPerMonth", null)]
    [InlineData("capacityPerMonth", "0")]
    [InlineData("unit", "\"BOX\"")]
    [InlineData("localShare", "1.5")]
    [InlineData("localShare", null)]
    [InlineData("createdAt", "\"2026-03-02T09:00:00Z\"")]
    public async Task Put_validates_like_post_and_changes_nothing_when_invalid(string field, string? json)
    {
        var (supplier, site, capabilityId) = await SupplierWithCapabilityAsync();
        var path = $"/api/v1/companies/{supplier.Id}/capabilities/{capabilityId}";
        var before = await (await api.As(supplier.Key).GetAsync(path)).ExpectAsync(HttpStatusCode.OK);

        await (await PutAsync(api.As(supplier.Key), supplier.Id, capabilityId, Replacement(site).With(field, json))).ExpectFieldErrorAsync(field);

        var after = await (await api.As(supplier.Key).GetAsync(path)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(before.ToJsonString(), after.ToJsonString());
    }

    [Fact]
    public async Task Put_to_a_site_of_another_company_is_400_site_id()
    {
        var (supplier, _, capabilityId) = await SupplierWithCapabilityAsync();
        var (_, othersSite, _) = await SupplierWithCapabilityAsync();
        await (await PutAsync(api.Admin(), supplier.Id, capabilityId, Replacement(othersSite))).ExpectFieldErrorAsync("siteId");
    }

    [Fact]
    public async Task Put_and_delete_of_an_unknown_malformed_or_hidden_capability_are_404()
    {
        var (supplier, site, _) = await SupplierWithCapabilityAsync();
        var (other, _, othersCapability) = await SupplierWithCapabilityAsync();
        var client = api.As(supplier.Key);

        foreach (var capabilityId in new[] { UnknownId, "not-an-id", othersCapability })
        {
            // 404 comes before the body is validated.
            await (await PutAsync(client, supplier.Id, capabilityId, new { unit = "XYZ" })).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
            await (await PutAsync(client, supplier.Id, capabilityId, Replacement(site))).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
            await (await client.DeleteAsync($"/api/v1/companies/{supplier.Id}/capabilities/{capabilityId}"))
                .ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        }
        // Through the other company's own path, with a key that does not act for it.
        await (await PutAsync(client, other.Id, othersCapability, Replacement(site))).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await client.DeleteAsync($"/api/v1/companies/{other.Id}/capabilities/{othersCapability}"))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await api.As(other.Key).GetAsync($"/api/v1/companies/{other.Id}/capabilities/{othersCapability}")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Delete_answers_204_and_then_the_capability_is_gone()
    {
        var (supplier, _, capabilityId) = await SupplierWithCapabilityAsync();
        var path = $"/api/v1/companies/{supplier.Id}/capabilities/{capabilityId}";

        var response = await api.As(supplier.Key).DeleteAsync(path);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());

        await (await api.As(supplier.Key).GetAsync(path)).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await api.As(supplier.Key).DeleteAsync(path)).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Empty(await api.As(supplier.Key).WalkAsync($"/api/v1/companies/{supplier.Id}/capabilities"));
    }

    [Fact]
    public async Task Admin_puts_and_deletes_for_a_supplier()
    {
        var (supplier, site, capabilityId) = await SupplierWithCapabilityAsync();
        await (await PutAsync(api.Admin(), supplier.Id, capabilityId, Replacement(site))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NoContent, (await api.Admin().DeleteAsync($"/api/v1/companies/{supplier.Id}/capabilities/{capabilityId}")).StatusCode);
    }

    [Fact]
    public async Task A_company_that_lost_the_supplier_role_may_read_but_not_change_its_capabilities()
    {
        var (supplier, site, capabilityId) = await SupplierWithCapabilityAsync();
        await (await api.Admin().PatchJsonAsync($"/api/v1/companies/{supplier.Id}", new { roles = new[] { "anchor" } })).ExpectAsync(HttpStatusCode.OK);
        var path = $"/api/v1/companies/{supplier.Id}/capabilities/{capabilityId}";

        await (await PutAsync(api.Admin(), supplier.Id, capabilityId, Replacement(site))).ExpectProblemAsync(HttpStatusCode.Forbidden, "company.role_required");
        await (await api.Admin().DeleteAsync(path)).ExpectProblemAsync(HttpStatusCode.Forbidden, "company.role_required");
        await (await api.Admin().GetAsync(path)).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Put_and_delete_are_in_the_change_feed_with_the_capability_id()
    {
        var (supplier, site, capabilityId) = await SupplierWithCapabilityAsync();
        var client = api.As(supplier.Key);
        var mark = await api.ChangeMarkAsync();

        await (await PutAsync(client, supplier.Id, capabilityId, Replacement(site).With("unit", "\"XYZ\""))).ExpectFieldErrorAsync("unit");
        await (await PutAsync(client, supplier.Id, capabilityId, Replacement(site))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/companies/{supplier.Id}/capabilities/{capabilityId}")).StatusCode);

        Assert.Equal([("capability", capabilityId), ("capability", capabilityId)], await api.ChangesAfterAsync(mark, 2));
    }

    [Fact]
    public async Task A_put_that_changes_nothing_writes_nothing()
    {
        var (supplier, site, capabilityId) = await SupplierWithCapabilityAsync();
        var client = api.As(supplier.Key);
        var first = await (await PutAsync(client, supplier.Id, capabilityId, Replacement(site))).ExpectAsync(HttpStatusCode.OK);
        var mark = await api.ChangeMarkAsync();
        api.Clock.Advance(TimeSpan.FromMinutes(5));

        // Same facts (the unit differs only in case, which input normalizes).
        var second = await (await PutAsync(client, supplier.Id, capabilityId, Replacement(site).With("unit", "\"SET\""))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(first.ToJsonString(), second.ToJsonString());

        var other = await api.CreateSiteAsync(supplier.Id);
        Assert.Equal([("site", other)], await api.ChangesAfterAsync(mark, 1));
    }
}

public sealed class ChangeCapabilityTestsOnSqlite(SqliteApi api) : ChangeCapabilityTests(api), IClassFixture<SqliteApi>;
public sealed class ChangeCapabilityTestsOnPostgres(PostgresApi api) : ChangeCapabilityTests(api), IClassFixture<PostgresApi>;
