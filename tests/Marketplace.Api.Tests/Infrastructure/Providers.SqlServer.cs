// Compiled only when MARKETPLACE_TEST_SQLSERVER is set (see the csproj): the SQL Server
// instances of every provider-parameterized test class.





using Marketplace.Api.Tests.Catalog;
using Marketplace.Api.Tests.Features.Analytics;
using Marketplace.Api.Tests.Features.ApiKeys;
using Marketplace.Api.Tests.Features.Auth;
using Marketplace.Api.Tests.Features.Bids;
using Marketplace.Api.Tests.Features.Capabilities;
using Marketplace.Api.Tests.Features.Catalogs;
using Marketplace.Api.Tests.Features.Changes;
using Marketplace.Api.Tests.Features.Clusters;
using Marketplace.Api.Tests.Features.Companies;
using Marketplace.Api.Tests.Features.Needs;
using Marketplace.Api.Tests.Features.Partners;
using Marketplace.Api.Tests.Features.Sites;
using Marketplace.Api.Tests.Http;
using Marketplace.Api.Tests.Matching;
using Marketplace.Api.Tests.Seeding;
using Marketplace.Api.Tests.Startup;

namespace Marketplace.Api.Tests.Infrastructure;

public sealed class CreateCompanyTestsOnSqlServer(SqlServerApi api) : CreateCompanyTests(api), IClassFixture<SqlServerApi>;
public sealed class ListCompaniesTestsOnSqlServer(SqlServerApi api) : ListCompaniesTests(api), IClassFixture<SqlServerApi>;
public sealed class GetCompanyTestsOnSqlServer(SqlServerApi api) : GetCompanyTests(api), IClassFixture<SqlServerApi>;
public sealed class PatchCompanyTestsOnSqlServer(SqlServerApi api) : PatchCompanyTests(api), IClassFixture<SqlServerApi>;
public sealed class AuthenticationTestsOnSqlServer(SqlServerApi api) : AuthenticationTests(api), IClassFixture<SqlServerApi>;
public sealed class ApiKeyTestsOnSqlServer(SqlServerApi api) : ApiKeyTests(api), IClassFixture<SqlServerApi>;
public sealed class ClusterTestsOnSqlServer(SqlServerApi api) : ClusterTests(api), IClassFixture<SqlServerApi>;
public sealed class RequestRulesTestsOnSqlServer(SqlServerApi api) : RequestRulesTests(api), IClassFixture<SqlServerApi>;
public sealed class StartupTestsOnSqlServer(SqlServerApi api) : StartupTests(api), IClassFixture<SqlServerApi>;
public sealed class OpenApiTestsOnSqlServer(SqlServerApi api) : OpenApiTests(api), IClassFixture<SqlServerApi>;
public sealed class ListCompaniesBySupplyTestsOnSqlServer(SqlServerApi api) : ListCompaniesBySupplyTests(api), IClassFixture<SqlServerApi>;
public sealed class CreateSiteTestsOnSqlServer(SqlServerApi api) : CreateSiteTests(api), IClassFixture<SqlServerApi>;
public sealed class ReadSitesTestsOnSqlServer(SqlServerApi api) : ReadSitesTests(api), IClassFixture<SqlServerApi>;
public sealed class CreateCapabilityTestsOnSqlServer(SqlServerApi api) : CreateCapabilityTests(api), IClassFixture<SqlServerApi>;
public sealed class ReadCapabilitiesTestsOnSqlServer(SqlServerApi api) : ReadCapabilitiesTests(api), IClassFixture<SqlServerApi>;
public sealed class ChangeCapabilityTestsOnSqlServer(SqlServerApi api) : ChangeCapabilityTests(api), IClassFixture<SqlServerApi>;
public sealed class PartnerTestsOnSqlServer(SqlServerApi api) : PartnerTests(api), IClassFixture<SqlServerApi>;
public sealed class IdempotencyTestsOnSqlServer(SqlServerApi api) : IdempotencyTests(api), IClassFixture<SqlServerApi>;
public sealed class InFlightIdempotencyTestsOnSqlServer(SqlServerApi api) : InFlightIdempotencyTests(api), IClassFixture<SqlServerApi>;
public sealed class ChangeFeedTestsOnSqlServer(SqlServerApi api) : ChangeFeedTests(api), IClassFixture<SqlServerApi>;
public sealed class DemoSeedTestsOnSqlServer(SqlServerApi api) : DemoSeedTests(api), IClassFixture<SqlServerApi>;
public sealed class SupplyBulkWriterTestsOnSqlServer(SqlServerApi api) : SupplyBulkWriterTests(api), IClassFixture<SqlServerApi>;
public sealed class LocalizationTestsOnSqlServer(SqlServerApi api) : LocalizationTests(api), IClassFixture<SqlServerApi>;
public sealed class CreateNeedTestsOnSqlServer(SqlServerApi api) : CreateNeedTests(api), IClassFixture<SqlServerApi>;
public sealed class NeedVisibilityTestsOnSqlServer(SqlServerApi api) : NeedVisibilityTests(api), IClassFixture<SqlServerApi>;
public sealed class NeedLifecycleTestsOnSqlServer(SqlServerApi api) : NeedLifecycleTests(api), IClassFixture<SqlServerApi>;
public sealed class PatchNeedTestsOnSqlServer(SqlServerApi api) : PatchNeedTests(api), IClassFixture<SqlServerApi>;
public sealed class NeedHistoryTestsOnSqlServer(SqlServerApi api) : NeedHistoryTests(api), IClassFixture<SqlServerApi>;
public sealed class TenderConcurrencyTestsOnSqlServer(SqlServerApi api) : TenderConcurrencyTests(api), IClassFixture<SqlServerApi>;
public sealed class SubmitBidTestsOnSqlServer(SqlServerApi api) : SubmitBidTests(api), IClassFixture<SqlServerApi>;
public sealed class WithdrawBidTestsOnSqlServer(SqlServerApi api) : WithdrawBidTests(api), IClassFixture<SqlServerApi>;
public sealed class SealedBidTestsOnSqlServer(SqlServerApi api) : SealedBidTests(api), IClassFixture<SqlServerApi>;
public sealed class IndexEquivalenceTestsOnSqlServer(SqlServerApi api) : IndexEquivalenceTests(api), IClassFixture<SqlServerApi>;
public sealed class IndexFreshnessTestsOnSqlServer(SqlServerApi api) : IndexFreshnessTests(api), IClassFixture<SqlServerApi>;
public sealed class GetMatchesTestsOnSqlServer(SqlServerApi api) : GetMatchesTests(api), IClassFixture<SqlServerApi>;
public sealed class ImportCatalogTestsOnSqlServer(SqlServerApi api) : ImportCatalogTests(api), IClassFixture<SqlServerApi>;
public sealed class CatalogBodyLimitTestsOnSqlServer(SqlServerApi api) : CatalogBodyLimitTests(api), IClassFixture<SqlServerApi>;
public sealed class CatalogCrashTestsOnSqlServer(SqlServerApi api) : CatalogCrashTests(api), IClassFixture<SqlServerApi>;
public sealed class ReadCatalogItemsTestsOnSqlServer(SqlServerApi api) : ReadCatalogItemsTests(api), IClassFixture<SqlServerApi>;
public sealed class DeleteCatalogItemTestsOnSqlServer(SqlServerApi api) : DeleteCatalogItemTests(api), IClassFixture<SqlServerApi>;
public sealed class CatalogAnalyticsTestsOnSqlServer(SqlServerApi api) : CatalogAnalyticsTests(api), IClassFixture<SqlServerApi>;
public sealed class CatalogMatchingTestsOnSqlServer(SqlServerApi api) : CatalogMatchingTests(api), IClassFixture<SqlServerApi>;
