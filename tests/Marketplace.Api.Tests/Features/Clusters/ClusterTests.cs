using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Features.Clusters;

/// `POST /clusters` (admin), `GET /clusters[/{id}]` (any key):
/// `{id, name, regionCode, regionName, center:{lat,lon}, specializations ([]), localSourcingThreshold (0.2)}`.
public abstract class ClusterTests(ApiFactory api)
{
    private const string Kaluga = "RU-KLU";

    /// A valid body as a mutable JSON object, so that each rule test changes one thing.
    private static JsonObject ValidBody() => new()
    {
        ["name"] = "Kaluga machine building",
        ["regionCode"] = Kaluga,
        ["center"] = new JsonObject { ["lat"] = 54.5059848, ["lon"] = 36.2516245 },
    };

    private Task<HttpResponseMessage> PostAsync(object body) => api.Admin().PostJsonAsync("/api/v1/clusters", body);

    private static string RegionName(string code) =>
        File.ReadLines(Path.Combine(RepoRoot(), "seeds", "reference", "ru-regions.csv"))
            .Select(line => line.Split(','))
            .Single(cells => cells[0] == code)[1];

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Marketplace.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Marketplace.sln not found above the test binaries.");
    }

    [Fact]
    public async Task Admin_creates_a_cluster_with_defaults_and_location()
    {
        var response = await PostAsync(ValidBody().ToJsonString());
        var cluster = await response.ExpectAsync(HttpStatusCode.Created);

        var id = (string)cluster["id"]!;
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", id);
        Assert.Equal($"/api/v1/clusters/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("Kaluga machine building", (string?)cluster["name"]);
        Assert.Equal(Kaluga, (string?)cluster["regionCode"]);
        Assert.Equal(RegionName(Kaluga), (string?)cluster["regionName"]);
        Assert.Equal("Kaluga Oblast", (string?)cluster["regionName"]);
        Assert.Equal(54.5059848, (double)cluster["center"]!["lat"]!);
        Assert.Equal(36.2516245, (double)cluster["center"]!["lon"]!);
        Assert.Empty(cluster["specializations"]!.AsArray());
        Assert.Equal(0.2, (double)cluster["localSourcingThreshold"]!);

        var read = await (await api.Admin().GetAsync($"/api/v1/clusters/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(cluster.ToJsonString(), read.ToJsonString());
    }

    [Fact]
    public async Task Given_optional_fields_are_kept()
    {
        var body = ValidBody();
        body["regionName"] = "Калужская область";
        body["specializations"] = new JsonArray("25", "25.62", "29.10");
        body["localSourcingThreshold"] = 0.35;
        var cluster = await (await PostAsync(body.ToJsonString())).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal("Калужская область", (string?)cluster["regionName"]);
        Assert.Equal(["25", "25.62", "29.10"], cluster["specializations"]!.AsArray().Select(s => (string)s!));
        Assert.Equal(0.35, (double)cluster["localSourcingThreshold"]!);
        var read = await (await api.Admin().GetAsync($"/api/v1/clusters/{cluster["id"]}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(cluster.ToJsonString(), read.ToJsonString());
    }

    [Theory]
    [InlineData("RU-MOW")]
    [InlineData("RU-TA")]
    [InlineData("RU-SPE")]
    public async Task Region_name_defaults_to_the_reference_list(string regionCode)
    {
        var body = ValidBody();
        body["regionCode"] = regionCode;
        var cluster = await (await PostAsync(body.ToJsonString())).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(RegionName(regionCode), (string?)cluster["regionName"]);
    }

    public static TheoryData<string, string> InvalidBodies()
    {
        var data = new TheoryData<string, string>();
        void Add(string field, Action<JsonObject> change)
        {
            var body = ValidBody();
            change(body);
            data.Add(body.ToJsonString(), field);
        }

        Add("name", b => b.Remove("name"));
        Add("name", b => b["name"] = null);
        Add("name", b => b["name"] = "");
        Add("name", b => b["name"] = "   ");
        Add("name", b => b["name"] = new string('n', 301));
        Add("name", b => b["name"] = 42);
        Add("regionCode", b => b.Remove("regionCode"));
        Add("regionCode", b => b["regionCode"] = "RU-XXX");
        Add("regionCode", b => b["regionCode"] = "ru-klu");
        Add("regionCode", b => b["regionCode"] = "RU-KLU ");
        Add("regionCode", b => b["regionCode"] = "US-CA");
        Add("regionName", b => b["regionName"] = " ");
        Add("regionName", b => b["regionName"] = new string('r', 301));
        Add("center", b => b.Remove("center"));
        Add("center", b => b["center"] = null);
        Add("center.lat", b => b["center"] = new JsonObject { ["lon"] = 36.25 });
        Add("center.lon", b => b["center"] = new JsonObject { ["lat"] = 54.5 });
        Add("center.lat", b => b["center"]!["lat"] = 90.0001);
        Add("center.lat", b => b["center"]!["lat"] = -91);
        Add("center.lon", b => b["center"]!["lon"] = 180.5);
        Add("center.lon", b => b["center"]!["lon"] = -180.0001);
        Add("center.lat", b => b["center"]!["lat"] = "54.5");
        Add("center.lon", b => b["center"]!["lon"] = true);
        Add("specializations[0]", b => b["specializations"] = new JsonArray("25.6"));
        Add("specializations[0]", b => b["specializations"] = new JsonArray("25.62.1"));
        Add("specializations[1]", b => b["specializations"] = new JsonArray("25", "2"));
        Add("specializations[0]", b => b["specializations"] = new JsonArray("25.62.10"));
        Add("specializations[0]", b => b["specializations"] = new JsonArray("ab"));
        Add("specializations[0]", b => b["specializations"] = new JsonArray((JsonNode?)null));
        Add("specializations", b => b["specializations"] = "25");
        Add("localSourcingThreshold", b => b["localSourcingThreshold"] = -0.1);
        Add("localSourcingThreshold", b => b["localSourcingThreshold"] = 1.1);
        Add("localSourcingThreshold", b => b["localSourcingThreshold"] = "0.2");
        Add("id", b => b["id"] = Guid.CreateVersion7().ToString());
        Add("createdAt", b => b["createdAt"] = "2026-01-01T00:00:00Z");
        Add("region", b => b["region"] = "RU-KLU");
        return data;
    }

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Invalid_body_is_400_naming_the_field(string body, string field)
    {
        var before = await api.CountRowsAsync("clusters");
        await (await PostAsync(body)).ExpectFieldErrorAsync(field);
        Assert.Equal(before, await api.CountRowsAsync("clusters"));
    }

    [Theory]
    [InlineData("""{"name":"x","regionCode":"RU-KLU","center":{"lat":1e400,"lon":36}}""")]
    [InlineData("""{"name":"x","regionCode":"RU-KLU","center":{"lat":54,"lon":36,"alt":100}}""")]
    [InlineData("""{"name":"x","regionCode":"RU-KLU","center":[54,36]}""")]
    public async Task Odd_center_is_400_not_500(string body)
    {
        var problem = await (await PostAsync(body)).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        var fields = problem["errors"]!.AsObject().Select(e => e.Key).ToList();
        Assert.True(fields.Any(f => f.StartsWith("center", StringComparison.Ordinal)), $"No center field in {string.Join(", ", fields)}.");
    }

    [Theory]
    [InlineData("25")]
    [InlineData("25.62")]
    [InlineData("01")]
    [InlineData("99.99")]
    public async Task Class_and_group_specializations_are_accepted(string specialization)
    {
        var body = ValidBody();
        body["specializations"] = new JsonArray(specialization);
        var cluster = await (await PostAsync(body.ToJsonString())).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal([specialization], cluster["specializations"]!.AsArray().Select(s => (string)s!));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(0.2)]
    public async Task Threshold_bounds_are_inclusive(double threshold)
    {
        var body = ValidBody();
        body["localSourcingThreshold"] = threshold;
        var cluster = await (await PostAsync(body.ToJsonString())).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(threshold, (double)cluster["localSourcingThreshold"]!);
    }

    [Theory]
    [InlineData(90.0, 180.0)]
    [InlineData(-90.0, -180.0)]
    public async Task Coordinate_bounds_are_inclusive(double lat, double lon)
    {
        var body = ValidBody();
        body["center"] = new JsonObject { ["lat"] = lat, ["lon"] = lon };
        var cluster = await (await PostAsync(body.ToJsonString())).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(lat, (double)cluster["center"]!["lat"]!);
        Assert.Equal(lon, (double)cluster["center"]!["lon"]!);
    }

    [Fact]
    public async Task Name_of_300_characters_is_accepted()
    {
        var body = ValidBody();
        body["name"] = new string('n', 300);
        var cluster = await (await PostAsync(body.ToJsonString())).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(300, ((string)cluster["name"]!).Length);
    }

    [Fact]
    public async Task Any_company_key_lists_and_reads_clusters()
    {
        var id = await api.CreateClusterAsync();
        var anchor = await api.CreateCompanyAsync(roles: ["anchor"]);
        var wholesaler = await api.CreateCompanyAsync(roles: ["wholesaler"], size: "large");
        var admin = await (await api.Admin().GetAsync($"/api/v1/clusters/{id}")).ExpectAsync(HttpStatusCode.OK);

        foreach (var key in new[] { anchor.Key, wholesaler.Key })
        {
            var one = await (await api.As(key).GetAsync($"/api/v1/clusters/{id}")).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal(admin.ToJsonString(), one.ToJsonString());
            var page = await (await api.As(key).GetAsync("/api/v1/clusters?limit=200")).ExpectAsync(HttpStatusCode.OK);
            Assert.Contains(page["items"]!.AsArray(), c => (string?)c!["id"] == id);
        }
    }

    [Fact]
    public async Task Paging_walks_every_cluster_exactly_once_in_creation_order()
    {
        var created = new List<string>();
        for (var i = 0; i < 7; i++) created.Add(await api.CreateClusterAsync());

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await (await api.Admin().GetAsync("/api/v1/clusters?limit=3" + (cursor is null ? "" : $"&cursor={cursor}")))
                .ExpectAsync(HttpStatusCode.OK);
            var items = page["items"]!.AsArray();
            Assert.InRange(items.Count, 1, 3);
            seen.AddRange(items.Select(c => (string)c!["id"]!));
            cursor = (string?)page["nextCursor"];
            Assert.True(++pages < 1000, "Paging does not end.");
        } while (cursor is not null);

        Assert.Equal(await api.CountRowsAsync("clusters"), seen.Count);
        Assert.Equal(seen.Distinct().Count(), seen.Count);
        Assert.Equal(seen.Order(StringComparer.Ordinal), seen);
        Assert.Equal(created, seen.Where(created.Contains));
    }

    [Fact]
    public async Task Last_page_has_a_null_cursor()
    {
        await api.CreateClusterAsync();
        var page = await (await api.Admin().GetAsync("/api/v1/clusters?limit=200")).ExpectAsync(HttpStatusCode.OK);
        Assert.True(page.AsObject().ContainsKey("nextCursor"));
        Assert.Null((string?)page["nextCursor"]);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("limit=-1", "limit")]
    [InlineData("limit=abc", "limit")]
    [InlineData("limit=1.5", "limit")]
    [InlineData("limit=", "limit")]
    [InlineData("limit=1&limit=2", "limit")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("cursor=", "cursor")]
    public async Task Bad_paging_parameters_are_400(string query, string field)
    {
        await (await api.Admin().GetAsync($"/api/v1/clusters?{query}")).ExpectFieldErrorAsync(field);
    }

    [Fact]
    public async Task Cursor_of_another_endpoint_is_400()
    {
        var company = await api.CreateCompanyAsync();
        await api.Admin().PostJsonAsync($"/api/v1/companies/{company.Id}/api-keys", new { });
        var keys = await (await api.Admin().GetAsync($"/api/v1/companies/{company.Id}/api-keys?limit=1")).ExpectAsync(HttpStatusCode.OK);
        var cursor = (string)keys["nextCursor"]!;
        await (await api.Admin().GetAsync($"/api/v1/clusters?cursor={cursor}")).ExpectFieldErrorAsync("cursor");
    }

    [Theory]
    [InlineData("not-an-id")]
    [InlineData("12345")]
    [InlineData("0190c5f000007000800000000000000a")]
    [InlineData("{0190c5f0-0000-7000-8000-00000000000a}")]
    [InlineData("0190c5f0-0000-7000-8000-00000000000a")]
    public async Task Unknown_or_malformed_id_is_404(string id)
    {
        await (await api.Admin().GetAsync($"/api/v1/clusters/{Uri.EscapeDataString(id)}"))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Fresh_uuid_v7_is_404()
    {
        await (await api.Admin().GetAsync($"/api/v1/clusters/{Guid.CreateVersion7()}"))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
    }
}

public sealed class ClusterTestsOnSqlite(SqliteApi api) : ClusterTests(api), IClassFixture<SqliteApi>;
public sealed class ClusterTestsOnPostgres(PostgresApi api) : ClusterTests(api), IClassFixture<PostgresApi>;
