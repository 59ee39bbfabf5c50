using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Marketplace.Benchmarks;

/// Two API processes on one PostgreSQL: a capability is written through A and the need's matches
/// are polled through B (every 5 ms) until it is listed. The delay is counted from A's answer (the
/// commit) to the first answer of B that lists it.
internal static class FreshnessRun
{
    public static async Task RunAsync(Uri a, Uri b, string adminKey, int rounds)
    {
        using var apiA = Client(a, adminKey);
        using var apiB = Client(b, adminKey);
        var clusters = await Json(await apiA.GetAsync("/api/v1/clusters?limit=1"));
        var cluster = clusters["items"]![0]!;
        var (lat, lon) = ((double)cluster["center"]!["lat"]!, (double)cluster["center"]!["lon"]!);
        var clusterId = (string)cluster["id"]!;

        var anchor = await CompanyAsync(apiA, "anchor");
        var anchorKey = (string)(await Json(await apiA.PostAsJsonAsync($"/api/v1/companies/{anchor}/api-keys", new { })))["key"]!;
        var site = await SiteAsync(apiA, anchor, clusterId, lat, lon);
        using var asAnchor = Client(a, anchorKey);
        var need = (string)(await Json(await asAnchor.PostAsJsonAsync("/api/v1/needs", new
        {
            title = "Freshness probe", categoryCode = "25.62.10", quantityPerMonth = 100, unit = "PCE", deliverySiteId = site,
            currentLocalShare = 0.2, annualValue = 1_000_000, scope = "cluster",
        })))["id"]!;

        var delays = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var supplier = await CompanyAsync(apiA, "supplier");
            var supplierSite = await SiteAsync(apiA, supplier, clusterId, lat, lon);
            var write = Stopwatch.StartNew();
            var capability = (string)(await Json(await apiA.PostAsJsonAsync($"/api/v1/companies/{supplier}/capabilities", new
            {
                siteId = supplierSite, categoryCode = "25.62.10", capacityPerMonth = 1000, unit = "PCE", localShare = 1.0,
            })))["id"]!;
            var written = write.Elapsed.TotalMilliseconds;
            var seen = Stopwatch.StartNew();
            while (true)
            {
                var page = await Json(await apiB.GetAsync($"/api/v1/needs/{need}/matches?limit=100"));
                if (page["items"]!.AsArray().Any(i => (string?)i!["capabilityId"] == capability)) break;
                if (seen.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException($"Capability {capability} never appeared through B.");
                await Task.Delay(5);
            }
            delays.Add(seen.Elapsed.TotalMilliseconds);
            Console.WriteLine($"round {round + 1}: POST through A took {written:F1} ms; listed through B {seen.Elapsed.TotalMilliseconds:F0} ms after A answered");
        }
        delays.Sort();
        Console.WriteLine($"freshness over {rounds} rounds: median {delays[delays.Count / 2]:F0} ms, max {delays[^1]:F0} ms, min {delays[0]:F0} ms");
    }

    private static HttpClient Client(Uri baseAddress, string key)
    {
        var client = new HttpClient { BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static async Task<string> CompanyAsync(HttpClient admin, string role)
    {
        var taxId = Domain.Companies.TaxId.Generate(Random.Shared);
        return (string)(await Json(await admin.PostAsJsonAsync("/api/v1/companies",
            new { name = $"Freshness {role} {taxId}", taxId, roles = new[] { role }, size = "small" })))["id"]!;
    }

    private static async Task<string> SiteAsync(HttpClient admin, string company, string clusterId, double lat, double lon) =>
        (string)(await Json(await admin.PostAsJsonAsync($"/api/v1/companies/{company}/sites",
            new { name = "Freshness site", lat, lon, clusterId })))["id"]!;

    private static async Task<JsonNode> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{(int)response.StatusCode} {response.RequestMessage?.RequestUri}: {text}");
        return JsonNode.Parse(text)!;
    }
}
