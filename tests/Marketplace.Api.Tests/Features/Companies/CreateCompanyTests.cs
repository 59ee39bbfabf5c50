using System.Net;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Features.Companies;

public abstract class CreateCompanyTests(ApiFactory api)
{
    [Fact]
    public async Task Admin_creates_a_company_with_defaults_and_location()
    {
        var taxId = Scenario.NewTaxId();
        var response = await api.Admin().PostJsonAsync("/api/v1/companies",
            new { name = "Kaluga Turning", taxId, roles = new[] { "supplier", "anchor" }, size = "small" });
        var company = await response.ExpectAsync(HttpStatusCode.Created);

        var id = (string)company["id"]!;
        Assert.Equal($"/api/v1/companies/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(taxId, (string?)company["taxId"]);
        Assert.Equal(["anchor", "supplier"], company["roles"]!.AsArray().Select(r => (string)r!));
        Assert.Empty(company["certifications"]!.AsArray());
        Assert.True((bool)company["active"]!);

        var read = await (await api.Admin().GetAsync($"/api/v1/companies/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(company.ToJsonString(), read.ToJsonString());
    }

    [Fact]
    public async Task Duplicate_tax_id_is_409_naming_tax_id()
    {
        var taxId = Scenario.NewTaxId();
        var body = new { name = "A", taxId, roles = new[] { "supplier" }, size = "micro" };
        await (await api.Admin().PostJsonAsync("/api/v1/companies", body)).ExpectAsync(HttpStatusCode.Created);
        var problem = await (await api.Admin().PostJsonAsync("/api/v1/companies", body))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "company.tax_id_taken");
        Assert.NotNull(problem["errors"]?["taxId"]);
    }
}

public sealed class CreateCompanyTestsOnSqlite(SqliteApi api) : CreateCompanyTests(api), IClassFixture<SqliteApi>;
public sealed class CreateCompanyTestsOnPostgres(PostgresApi api) : CreateCompanyTests(api), IClassFixture<PostgresApi>;
