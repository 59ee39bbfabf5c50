using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Domain.Companies;
using Marketplace.Domain.Matching;

namespace Marketplace.Api.Tests.Matching;

/// GET /needs/{id}/matches on matching.md's worked example: every field of every match against
/// the page's figures and, to the bit, against MatchFormula; visibility; paging; bad input.
public abstract class GetMatchesTests(ApiFactory api)
{
    private sealed record Supplier(TestCompany Company, string Name, CompanySize Size, string SiteId, string CapabilityId, double Lat,
        double Lon, string Code, double Capacity, double Share);

    private sealed record Example(TestCompany Owner, string NeedId, Dictionary<string, Supplier> Suppliers, MatchNeed Need);

    [Fact]
    public async Task Worked_example_lists_c1_then_c2_with_every_field_as_MatchFormula_computes_it()
    {
        var x = await WorkedExampleAsync();
        var page = await (await api.As(x.Owner.Key).GetAsync($"/api/v1/needs/{x.NeedId}/matches")).ExpectAsync(HttpStatusCode.OK);

        var items = page["items"]!.AsArray();
        Assert.Equal(2, items.Count);
        Assert.Null((string?)page["nextCursor"]);
        ExpectMatch(items[0]!, x.Suppliers["c-1"], x.Need);
        ExpectMatch(items[1]!, x.Suppliers["c-2"], x.Need);

        // The page's own figures.
        Near(0, items[0]!["distanceKm"]); Near(1, items[0]!["proximity"]); Near(1, items[0]!["categoryMatch"]);
        Near(0.5, items[0]!["capacityCoverage"]); Near(0.85, items[0]!["capability"]); Near(0.7, items[0]!["localization"]);
        Near(0.85, items[0]!["score"]); Near(17.5, items[0]!["localizationGainPoints"]); Near(0.9, items[0]!["localShare"]);
        Near(111.195080233533, items[1]!["distanceKm"]); Near(0.462667991294, items[1]!["proximity"]);
        Near(2.0 / 3, items[1]!["categoryMatch"]); Near(1, items[1]!["capacityCoverage"]); Near(0.766666666667, items[1]!["capability"]);
        Near(0.3, items[1]!["localization"]); Near(0.535467064055, items[1]!["score"]); Near(7.5, items[1]!["localizationGainPoints"]);
        foreach (var item in items)
        {
            Near(0.3, item!["weights"]!["proximity"]); Near(0.4, item["weights"]!["capability"]); Near(0.3, item["weights"]!["localization"]);
        }
    }

    [Fact]
    public async Task IncludeLarge_admits_c4_which_ranks_first()
    {
        var x = await WorkedExampleAsync();
        var page = await (await api.Admin().GetAsync($"/api/v1/needs/{x.NeedId}/matches?includeLarge=true&includeCatalog=true"))
            .ExpectAsync(HttpStatusCode.OK);
        var items = page["items"]!.AsArray();
        Assert.Equal(3, items.Count);
        ExpectMatch(items[0]!, x.Suppliers["c-4"], x.Need);
        Near(0.94, items[0]!["score"]);
        ExpectMatch(items[1]!, x.Suppliers["c-1"], x.Need);
        ExpectMatch(items[2]!, x.Suppliers["c-2"], x.Need);
    }

    [Fact]
    public async Task Walking_with_limit_1_gives_each_match_once_in_order()
    {
        var x = await WorkedExampleAsync();
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await (await api.As(x.Owner.Key).GetAsync($"/api/v1/needs/{x.NeedId}/matches?includeLarge=true&limit=1"
                + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"))).ExpectAsync(HttpStatusCode.OK);
            var items = page["items"]!.AsArray();
            Assert.Single(items);
            seen.Add((string)items[0]!["companyId"]!);
            cursor = (string?)page["nextCursor"];
        } while (cursor is not null);
        Assert.Equal(new[] { "c-4", "c-1", "c-2" }.Select(n => x.Suppliers[n].Company.Id), seen);
    }

    [Fact]
    public async Task A_company_that_sees_the_need_but_does_not_own_it_gets_403()
    {
        var x = await WorkedExampleAsync();
        await (await api.As(x.Owner.Key).PostJsonAsync($"/api/v1/needs/{x.NeedId}/publish",
            new { bidDeadline = api.Clock.GetUtcNow().AddDays(7) })).ExpectAsync(HttpStatusCode.OK);
        var other = x.Suppliers["c-1"].Company;
        await (await api.As(other.Key).GetAsync($"/api/v1/needs/{x.NeedId}/matches")).ExpectProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
        // Even with a bad limit: authorization comes first.
        await (await api.As(other.Key).GetAsync($"/api/v1/needs/{x.NeedId}/matches?limit=0"))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
    }

    [Fact]
    public async Task Another_owners_draft_is_404()
    {
        var x = await WorkedExampleAsync();
        var owner2 = await api.CreateCompanyAsync(roles: ["anchor"], size: "large");
        var draft = (string)(await api.NeedAsync(owner2, await api.SiteAtAsync(owner2.Id, 54.6, 36.3, null)))["id"]!;
        await (await api.As(x.Owner.Key).GetAsync($"/api/v1/needs/{draft}/matches")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await api.As(owner2.Key).GetAsync($"/api/v1/needs/{draft}/matches")).ExpectAsync(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("limit=1&limit=2", "limit")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("includeLarge=yes", "includeLarge")]
    [InlineData("includeCatalog=1", "includeCatalog")]
    public async Task Bad_paging_or_flags_are_400_naming_the_field(string query, string field)
    {
        var x = await WorkedExampleAsync();
        await (await api.As(x.Owner.Key).GetAsync($"/api/v1/needs/{x.NeedId}/matches?{query}")).ExpectFieldErrorAsync(field);
    }

    [Fact]
    public async Task A_cursor_of_other_flags_or_another_need_is_400()
    {
        var x = await WorkedExampleAsync();
        var page = await (await api.As(x.Owner.Key).GetAsync($"/api/v1/needs/{x.NeedId}/matches?includeLarge=true&limit=1"))
            .ExpectAsync(HttpStatusCode.OK);
        var cursor = Uri.EscapeDataString((string)page["nextCursor"]!);
        await (await api.As(x.Owner.Key).GetAsync($"/api/v1/needs/{x.NeedId}/matches?limit=1&cursor={cursor}")).ExpectFieldErrorAsync("cursor");
        // Another owner's need (the example's owner keeps its spend of 4,000,000).
        var owner2 = await api.CreateCompanyAsync(roles: ["anchor"], size: "large");
        var other = (string)(await api.NeedAsync(owner2, await api.SiteAtAsync(owner2.Id, 54.6, 36.3, null)))["id"]!;
        await (await api.As(owner2.Key).GetAsync($"/api/v1/needs/{other}/matches?includeLarge=true&limit=1&cursor={cursor}"))
            .ExpectFieldErrorAsync("cursor");
    }

    // One example per database: with scope any, a second copy of the suppliers would be listed too.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ApiFactory, Task<Example>> Examples = new();

    private Task<Example> WorkedExampleAsync() => Examples.GetValue(api, _ => CreateWorkedExampleAsync());

    /// matching.md's worked example: the delivery site at (54.6, 36.3); the owner's needs sum to 4,000,000.
    private async Task<Example> CreateWorkedExampleAsync()
    {
        var cluster = await api.CreateClusterAsync("RU-KLU", 54.6, 36.3);
        var owner = await api.CreateCompanyAsync(roles: ["anchor"], size: "large");
        var ownerSite = await api.SiteAtAsync(owner.Id, 54.6, 36.3, cluster);
        var need = await api.NeedAsync(owner, ownerSite);
        await api.NeedAsync(owner, ownerSite, annualValue: 3_000_000);

        var suppliers = new Dictionary<string, Supplier>();
        foreach (var (name, size, lat, lon, code, capacity, share) in new[]
                 {
                     ("c-1", CompanySize.Small, 54.6, 36.3, "25.62.10", 50.0, 0.9),
                     ("c-2", CompanySize.Medium, 55.6, 36.3, "25.62", 500.0, 0.5),
                     ("c-3", CompanySize.Micro, 54.6, 37.3, "25.62.10.110", 100.0, 0.25),
                     ("c-4", CompanySize.Large, 54.6, 36.3, "25.62.10", 900.0, 1.0),
                 })
        {
            var fullName = $"{name} {Guid.NewGuid():N}";
            var company = await api.CreateCompanyAsync(size: CompanySizes.ToWire(size), name: fullName);
            var site = await api.SiteAtAsync(company.Id, lat, lon, name == "c-1" ? cluster : null);
            var capability = await api.CapabilityAsync(company.Id, site, code, capacity, share);
            suppliers[name] = new Supplier(company, fullName, size, site, capability, lat, lon, code, capacity, share);
        }
        await api.CaughtUpIndexAsync();
        var matchNeed = new MatchNeed(Guid.Parse(owner.Id), "25.62.10", 100, "PCE", [], 54.6, 36.3, Guid.Parse(cluster), "RU-KLU",
            0.2, 0.3, 1_000_000, MatchScope.Any, null, null, null, 4_000_000);
        return new Example(owner, (string)need["id"]!, suppliers, matchNeed);
    }

    /// The item against MatchFormula.Explain for that supplier: equal fields, numbers to the bit.
    private static void ExpectMatch(JsonNode item, Supplier s, MatchNeed need)
    {
        var candidate = new Candidate(CandidateKind.Capability, Guid.Parse(s.Company.Id), s.Name, s.Size, true, CompanyRole.Supplier,
            new HashSet<string>(), Guid.Parse(s.SiteId), s.Lat, s.Lon, null, "RU-KLU", Guid.Parse(s.CapabilityId), null, s.Code,
            s.Capacity, "PCE", s.Share);
        Assert.True(MatchFormula.IsEligible(need, candidate, new MatchOptions(IncludeLarge: true), out var d));
        var m = MatchFormula.Explain(need, candidate, d);
        Assert.Equal("capability", (string?)item["kind"]);
        Assert.Equal(s.Company.Id, (string?)item["companyId"]);
        Assert.Equal(s.Name, (string?)item["companyName"]);
        Assert.Equal(CompanySizes.ToWire(s.Size), (string?)item["companySize"]);
        Assert.Equal(s.SiteId, (string?)item["siteId"]);
        Assert.Equal(s.CapabilityId, (string?)item["capabilityId"]);
        Assert.Null((string?)item["sku"]);
        Assert.True(item.AsObject().ContainsKey("sku"));
        Assert.Equal(s.Code, (string?)item["categoryCode"]);
        Exact(m.Score, item["score"]);
        Exact(m.Proximity, item["proximity"]);
        Exact(m.Capability, item["capability"]);
        Exact(m.Localization, item["localization"]);
        Exact(m.DistanceKm, item["distanceKm"]);
        Exact(m.CategoryMatch, item["categoryMatch"]);
        Exact(m.CapacityCoverage, item["capacityCoverage"]);
        Exact(m.LocalShare, item["localShare"]);
        Exact(m.LocalizationGainPoints, item["localizationGainPoints"]);
        Exact(m.Weights.Proximity, item["weights"]!["proximity"]);
        Exact(m.Weights.Capability, item["weights"]!["capability"]);
        Exact(m.Weights.Localization, item["weights"]!["localization"]);
        // The explanation adds up to the score exactly.
        var w = item["weights"]!;
        Assert.Equal((double)item["score"]!,
            ((double)w["proximity"]! * (double)item["proximity"]! + (double)w["capability"]! * (double)item["capability"]!)
            + (double)w["localization"]! * (double)item["localization"]!);
    }

    private static void Exact(double expected, JsonNode? actual) =>
        Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits((double)actual!));

    private static void Near(double expected, JsonNode? actual) => Assert.Equal(expected, (double)actual!, 1e-9);
}

public sealed class GetMatchesTestsOnSqlite(SqliteApi api) : GetMatchesTests(api), IClassFixture<SqliteApi>;
public sealed class GetMatchesTestsOnPostgres(PostgresApi api) : GetMatchesTests(api), IClassFixture<PostgresApi>;
