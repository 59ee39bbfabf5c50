using System.Net;
using Marketplace.Api.Tests.Infrastructure;
using static Marketplace.Api.Tests.Features.Companies.CompanyRequests;

namespace Marketplace.Api.Tests.Features.Companies;

public abstract class GetCompanyTests(ApiFactory api)
{
    [Fact]
    public async Task Any_company_key_reads_any_company()
    {
        var target = await api.CreateCompanyAsync(roles: ["anchor"], size: "large", certifications: ["ISO9001"]);
        var reader = await api.CreateCompanyAsync(roles: ["supplier"], size: "micro");
        var (expected, _) = await api.ReadCompanyAsync(target.Id);

        var read = await (await api.As(reader.Key).GetAsync($"{CompaniesPath}/{target.Id}")).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(expected.ToJsonString(), read.ToJsonString());
        Assert.Equal(target.TaxId, (string?)read["taxId"]);
        Assert.Equal(["anchor"], read["roles"].Strings());
        Assert.Equal("large", (string?)read["size"]);
        Assert.Equal(["ISO9001"], read["certifications"].Strings());
        Assert.True((bool)read["active"]!);
    }

    [Fact]
    public async Task Company_reads_itself()
    {
        var company = await api.CreateCompanyAsync();
        var read = await (await api.As(company.Key).GetAsync($"{CompaniesPath}/{company.Id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(company.Id, (string?)read["id"]);
    }

    [Fact]
    public async Task Answer_carries_a_strong_etag()
    {
        var company = await api.CreateCompanyAsync();
        var response = await api.As(company.Key).GetAsync($"{CompaniesPath}/{company.Id}");
        await response.ExpectAsync(HttpStatusCode.OK);

        var etag = response.Headers.ETag;
        Assert.NotNull(etag);
        Assert.False(etag.IsWeak);
        Assert.Equal(ETagOf(await api.Admin().GetAsync($"{CompaniesPath}/{company.Id}")), etag.ToString());
    }

    [Fact]
    public async Task Timestamps_are_utc_with_z()
    {
        var company = await api.CreateCompanyAsync();
        var (read, _) = await api.ReadCompanyAsync(company.Id);
        Assert.EndsWith("Z", (string?)read["createdAt"]);
    }

    [Fact]
    public async Task Unknown_id_is_404()
    {
        await api.CreateCompanyAsync();
        var unknown = Guid.CreateVersion7().ToString();
        await (await api.Admin().GetAsync($"{CompaniesPath}/{unknown}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("123")]
    [InlineData("00000000-0000-0000-0000-00000000000g")]
    [InlineData("{0190f3a2-7b1c-7d2e-8f3a-4b5c6d7e8f90}")]
    [InlineData("0190f3a27b1c7d2e8f3a4b5c6d7e8f90")]
    public async Task Malformed_id_is_404(string id)
    {
        var company = await api.CreateCompanyAsync();
        await (await api.As(company.Key).GetAsync($"{CompaniesPath}/{Uri.EscapeDataString(id)}"))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Missing_key_is_401()
    {
        var company = await api.CreateCompanyAsync();
        await (await api.Anonymous().GetAsync($"{CompaniesPath}/{company.Id}")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.unauthenticated");
    }
}

public sealed class GetCompanyTestsOnSqlite(SqliteApi api) : GetCompanyTests(api), IClassFixture<SqliteApi>;
public sealed class GetCompanyTestsOnPostgres(PostgresApi api) : GetCompanyTests(api), IClassFixture<PostgresApi>;
