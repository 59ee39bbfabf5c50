// Compiled only when MARKETPLACE_TEST_SQLSERVER is set (see the csproj): the SQL Server
// instances of every provider-parameterized test class.
using Marketplace.Api.Tests.Features.Companies;

namespace Marketplace.Api.Tests.Infrastructure;

public sealed class CreateCompanyTestsOnSqlServer(SqlServerApi api) : CreateCompanyTests(api), IClassFixture<SqlServerApi>;
public sealed class ListCompaniesTestsOnSqlServer(SqlServerApi api) : ListCompaniesTests(api), IClassFixture<SqlServerApi>;
public sealed class GetCompanyTestsOnSqlServer(SqlServerApi api) : GetCompanyTests(api), IClassFixture<SqlServerApi>;
public sealed class PatchCompanyTestsOnSqlServer(SqlServerApi api) : PatchCompanyTests(api), IClassFixture<SqlServerApi>;
