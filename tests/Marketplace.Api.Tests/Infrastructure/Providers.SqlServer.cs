// Compiled only when MARKETPLACE_TEST_SQLSERVER is set (see the csproj): the SQL Server
// instances of every provider-parameterized test class.
using Marketplace.Api.Tests.Features.Companies;
using Marketplace.Api.Tests.Seeding;

namespace Marketplace.Api.Tests.Infrastructure;

public sealed class CreateCompanyTestsOnSqlServer(SqlServerApi api) : CreateCompanyTests(api), IClassFixture<SqlServerApi>;
public sealed class DemoSeedTestsOnSqlServer(SqlServerApi api) : DemoSeedTests(api), IClassFixture<SqlServerApi>;
public sealed class SupplyBulkWriterTestsOnSqlServer(SqlServerApi api) : SupplyBulkWriterTests(api), IClassFixture<SqlServerApi>;
