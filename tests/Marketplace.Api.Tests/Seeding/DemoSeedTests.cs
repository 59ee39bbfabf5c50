using System.Net;
using System.Text.Json;
using Dapper;
using Marketplace.Api.Hosting;
using Marketplace.Api.Seeding;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Domain.Catalog;
using Marketplace.Domain.Companies;
using Marketplace.Infrastructure.Security;
using Marketplace.Infrastructure.Seeding;

namespace Marketplace.Api.Tests.Seeding;

/// The demo data that `Marketplace:SeedDemoData` loads into an empty database.
public abstract class DemoSeedTests(ApiFactory api)
{
    private readonly ApiFactory _api = api.With("Marketplace:SeedDemoData", "true");

    [Fact]
    public async Task Demo_seed_loads_the_clusters_and_over_500_SME_suppliers_with_capabilities_under_their_cluster()
    {
        await StartAsync(_api);
        await using var db = _api.OpenDb();
        await using var connection = await db.OpenAsync(CancellationToken.None);

        var clusters = (await connection.QueryAsync<ClusterRow>("SELECT id AS Id, region_code AS RegionCode, specializations AS Specializations FROM clusters"))
            .ToDictionary(c => c.Id.ToString("D"));
        Assert.Equal(DemoClusters.Load().Count, clusters.Count);

        var smes = await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM companies WHERE roles = @supplier AND size IN ('micro', 'small', 'medium')", new { supplier = (int)CompanyRole.Supplier });
        Assert.True(smes >= 500, $"Expected at least 500 SME suppliers, got {smes}.");
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("""
            SELECT COUNT(*) FROM companies c
            WHERE c.roles = @supplier
              AND (NOT EXISTS (SELECT 1 FROM sites s WHERE s.company_id = c.id)
                   OR NOT EXISTS (SELECT 1 FROM capabilities k WHERE k.company_id = c.id))
            """, new { supplier = (int)CompanyRole.Supplier }));

        // Codes on a cluster's site fall under that cluster's specializations; a site outside any
        // cluster holds codes of a cluster in its region.
        var capabilities = (await connection.QueryAsync<CapabilityRow>("""
            SELECT k.category_code AS CategoryCode, k.unit AS Unit, k.capacity_per_month AS CapacityPerMonth, k.local_share AS LocalShare,
                   s.cluster_id AS ClusterId, s.region_code AS RegionCode
            FROM capabilities k JOIN sites s ON s.id = k.site_id AND s.company_id = k.company_id
            """)).ToList();
        Assert.Equal(await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM capabilities"), capabilities.Count);
        foreach (var k in capabilities)
        {
            var candidates = k.ClusterId is { } clusterId
                ? [clusters[clusterId.ToString("D")]]
                : clusters.Values.Where(c => c.RegionCode == k.RegionCode).ToList();
            Assert.True(candidates.Any(c => c.Prefixes.Any(p => CategoryCode.HasSegmentPrefix(k.CategoryCode, p))),
                $"{k.CategoryCode} is under no specialization of its cluster (site in {k.ClusterId?.ToString() ?? k.RegionCode}).");
            Assert.True(k.CapacityPerMonth > 0);
            Assert.InRange(k.LocalShare, 0, 1);
        }
        Assert.Contains(capabilities, k => k.ClusterId is null);
        Assert.Contains(capabilities, k => k.Unit == "KGM" || k.Unit == "TNE");

        // 1-2 anchors per cluster, 3-4 wholesalers, all large.
        var anchorsPerCluster = await connection.QueryAsync<long>("""
            SELECT COUNT(DISTINCT c.id) FROM companies c JOIN sites s ON s.company_id = c.id
            WHERE c.roles = @anchor AND c.size = 'large' GROUP BY s.cluster_id
            """, new { anchor = (int)CompanyRole.Anchor });
        Assert.Equal(clusters.Count, anchorsPerCluster.Count());
        Assert.All(anchorsPerCluster, n => Assert.InRange(n, 1, 2));
        Assert.InRange(await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM companies WHERE roles = @w AND size = 'large'", new { w = (int)CompanyRole.Wholesaler }), 3, 4);

        var taxIds = (await connection.QueryAsync<string>("SELECT tax_id FROM companies")).ToList();
        Assert.All(taxIds, t => Assert.True(TaxId.IsValid(t), t));

        // One change per company, site and capability, so that a follower of the feed sees them.
        foreach (var (kind, table) in new[] { ("company", "companies"), ("site", "sites"), ("capability", "capabilities") })
        {
            Assert.Equal(await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table}"),
                await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM changes WHERE kind = @kind", new { kind }));
        }

        // About 10,000 catalog items shared by the wholesalers, imported as a wholesaler would (one
        // catalog change each); a mix of Russian and imported goods, most at a warehouse.
        var wholesalerIds = (await connection.QueryAsync<Guid>(
            "SELECT id FROM companies WHERE roles = @w", new { w = (int)CompanyRole.Wholesaler })).ToHashSet();
        Assert.Equal(wholesalerIds.Order(), (await connection.QueryAsync<Guid>("SELECT DISTINCT wholesaler_id FROM catalog_items")).Order());
        Assert.Equal(DemoSeeder.DemoCatalogItems, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM catalog_items"));
        Assert.Equal(wholesalerIds.Count, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM changes WHERE kind = 'catalog'"));
        var ru = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM catalog_items WHERE origin_country = 'RU'");
        Assert.InRange(ru, 2_500, 4_500);
        Assert.InRange(await connection.ExecuteScalarAsync<long>("""
            SELECT COUNT(*) FROM catalog_items i JOIN sites s ON s.id = i.warehouse_site_id AND s.company_id = i.wholesaler_id
            """), 8_500, 9_500);

        // The API serves them: the directory filters SME suppliers.
        var page = await (await _api.Admin().GetAsync("/api/v1/companies?role=supplier&size=small&limit=100")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(100, page["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task Demo_seed_gives_each_cluster_a_tender_in_every_status_with_bids_and_awards()
    {
        await StartAsync(_api);
        var admin = _api.Admin();
        var clusterCount = DemoClusters.Load().Count;
        foreach (var status in new[] { "draft", "open", "closed", "awarded", "cancelled" })
        {
            var needs = await (await admin.GetAsync($"/api/v1/needs?status={status}&limit=200")).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal(clusterCount, needs["items"]!.AsArray().Count);
        }

        var awarded = await (await admin.GetAsync("/api/v1/needs?status=awarded&limit=200")).ExpectAsync(HttpStatusCode.OK);
        foreach (var need in awarded["items"]!.AsArray())
        {
            var award = need!["award"] ?? throw new Xunit.Sdk.XunitException("An awarded demo need has no award.");
            var bids = await (await admin.GetAsync($"/api/v1/needs/{need["id"]}/bids")).ExpectAsync(HttpStatusCode.OK);
            Assert.False((bool)bids["sealed"]!);
            var winners = bids["items"]!.AsArray().Where(b => (string?)b!["status"] == "awarded").ToList();
            Assert.Equal((string?)award["bidId"], (string?)Assert.Single(winners)!["id"]);
            Assert.All(bids["items"]!.AsArray().Where(b => (string?)b!["id"] != (string?)award["bidId"]),
                b => Assert.Equal("rejected", (string?)b!["status"]));
        }

        // Open tenders are sealed: the owner sees how many bids there are, not the bids.
        var open = await (await admin.GetAsync("/api/v1/needs?status=open&limit=1")).ExpectAsync(HttpStatusCode.OK);
        var sealedBids = await (await admin.GetAsync($"/api/v1/needs/{open["items"]![0]!["id"]}/bids")).ExpectAsync(HttpStatusCode.OK);
        Assert.True((bool)sealedBids["sealed"]!);
        Assert.Empty(sealedBids["items"]!.AsArray());
        Assert.True((int)sealedBids["count"]! > 0);
    }

    [Fact]
    public async Task Demo_keys_in_the_keys_file_work()
    {
        await StartAsync(_api);
        var keys = KeysFileStore.Read(_api.KeysFile);

        var companies = await (await _api.As(keys[DemoKeys.AnchorKey]).GetAsync("/api/v1/companies")).ExpectAsync(HttpStatusCode.OK);
        Assert.NotEmpty(companies["items"]!.AsArray());
        var anchor = await GetCompanyAsync(keys[DemoKeys.AnchorKey], keys[DemoKeys.AnchorId]);
        Assert.Equal(["anchor"], anchor["roles"]!.AsArray().Select(r => (string)r!));
        foreach (var (keyName, idName) in new[] { (DemoKeys.SmeKey, DemoKeys.SmeId), (DemoKeys.Sme2Key, DemoKeys.Sme2Id) })
        {
            var sme = await GetCompanyAsync(keys[keyName], keys[idName]);
            Assert.Equal(["supplier"], sme["roles"]!.AsArray().Select(r => (string)r!));
            Assert.Contains((string)sme["size"]!, new[] { "micro", "small", "medium" });
        }
        var wholesaler = await GetCompanyAsync(keys[DemoKeys.WholesalerKey], keys[DemoKeys.WholesalerId]);
        Assert.Equal(["wholesaler"], wholesaler["roles"]!.AsArray().Select(r => (string)r!));
        var cluster = await (await _api.As(keys[DemoKeys.SmeKey]).GetAsync($"/api/v1/clusters/{keys[DemoKeys.KalugaAutoClusterId]}"))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("RU-KLU", (string?)cluster["regionCode"]);
        Assert.Contains("25.62", cluster["specializations"]!.AsArray().Select(s => (string)s!));

        // The anchor and both SMEs have sites in the Kaluga automotive cluster; the partner app
        // has its key (stored as a SHA-256 only) and grants from both SMEs.
        await using var db = _api.OpenDb();
        await using var connection = await db.OpenAsync(CancellationToken.None);
        var clusterId = Guid.Parse(keys[DemoKeys.KalugaAutoClusterId]);
        foreach (var idName in new[] { DemoKeys.AnchorId, DemoKeys.SmeId, DemoKeys.Sme2Id })
        {
            Assert.True(await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sites WHERE company_id = @id AND cluster_id = @clusterId",
                new { id = Guid.Parse(keys[idName]), clusterId }) > 0, $"{idName} has no site in the Kaluga automotive cluster.");
        }
        var partnerId = Guid.Parse(keys[DemoKeys.PartnerId]);
        Assert.Equal(partnerId, await connection.ExecuteScalarAsync<Guid>(
            "SELECT partner_id FROM api_keys WHERE key_hash = @hash AND company_id IS NULL AND revoked_at IS NULL",
            new { hash = ApiKeySecrets.Hash(keys[DemoKeys.PartnerKey]) }));
        var granted = (await connection.QueryAsync<Guid>("SELECT company_id FROM partner_grants WHERE partner_id = @partnerId", new { partnerId }))
            .Select(g => g.ToString("D")).Order().ToList();
        Assert.Equal(new[] { keys[DemoKeys.SmeId], keys[DemoKeys.Sme2Id] }.Order(), granted);
        // No key is stored in clear.
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM api_keys WHERE key_hash = @plain",
            new { plain = System.Text.Encoding.UTF8.GetBytes(keys[DemoKeys.AnchorKey]) }));
    }

    [Fact]
    public async Task A_second_start_on_the_same_database_adds_nothing()
    {
        await StartAsync(_api);
        var before = await CountsAsync();
        var keysFile = await File.ReadAllTextAsync(_api.KeysFile);

        var second = _api.OnSameDatabase();
        try
        {
            await StartAsync(second);
        }
        finally
        {
            await second.DisposeAsync();
        }

        Assert.Equal(before, await CountsAsync());
        Assert.Equal(keysFile, await File.ReadAllTextAsync(_api.KeysFile));
        var keys = KeysFileStore.Read(_api.KeysFile);
        await GetCompanyAsync(keys[DemoKeys.AnchorKey], keys[DemoKeys.AnchorId]);
    }

    private static async Task StartAsync(ApiFactory factory) =>
        await (await factory.Admin().GetAsync("/api/v1/clusters?limit=1")).ExpectAsync(HttpStatusCode.OK);

    private async Task<System.Text.Json.Nodes.JsonNode> GetCompanyAsync(string key, string id) =>
        await (await _api.As(key).GetAsync($"/api/v1/companies/{id}")).ExpectAsync(HttpStatusCode.OK);

    private async Task<string> CountsAsync()
    {
        await using var db = _api.OpenDb();
        await using var connection = await db.OpenAsync(CancellationToken.None);
        var counts = new List<string>();
        foreach (var table in new[] { "clusters", "companies", "sites", "capabilities", "api_keys", "partners", "partner_grants", "changes" })
            counts.Add($"{table}={await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table}")}");
        return string.Join(", ", counts);
    }

    private sealed class ClusterRow
    {
        public Guid Id { get; init; }
        public string RegionCode { get; init; } = "";
        public string Specializations { get; init; } = "[]";
        public List<string> Prefixes => JsonSerializer.Deserialize<List<string>>(Specializations) ?? [];
    }

    private sealed class CapabilityRow
    {
        public string CategoryCode { get; init; } = "";
        public string Unit { get; init; } = "";
        public double CapacityPerMonth { get; init; }
        public double LocalShare { get; init; }
        public Guid? ClusterId { get; init; }
        public string RegionCode { get; init; } = "";
    }
}

public sealed class DemoSeedTestsOnSqlite(SqliteApi api) : DemoSeedTests(api), IClassFixture<SqliteApi>;
public sealed class DemoSeedTestsOnPostgres(PostgresApi api) : DemoSeedTests(api), IClassFixture<PostgresApi>;
