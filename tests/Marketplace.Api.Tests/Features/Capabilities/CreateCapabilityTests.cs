using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Features.Capabilities;

public abstract class CreateCapabilityTests(ApiFactory api)
{
    private const string UnknownId = "0194f3a0-0000-7000-8000-0000000000ff";

    private static JsonObject ValidBody(string siteId) => new()
    {
        ["siteId"] = siteId, ["categoryCode"] = "25.62.10", ["description"] = "CNC turning up to 400 mm",
        ["capacityPerMonth"] = 12000, ["unit"] = "PCE", ["localShare"] = 0.85,
    };

    private async Task<(TestCompany Supplier, string Site)> SupplierWithSiteAsync()
    {
        var supplier = await api.CreateCompanyAsync(roles: ["supplier"]);
        return (supplier, await api.CreateSiteAsync(supplier.Id));
    }

    [Fact]
    public async Task Supplier_adds_a_capability_and_reads_it_back_at_its_location()
    {
        var (supplier, site) = await SupplierWithSiteAsync();
        var response = await api.As(supplier.Key).PostJsonAsync($"/api/v1/companies/{supplier.Id}/capabilities", ValidBody(site));
        var capability = await response.ExpectAsync(HttpStatusCode.Created);

        var id = (string)capability["id"]!;
        Assert.Equal($"/api/v1/companies/{supplier.Id}/capabilities/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(["id", "companyId", "siteId", "categoryCode", "description", "capacityPerMonth", "unit", "localShare", "createdAt", "updatedAt"],
            capability.AsObject().Select(p => p.Key));
        Assert.Equal(supplier.Id, (string?)capability["companyId"]);
        Assert.Equal(site, (string?)capability["siteId"]);
        Assert.Equal("25.62.10", (string?)capability["categoryCode"]);
        Assert.Equal("CNC turning up to 400 mm", (string?)capability["description"]);
        Assert.Equal(12000, (double)capability["capacityPerMonth"]!);
        Assert.Equal("PCE", (string?)capability["unit"]);
        Assert.Equal(0.85, (double)capability["localShare"]!);
        Assert.Equal((string?)capability["createdAt"], (string?)capability["updatedAt"]);

        var read = await (await api.As(supplier.Key).GetAsync($"/api/v1/companies/{supplier.Id}/capabilities/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(capability.ToJsonString(), read.ToJsonString());
    }

    [Fact]
    public async Task Description_is_optional_and_null_by_default()
    {
        var (supplier, site) = await SupplierWithSiteAsync();
        var capability = await (await api.As(supplier.Key).PostJsonAsync($"/api/v1/companies/{supplier.Id}/capabilities",
            ValidBody(site).With("description", null))).ExpectAsync(HttpStatusCode.Created);
        Assert.True(capability.AsObject().ContainsKey("description"));
        Assert.Null(capability["description"]);
    }

    [Theory]
    [InlineData("pce", "PCE")]
    [InlineData("Kgm", "KGM")]
    [InlineData("MTR", "MTR")]
    public async Task Unit_is_upper_cased_on_input(string sent, string stored)
    {
        var (supplier, site) = await SupplierWithSiteAsync();
        var capability = await (await api.As(supplier.Key).PostJsonAsync($"/api/v1/companies/{supplier.Id}/capabilities",
            ValidBody(site).With("unit", $"\"{sent}\""))).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(stored, (string?)capability["unit"]);
        var read = await (await api.Admin().GetAsync($"/api/v1/companies/{supplier.Id}/capabilities/{(string)capability["id"]!}"))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(stored, (string?)read["unit"]);
    }

    public static TheoryData<string, string?> InvalidFields => new()
    {
        { "siteId", null },
        { "siteId", "\"not-an-id\"" },
        { "siteId", $"\"{UnknownId}\"" },
        { "categoryCode", null },
        { "categoryCode", "\"25.6\"" },
        { "categoryCode", "\"25.62.100\"" },
        { "categoryCode", "\"2562\"" },
        { "categoryCode", "\"25.62.10.11\"" },
        { "description", $"\"{new string('d', 2001)}\"" },
        { "capacityPerMonth", null },
        { "capacityPerMonth", "0" },
        { "capacityPerMonth", "-5" },
        { "capacityPerMonth", "\"100\"" },
        { "unit", null },
        { "unit", "\"XYZ\"" },
        { "unit", "\"\"" },
        { "unit", "\"pieces\"" },
        { "localShare", null },
        { "localShare", "-0.01" },
        { "localShare", "1.01" },
        { "id", $"\"{UnknownId}\"" },
        { "companyId", $"\"{UnknownId}\"" },
        { "updatedAt", "\"2026-03-02T09:00:00Z\"" },
        { "price", "10" },
    };

    [Theory]
    [MemberData(nameof(InvalidFields), MemberType = typeof(CreateCapabilityTests))]
    public async Task Invalid_capability_is_400_naming_the_field(string field, string? json)
    {
        var (supplier, site) = await SupplierWithSiteAsync();
        await (await api.As(supplier.Key).PostJsonAsync($"/api/v1/companies/{supplier.Id}/capabilities", ValidBody(site).With(field, json)))
            .ExpectFieldErrorAsync(field);
    }

    [Fact]
    public async Task Limits_are_inclusive()
    {
        var (supplier, site) = await SupplierWithSiteAsync();
        var client = api.As(supplier.Key);
        foreach (var body in new[]
                 {
                     ValidBody(site).With("localShare", "0"), ValidBody(site).With("localShare", "1"),
                     ValidBody(site).With("description", $"\"{new string('d', 2000)}\""), ValidBody(site).With("capacityPerMonth", "0.001"),
                     ValidBody(site).With("categoryCode", "\"25.62\""), ValidBody(site).With("categoryCode", "\"25.62.1\""),
                     ValidBody(site).With("categoryCode", "\"25.62.10.110\""),
                 })
            await (await client.PostJsonAsync($"/api/v1/companies/{supplier.Id}/capabilities", body)).ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_site_of_another_company_is_400_site_id_even_for_admins()
    {
        var (supplier, _) = await SupplierWithSiteAsync();
        var (_, othersSite) = await SupplierWithSiteAsync();
        await (await api.As(supplier.Key).PostJsonAsync($"/api/v1/companies/{supplier.Id}/capabilities", ValidBody(othersSite)))
            .ExpectFieldErrorAsync("siteId");
        await (await api.Admin().PostJsonAsync($"/api/v1/companies/{supplier.Id}/capabilities", ValidBody(othersSite)))
            .ExpectFieldErrorAsync("siteId");
        Assert.Empty(await api.Admin().WalkAsync($"/api/v1/companies/{supplier.Id}/capabilities"));
    }

    [Fact]
    public async Task A_company_without_the_supplier_role_gets_403_role_required_also_through_an_admin()
    {
        var anchor = await api.CreateCompanyAsync(roles: ["anchor", "wholesaler"]);
        var site = await api.CreateSiteAsync(anchor.Id);

        await (await api.As(anchor.Key).PostJsonAsync($"/api/v1/companies/{anchor.Id}/capabilities", ValidBody(site)))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "company.role_required");
        await (await api.Admin().PostJsonAsync($"/api/v1/companies/{anchor.Id}/capabilities", ValidBody(site)))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "company.role_required");
        // 403 comes before the body is validated (api.md check order).
        await (await api.As(anchor.Key).PostJsonAsync($"/api/v1/companies/{anchor.Id}/capabilities", new { unit = "XYZ" }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "company.role_required");
        // The company may still read its (empty) list.
        Assert.Empty(await api.As(anchor.Key).WalkAsync($"/api/v1/companies/{anchor.Id}/capabilities"));
    }

    [Fact]
    public async Task Each_capability_write_is_in_the_change_feed_and_a_rejected_one_adds_no_change_and_no_row()
    {
        var (supplier, site) = await SupplierWithSiteAsync();
        var (_, othersSite) = await SupplierWithSiteAsync();
        var anchor = await api.CreateCompanyAsync(roles: ["anchor"]);
        var anchorSite = await api.CreateSiteAsync(anchor.Id);
        var client = api.As(supplier.Key);
        var mark = await api.ChangeMarkAsync();

        // Rejected in the handler's transaction, by the validator, and by the role rule.
        await (await client.PostJsonAsync($"/api/v1/companies/{supplier.Id}/capabilities", ValidBody(othersSite))).ExpectFieldErrorAsync("siteId");
        await (await client.PostJsonAsync($"/api/v1/companies/{supplier.Id}/capabilities", ValidBody(site).With("unit", "\"XYZ\"")))
            .ExpectFieldErrorAsync("unit");
        await (await api.As(anchor.Key).PostJsonAsync($"/api/v1/companies/{anchor.Id}/capabilities", ValidBody(anchorSite)))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "company.role_required");
        Assert.Empty(await client.WalkAsync($"/api/v1/companies/{supplier.Id}/capabilities"));
        Assert.Empty(await api.As(anchor.Key).WalkAsync($"/api/v1/companies/{anchor.Id}/capabilities"));

        var capability = await (await client.PostJsonAsync($"/api/v1/companies/{supplier.Id}/capabilities", ValidBody(site)))
            .ExpectAsync(HttpStatusCode.Created);
        var id = (string)capability["id"]!;

        Assert.Equal([("capability", id)], await api.ChangesAfterAsync(mark, 1));
        Assert.Equal([id], await client.WalkAsync($"/api/v1/companies/{supplier.Id}/capabilities"));
    }
}

public sealed class CreateCapabilityTestsOnSqlite(SqliteApi api) : CreateCapabilityTests(api), IClassFixture<SqliteApi>;
public sealed class CreateCapabilityTestsOnPostgres(PostgresApi api) : CreateCapabilityTests(api), IClassFixture<PostgresApi>;
