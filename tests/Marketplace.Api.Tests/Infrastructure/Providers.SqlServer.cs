// Compiled only when MARKETPLACE_TEST_SQLSERVER is set (see the csproj): the SQL Server
// instances of every provider-parameterized test class.
using Marketplace.Api.Tests.Features.Capabilities;
using Marketplace.Api.Tests.Features.Companies;
using Marketplace.Api.Tests.Features.Sites;

namespace Marketplace.Api.Tests.Infrastructure;

public sealed class CreateCompanyTestsOnSqlServer(SqlServerApi api) : CreateCompanyTests(api), IClassFixture<SqlServerApi>;
public sealed class ListCompaniesBySupplyTestsOnSqlServer(SqlServerApi api) : ListCompaniesBySupplyTests(api), IClassFixture<SqlServerApi>;
public sealed class CreateSiteTestsOnSqlServer(SqlServerApi api) : CreateSiteTests(api), IClassFixture<SqlServerApi>;
public sealed class ReadSitesTestsOnSqlServer(SqlServerApi api) : ReadSitesTests(api), IClassFixture<SqlServerApi>;
public sealed class CreateCapabilityTestsOnSqlServer(SqlServerApi api) : CreateCapabilityTests(api), IClassFixture<SqlServerApi>;
public sealed class ReadCapabilitiesTestsOnSqlServer(SqlServerApi api) : ReadCapabilitiesTests(api), IClassFixture<SqlServerApi>;
public sealed class ChangeCapabilityTestsOnSqlServer(SqlServerApi api) : ChangeCapabilityTests(api), IClassFixture<SqlServerApi>;
