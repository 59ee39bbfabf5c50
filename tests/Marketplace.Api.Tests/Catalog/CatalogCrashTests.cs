using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Catalog;

/// Issue 6, safe retries: the API process is killed half-way through a 100,000-record import;
/// a new process on the same database, once the idempotency lease has expired, takes the same
/// request (same Idempotency-Key, same body) over, and the end state is exactly that of one
/// successful import, row by row: nothing lost, nothing doubled.
public abstract class CatalogCrashTests(ApiFactory api)
{
    private const int Records = 100_000;
    private const int Existing = 2_000;
    private const int LeaseSeconds = 2;
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Marketplace:Idempotency:LeaseSeconds"] = LeaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private sealed record Row(string Sku, string Name, decimal Price, long Stock, bool Valid);

    /// Record i of the body: mostly new skus; the first 1,000 repeat the existing items as they
    /// are (unchanged), the next 1,000 with a new price (updated); every 1,000th is invalid, and
    /// every 250th repeats an earlier sku with another price (the earlier one is a duplicate).
    private static Row Record(int i) => i switch
    {
        _ when i % 1000 == 999 => new Row($"S-{i:D6}", $"Item {i}", -1m, 1, false),
        _ when i % 250 == 3 && i > 3 => new Row($"S-{i - 3:D6}", $"Item {i - 3}", 7.5m, 3, true),
        < 1000 => Initial(i),
        < Existing => Initial(i) with { Price = 2.25m },
        _ => new Row($"S-{i:D6}", $"Item {i}", 10m + i % 97, i % 13, true),
    };

    private static Row Initial(int i) => new($"S-{i:D6}", $"Item {i}", 1.5m, 5, true);

    private static byte[] Ndjson(IEnumerable<Row> rows) => Encoding.UTF8.GetBytes(CatalogScenario.NdjsonOf(rows.Select(r =>
    {
        var row = CatalogScenario.Row(r.Sku, r.Price, r.Stock, "46.69.1");
        row["name"] = r.Name;
        return (object)row;
    }).ToArray()));

    [Fact]
    public async Task Killed_mid_import_and_retried_with_the_same_key_ends_as_one_import()
    {
        var sw = System.Diagnostics.Stopwatch.StartNew(); void T(string m) => File.AppendAllText("/tmp/crash-timing.txt", $"{api.Provider} {sw.Elapsed.TotalSeconds:F1} {m}\n");
        var first = await ChildApi.StartAsync(api, Settings); T("started");
        string wholesalerId, key;
        await using (first)
        {
            var admin = first.Client(ApiFactory.AdminKey);
            var company = await (await admin.PostJsonAsync("/api/v1/companies", new
            {
                name = "Cash & Carry", taxId = Scenario.NewTaxId(), roles = new[] { "wholesaler" }, size = "large",
            })).ExpectAsync(HttpStatusCode.Created);
            wholesalerId = (string)company["id"]!;
            key = (string)(await (await admin.PostJsonAsync($"/api/v1/companies/{wholesalerId}/api-keys", new { }))
                .ExpectAsync(HttpStatusCode.Created))["key"]!;
            await (await Import(first.Client(key), wholesalerId, new ByteArrayContent(Ndjson(Enumerable.Range(0, Existing).Select(Initial))),
                null)).ExpectAsync(HttpStatusCode.OK);

            // Half the body arrives, then the process dies while the import waits for the rest.
            var body = Ndjson(Enumerable.Range(0, Records).Select(Record));
            var content = new HalfThenRestContent(body);
            var sending = Import(first.Client(key), wholesalerId, content, "crash-import-1");
            T("body built"); await content.HalfSent.WaitAsync(TimeSpan.FromSeconds(60)); T("half sent");
            await Task.Delay(500);
            await first.KillAsync();
            content.SendRest();
            await Assert.ThrowsAnyAsync<Exception>(async () => await sending); T("failed");
        }
        Assert.Equal(Expected(includeBody: false), await Stored());

        T("checked"); await using var second = await ChildApi.StartAsync(api, Settings); T("second started");
        await Task.Delay(TimeSpan.FromSeconds(LeaseSeconds + 1)); // the dead holder's lease expires
        var client = second.Client(key);
        var response = await Import(client, wholesalerId, new ByteArrayContent(Ndjson(Enumerable.Range(0, Records).Select(Record))),
            "crash-import-1");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {Encoding.UTF8.GetString(bytes)}\n{second.Output}");
        var summary = JsonNode.Parse(bytes)!; T("imported");

        // The counts of one import over the existing items (computed from the model below).
        var valid = Enumerable.Range(0, Records).Select(Record).Where(r => r.Valid).ToList();
        var last = valid.GroupBy(r => r.Sku).Select(g => g.Last()).ToList();
        var initial = Enumerable.Range(0, Existing).Select(Initial).ToDictionary(r => r.Sku);
        Assert.Equal(Records, (long)summary["received"]!);
        Assert.Equal(Records - valid.Count, (long)summary["rejected"]!);
        Assert.Equal(valid.Count - last.Count, (long)summary["duplicates"]!);
        Assert.Equal(last.Count(r => !initial.ContainsKey(r.Sku)), (long)summary["inserted"]!);
        Assert.Equal(last.Count(r => initial.TryGetValue(r.Sku, out var i) && i != r), (long)summary["updated"]!);
        Assert.Equal(last.Count(r => initial.TryGetValue(r.Sku, out var i) && i == r), (long)summary["unchanged"]!);
        Assert.Equal(0L, (long)summary["deleted"]!);
        Assert.Equal(Expected(includeBody: true), await Stored());

        // The same request again is the stored answer, and changes nothing.
        var replay = await Import(client, wholesalerId, new ByteArrayContent(Ndjson(Enumerable.Range(0, Records).Select(Record))),
            "crash-import-1");
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(["true"], replay.Headers.GetValues("Idempotent-Replayed"));
        Assert.Equal(bytes, await replay.Content.ReadAsByteArrayAsync()); T("replayed");
        Assert.Equal(Expected(includeBody: true), await Stored());

        async Task<List<Row>> Stored() => (await api.StoredItemsAsync(wholesalerId))
            .Select(i => new Row(i.Sku, i.Name, i.Price, i.Stock, true)).ToList();
    }

    /// The catalog as a model: the existing items, then (when the body was imported) each sku's
    /// last valid record; ordered by sku.
    private static List<Row> Expected(bool includeBody)
    {
        var items = Enumerable.Range(0, Existing).Select(Initial).ToDictionary(r => r.Sku);
        if (includeBody)
            foreach (var r in Enumerable.Range(0, Records).Select(Record).Where(r => r.Valid))
                items[r.Sku] = r;
        return items.Values.OrderBy(r => r.Sku, StringComparer.Ordinal).ToList();
    }

    private static Task<HttpResponseMessage> Import(HttpClient client, string wholesalerId, HttpContent content, string? idempotencyKey)
    {
        content.Headers.ContentType = new MediaTypeHeaderValue(CatalogScenario.Ndjson);
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/catalogs/{wholesalerId}/items") { Content = content };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return client.SendAsync(request);
    }

    /// A chunked body that sends its first half, then waits until told to send the rest.
    private sealed class HalfThenRestContent(byte[] body) : HttpContent
    {
        private readonly TaskCompletionSource _halfSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _rest = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task HalfSent => _halfSent.Task;

        public void SendRest() => _rest.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var half = Array.IndexOf(body, (byte)'\n', body.Length / 2) + 1;
            await stream.WriteAsync(body.AsMemory(0, half));
            await stream.FlushAsync();
            _halfSent.TrySetResult();
            await _rest.Task;
            await stream.WriteAsync(body.AsMemory(half));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}

public sealed class CatalogCrashTestsOnSqlite(SqliteApi api) : CatalogCrashTests(api), IClassFixture<SqliteApi>;
public sealed class CatalogCrashTestsOnPostgres(PostgresApi api) : CatalogCrashTests(api), IClassFixture<PostgresApi>;
