// Compiled only when MARKETPLACE_TEST_SQLSERVER is set (see the csproj): the SQL Server
// instances of every provider-parameterized test class.
using Marketplace.Api.Tests.Features.Changes;
using Marketplace.Api.Tests.Features.Companies;
using Marketplace.Api.Tests.Features.Partners;
using Marketplace.Api.Tests.Http;

namespace Marketplace.Api.Tests.Infrastructure;

public sealed class CreateCompanyTestsOnSqlServer(SqlServerApi api) : CreateCompanyTests(api), IClassFixture<SqlServerApi>;
public sealed class PartnerTestsOnSqlServer(SqlServerApi api) : PartnerTests(api), IClassFixture<SqlServerApi>;
public sealed class IdempotencyTestsOnSqlServer(SqlServerApi api) : IdempotencyTests(api), IClassFixture<SqlServerApi>;
public sealed class InFlightIdempotencyTestsOnSqlServer(SqlServerApi api) : InFlightIdempotencyTests(api), IClassFixture<SqlServerApi>;
public sealed class ChangeFeedTestsOnSqlServer(SqlServerApi api) : ChangeFeedTests(api), IClassFixture<SqlServerApi>;
