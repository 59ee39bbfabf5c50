using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Marketplace.Api.Common.Idempotency;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Infrastructure.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Api.Tests.Http;

/// api.md, Idempotency and concurrency: Idempotency-Key on every POST, checked after steps 1-4.
public abstract class IdempotencyTests(ApiFactory api)
{
    [Fact]
    public async Task Replay_answers_the_stored_response_and_creates_nothing_more()
    {
        var taxId = Scenario.NewTaxId();
        var json = CompanyJson(taxId);
        var key = NewKey();

        var first = await Idem.PostAsync(api.Admin(), "/api/v1/companies", json, key);
        var firstBody = await first.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.False(Idem.Replayed(first));
        var id = (string)JsonDocument.Parse(firstBody).RootElement.GetProperty("id").GetString()!;

        api.Clock.Advance(TimeSpan.FromMinutes(5));
        foreach (var _ in Enumerable.Range(0, 2))
        {
            var again = await Idem.PostAsync(api.Admin(), "/api/v1/companies", json, key);
            Assert.Equal(HttpStatusCode.Created, again.StatusCode);
            Assert.True(Idem.Replayed(again));
            Assert.Equal(firstBody, await again.Content.ReadAsByteArrayAsync());
            Assert.Equal($"/api/v1/companies/{id}", again.Headers.Location?.OriginalString);
            Assert.Equal(first.Headers.Location, again.Headers.Location);
            Assert.Equal(first.Headers.ETag, again.Headers.ETag);
            Assert.Equal(first.Content.Headers.ContentType, again.Content.Headers.ContentType);
        }

        Assert.Equal(1L, await CompaniesWithTaxIdAsync(taxId));
        Assert.Equal(1L, await api.CountAsync("SELECT COUNT(*) FROM changes WHERE entity_id = @id", new { id = Guid.Parse(id) }));
        var read = await (await api.Admin().GetAsync($"/api/v1/companies/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(System.Text.Json.Nodes.JsonNode.Parse(firstBody)!.ToJsonString(), read.ToJsonString());
    }

    [Fact]
    public async Task Same_key_with_another_body_is_422_and_changes_nothing()
    {
        var taxId = Scenario.NewTaxId();
        var json = CompanyJson(taxId);
        var key = NewKey();
        var first = await Idem.PostAsync(api.Admin(), "/api/v1/companies", json, key);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);

        var otherTaxId = Scenario.NewTaxId();
        await (await Idem.PostAsync(api.Admin(), "/api/v1/companies", CompanyJson(otherTaxId), key))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency.key_reused");
        // The hash is of the body's bytes: the same JSON written differently is another body.
        await (await Idem.PostAsync(api.Admin(), "/api/v1/companies", json + " ", key))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency.key_reused");

        Assert.Equal(0L, await CompaniesWithTaxIdAsync(otherTaxId));
        Assert.Equal(1L, await CompaniesWithTaxIdAsync(taxId));
        // The 422 was not stored and did not overwrite the record: the original still replays.
        var again = await Idem.PostAsync(api.Admin(), "/api/v1/companies", json, key);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.True(Idem.Replayed(again));
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await again.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task The_key_is_scoped_to_the_api_key_and_the_path()
    {
        var supplier = await api.CreateCompanyAsync();
        var secondKey = (string)(await (await api.Admin().PostJsonAsync($"/api/v1/companies/{supplier.Id}/api-keys", new { }))
            .ExpectAsync(HttpStatusCode.Created))["key"]!;
        var partner = await api.CreatePartnerAsync();
        var grantPath = $"/api/v1/companies/{supplier.Id}/partners";
        var grant = JsonSerializer.Serialize(new { partnerId = partner.Id });
        var key = NewKey();

        var byFirst = await Idem.PostAsync(api.As(supplier.Key), grantPath, grant, key);
        var bySecond = await Idem.PostAsync(api.As(secondKey), grantPath, grant, key);
        Assert.Equal(HttpStatusCode.NoContent, byFirst.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, bySecond.StatusCode);
        Assert.False(Idem.Replayed(byFirst));
        Assert.False(Idem.Replayed(bySecond));
        foreach (var apiKey in new[] { supplier.Key, secondKey })
        {
            var replay = await Idem.PostAsync(api.As(apiKey), grantPath, grant, key);
            Assert.Equal(HttpStatusCode.NoContent, replay.StatusCode);
            Assert.True(Idem.Replayed(replay));
        }

        // The same key on another path runs anew (sharing the record would answer 422: another body).
        var other = NewKey();
        var company = await Idem.PostAsync(api.Admin(), "/api/v1/companies", CompanyJson(Scenario.NewTaxId()), other);
        Assert.Equal(HttpStatusCode.Created, company.StatusCode);
        var clusterName = $"Cluster {Guid.NewGuid():N}";
        var cluster = await Idem.PostAsync(api.Admin(), "/api/v1/clusters", JsonSerializer.Serialize(new
        {
            name = clusterName, regionCode = "RU-KLU", center = new { lat = 54.5, lon = 36.2 },
        }), other);
        Assert.Equal(HttpStatusCode.Created, cluster.StatusCode);
        Assert.False(Idem.Replayed(cluster));
        Assert.Contains(clusterName, await cluster.Content.ReadAsStringAsync());
        // Both records exist, one per scope.
        Assert.Equal(1L, await RecordCountAsync(Idem.AdminScope("/api/v1/companies", other)));
        Assert.Equal(1L, await RecordCountAsync(Idem.AdminScope("/api/v1/clusters", other)));
    }

    [Fact]
    public async Task A_400_is_stored_and_replayed_and_burns_the_key_even_for_a_fixed_body()
    {
        var taxId = Scenario.NewTaxId();
        var invalid = JsonSerializer.Serialize(new { name = "", taxId, roles = new[] { "supplier" }, size = "small" });
        var key = NewKey();

        var first = await Idem.PostAsync(api.Admin(), "/api/v1/companies", invalid, key);
        var firstBody = await first.Content.ReadAsByteArrayAsync();
        await first.ExpectFieldErrorAsync("name");
        Assert.False(Idem.Replayed(first));

        var again = await Idem.PostAsync(api.Admin(), "/api/v1/companies", invalid, key);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.True(Idem.Replayed(again));
        Assert.Equal(firstBody, await again.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);

        var fixedBody = CompanyJson(taxId);
        await (await Idem.PostAsync(api.Admin(), "/api/v1/companies", fixedBody, key))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency.key_reused");
        Assert.Equal(0L, await CompaniesWithTaxIdAsync(taxId));

        // With a new key the fixed body runs.
        await (await Idem.PostAsync(api.Admin(), "/api/v1/companies", fixedBody, NewKey())).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(1L, await CompaniesWithTaxIdAsync(taxId));
    }

    [Fact]
    public async Task A_409_is_stored_and_replayed_even_after_its_cause_is_gone()
    {
        var taxId = Scenario.NewTaxId();
        var holder = await (await api.Admin().PostJsonAsync("/api/v1/companies",
            new { name = "Holder", taxId, roles = new[] { "supplier" }, size = "small" })).ExpectAsync(HttpStatusCode.Created);
        var json = CompanyJson(taxId, "Latecomer");
        var key = NewKey();

        var first = await Idem.PostAsync(api.Admin(), "/api/v1/companies", json, key);
        var firstBody = await first.Content.ReadAsByteArrayAsync();
        var problem = await first.ExpectProblemAsync(HttpStatusCode.Conflict, "company.tax_id_taken");
        Assert.NotNull(problem["errors"]?["taxId"]);

        // The taxId is freed; the stored 409 is still the answer to this key.
        await (await api.Admin().PatchJsonAsync($"/api/v1/companies/{holder["id"]}", new { taxId = Scenario.NewTaxId() }))
            .ExpectAsync(HttpStatusCode.OK);
        var again = await Idem.PostAsync(api.Admin(), "/api/v1/companies", json, key);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.True(Idem.Replayed(again));
        Assert.Equal(firstBody, await again.Content.ReadAsByteArrayAsync());
        Assert.Equal(0L, await CompaniesWithTaxIdAsync(taxId));

        await (await Idem.PostAsync(api.Admin(), "/api/v1/companies", json, NewKey())).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(1L, await CompaniesWithTaxIdAsync(taxId));
    }

    [Theory]
    [InlineData("long")]
    [InlineData("has space")]
    [InlineData("tab\there")]
    [InlineData("ключ")]
    [InlineData("caf\u00e9")]
    public async Task Malformed_idempotency_key_is_400_naming_the_header(string key)
    {
        if (key == "long") key = new string('k', 256);
        var taxId = Scenario.NewTaxId();
        var records = await RecordCountAsync();
        await (await Idem.PostAsync(api.Admin(), "/api/v1/companies", CompanyJson(taxId), key)).ExpectFieldErrorAsync("Idempotency-Key");
        Assert.Equal(0L, await CompaniesWithTaxIdAsync(taxId));
        Assert.Equal(records, await RecordCountAsync());
    }

    [Fact]
    public async Task Longest_key_of_visible_ascii_is_accepted()
    {
        var key = string.Concat(Enumerable.Range(0, 255).Select(i => (char)('!' + i % ('~' - '!' + 1))));
        var json = CompanyJson(Scenario.NewTaxId());
        await (await Idem.PostAsync(api.Admin(), "/api/v1/companies", json, key)).ExpectAsync(HttpStatusCode.Created);
        var again = await Idem.PostAsync(api.Admin(), "/api/v1/companies", json, key);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.True(Idem.Replayed(again));
    }

    [Fact]
    public async Task Answers_of_steps_1_to_4_are_never_stored()
    {
        var records = await RecordCountAsync();

        // 401: no record, nothing to replay.
        var key = NewKey();
        var json = CompanyJson(Scenario.NewTaxId());
        await (await Idem.PostAsync(api.As("mp_not_a_real_key_000000000000000000000000000000000"), "/api/v1/companies", json, key))
            .ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.unauthenticated");
        Assert.Equal(records, await RecordCountAsync());

        // 403 for a company key, then the admin with the same Idempotency-Key runs.
        var company = await api.CreateCompanyAsync();
        records = await RecordCountAsync();
        await (await Idem.PostAsync(api.As(company.Key), "/api/v1/companies", json, key))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "auth.admin_only");
        Assert.Equal(records, await RecordCountAsync());
        var created = await Idem.PostAsync(api.Admin(), "/api/v1/companies", json, key);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.False(Idem.Replayed(created));

        // 415 and then the same request (same API key, path and Idempotency-Key) with the right type runs.
        key = NewKey();
        json = CompanyJson(Scenario.NewTaxId());
        records = await RecordCountAsync();
        await (await Idem.PostAsync(api.Admin(), "/api/v1/companies", json, key, "text/plain"))
            .ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType, "request.unsupported_media_type");
        Assert.Equal(records, await RecordCountAsync());
        created = await Idem.PostAsync(api.Admin(), "/api/v1/companies", json, key);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.False(Idem.Replayed(created));

        // 404 (step 2) is not stored either.
        records = await RecordCountAsync();
        await (await Idem.PostAsync(api.Admin(), $"/api/v1/companies/{Guid.CreateVersion7()}/partners", "{}", NewKey()))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(records, await RecordCountAsync());
    }

    [Fact]
    public async Task A_403_of_an_inactive_company_is_not_stored_so_the_same_key_runs_once_it_is_active()
    {
        var supplier = await api.CreateCompanyAsync();
        var partner = await api.CreatePartnerAsync();
        await (await api.Admin().PatchJsonAsync($"/api/v1/companies/{supplier.Id}", new { active = false })).ExpectAsync(HttpStatusCode.OK);
        var path = $"/api/v1/companies/{supplier.Id}/partners";
        var grant = JsonSerializer.Serialize(new { partnerId = partner.Id });
        var key = NewKey();
        var records = await RecordCountAsync();

        await (await Idem.PostAsync(api.As(supplier.Key), path, grant, key)).ExpectProblemAsync(HttpStatusCode.Forbidden, "company.inactive");
        Assert.Equal(records, await RecordCountAsync());

        await (await api.Admin().PatchJsonAsync($"/api/v1/companies/{supplier.Id}", new { active = true })).ExpectAsync(HttpStatusCode.OK);
        // The key's lookup may be cached for up to 1 s; every refused attempt is unstored, so retrying with the same key is fine.
        var clock = Stopwatch.StartNew();
        HttpResponseMessage response;
        do
        {
            response = await Idem.PostAsync(api.As(supplier.Key), path, grant, key);
            if (response.StatusCode != HttpStatusCode.Forbidden) break;
            await Task.Delay(100);
        } while (clock.Elapsed < TimeSpan.FromSeconds(3));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.False(Idem.Replayed(response));
        var replay = await Idem.PostAsync(api.As(supplier.Key), path, grant, key);
        Assert.Equal(HttpStatusCode.NoContent, replay.StatusCode);
        Assert.True(Idem.Replayed(replay));
    }

    [Fact]
    public async Task Secret_issuing_posts_are_never_replayed_and_never_store_the_secret()
    {
        var name = $"Partner {Guid.NewGuid():N}";
        var partnerJson = JsonSerializer.Serialize(new { name });
        var partnerKey = NewKey();
        var partner = await (await Idem.PostAsync(api.Admin(), "/api/v1/partners", partnerJson, partnerKey)).ExpectAsync(HttpStatusCode.Created);
        var partnerSecret = (string)partner["key"]!;

        var replay = await Idem.PostAsync(api.Admin(), "/api/v1/partners", partnerJson, partnerKey);
        await replay.ExpectProblemAsync(HttpStatusCode.Conflict, "idempotency.secret_not_replayable");
        Assert.DoesNotContain(partnerSecret, await replay.Content.ReadAsStringAsync());
        await (await Idem.PostAsync(api.Admin(), "/api/v1/partners", JsonSerializer.Serialize(new { name = name + "!" }), partnerKey))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency.key_reused");
        Assert.Equal(1L, await api.CountAsync("SELECT COUNT(*) FROM partners WHERE name = @name", new { name }));
        Assert.Equal(0L, await api.CountAsync("SELECT COUNT(*) FROM partners WHERE name = @name", new { name = name + "!" }));

        var company = await api.CreateCompanyAsync();
        var keysPath = $"/api/v1/companies/{company.Id}/api-keys";
        var keysKey = NewKey();
        var issued = await (await Idem.PostAsync(api.Admin(), keysPath, "{}", keysKey)).ExpectAsync(HttpStatusCode.Created);
        var companySecret = (string)issued["key"]!;
        await (await Idem.PostAsync(api.Admin(), keysPath, "{}", keysKey))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "idempotency.secret_not_replayable");
        // The company's key from Scenario plus this one: no second key was issued.
        Assert.Equal(2L, await api.CountAsync("SELECT COUNT(*) FROM api_keys WHERE company_id = @id", new { id = Guid.Parse(company.Id) }));

        // Both secrets work, and no column of any idempotency record holds either.
        await (await api.As(partnerSecret).GetAsync("/api/v1/partners")).ExpectAsync(HttpStatusCode.OK);
        await (await api.As(companySecret).GetAsync("/api/v1/companies")).ExpectAsync(HttpStatusCode.OK);
        await using var db = api.OpenDb();
        await using var connection = await db.OpenAsync(CancellationToken.None);
        var rows = (await connection.QueryAsync("SELECT * FROM idempotency_records")).Cast<IDictionary<string, object?>>().ToList();
        Assert.NotEmpty(rows);
        foreach (var row in rows)
            foreach (var (column, value) in row)
            {
                var text = value switch
                {
                    null => "",
                    byte[] bytes => Encoding.UTF8.GetString(bytes) + Encoding.Latin1.GetString(bytes) + Convert.ToBase64String(bytes),
                    _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
                };
                Assert.False(text.Contains(partnerSecret, StringComparison.Ordinal), $"Column {column} holds the partner's key.");
                Assert.False(text.Contains(companySecret, StringComparison.Ordinal), $"Column {column} holds the company's key.");
            }
        foreach (var scope in new[] { Idem.AdminScope("/api/v1/partners", partnerKey), Idem.AdminScope(keysPath, keysKey) })
        {
            var record = Assert.Single(rows, r => ((byte[])r["scope_hash"]!).AsSpan().SequenceEqual(scope));
            Assert.Equal("done", record["state"]);
            Assert.Null(record["response_body"]);
            Assert.True(Convert.ToBoolean(record["secret_issued"], System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task A_request_under_a_live_lease_is_409_in_progress()
    {
        var taxId = Scenario.NewTaxId();
        var json = CompanyJson(taxId);
        var key = NewKey();
        var scope = Idem.AdminScope("/api/v1/companies", key);
        var leaseUntil = await InsertRunningRecordAsync(scope, json);

        await (await Idem.PostAsync(api.Admin(), "/api/v1/companies", json, key))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "idempotency.in_progress");
        api.Clock.Advance(TimeSpan.FromSeconds(29));
        await (await Idem.PostAsync(api.Admin(), "/api/v1/companies", json, key))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "idempotency.in_progress");

        Assert.Equal(0L, await CompaniesWithTaxIdAsync(taxId));
        var record = Assert.Single(await api.QueryAsync<RecordRow>(
            "SELECT state AS State, lease_until AS LeaseUntil FROM idempotency_records WHERE scope_hash = @scope", new { scope }));
        Assert.Equal("running", record.State);
        Assert.Equal(leaseUntil, record.LeaseUntil);
    }

    [Fact]
    public async Task An_expired_lease_is_taken_over_and_the_answer_then_replays()
    {
        var taxId = Scenario.NewTaxId();
        var json = CompanyJson(taxId);
        var key = NewKey();
        var scope = Idem.AdminScope("/api/v1/companies", key);
        await InsertRunningRecordAsync(scope, json);
        await (await Idem.PostAsync(api.Admin(), "/api/v1/companies", json, key))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "idempotency.in_progress");

        api.Clock.Advance(TimeSpan.FromSeconds(31)); // the holder died: its 30 s lease ran out
        var taken = await Idem.PostAsync(api.Admin(), "/api/v1/companies", json, key);
        var body = await taken.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.Created, taken.StatusCode);
        Assert.False(Idem.Replayed(taken));
        Assert.Equal(1L, await CompaniesWithTaxIdAsync(taxId));

        var again = await Idem.PostAsync(api.Admin(), "/api/v1/companies", json, key);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.True(Idem.Replayed(again));
        Assert.Equal(body, await again.Content.ReadAsByteArrayAsync());
        Assert.Equal(taken.Headers.Location, again.Headers.Location);
        Assert.Equal(1L, await CompaniesWithTaxIdAsync(taxId));
        Assert.Equal("done", Assert.Single(await api.QueryAsync<string>(
            "SELECT state FROM idempotency_records WHERE scope_hash = @scope", new { scope })));
    }

    [Fact]
    public async Task Purge_removes_records_older_than_25_hours_and_keeps_younger_ones()
    {
        var oldJson = CompanyJson(Scenario.NewTaxId());
        var oldKey = NewKey();
        await (await Idem.PostAsync(api.Admin(), "/api/v1/companies", oldJson, oldKey)).ExpectAsync(HttpStatusCode.Created);
        api.Clock.Advance(TimeSpan.FromHours(24));
        var youngJson = CompanyJson(Scenario.NewTaxId());
        var youngKey = NewKey();
        await (await Idem.PostAsync(api.Admin(), "/api/v1/companies", youngJson, youngKey)).ExpectAsync(HttpStatusCode.Created);
        api.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));

        // At 25 h 1 min the first record is past the 25 h line; the second is 1 h 1 min old.
        var store = api.Services.GetRequiredService<IdempotencyStore>();
        var purged = await store.PurgeAsync(api.Clock.GetUtcNow() - TimeSpan.FromHours(25), CancellationToken.None);
        Assert.True(purged >= 1, $"purged {purged}");
        Assert.Equal(0L, await RecordCountAsync(Idem.AdminScope("/api/v1/companies", oldKey)));
        Assert.Equal(1L, await RecordCountAsync(Idem.AdminScope("/api/v1/companies", youngKey)));

        // The purged key runs anew (the company exists now: 409), the kept one still replays.
        var rerun = await Idem.PostAsync(api.Admin(), "/api/v1/companies", oldJson, oldKey);
        await rerun.ExpectProblemAsync(HttpStatusCode.Conflict, "company.tax_id_taken");
        Assert.False(Idem.Replayed(rerun));
        var replay = await Idem.PostAsync(api.Admin(), "/api/v1/companies", youngJson, youngKey);
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.True(Idem.Replayed(replay));

        // A record exactly 24 h old is kept (api.md: at least 24 hours).
        api.Clock.Advance(TimeSpan.FromHours(23) - TimeSpan.FromMinutes(1));
        await store.PurgeAsync(api.Clock.GetUtcNow() - TimeSpan.FromHours(25), CancellationToken.None);
        Assert.Equal(1L, await RecordCountAsync(Idem.AdminScope("/api/v1/companies", youngKey)));
    }

    private async Task<DateTimeOffset> InsertRunningRecordAsync(byte[] scope, string json)
    {
        var now = Truncate(api.Clock.GetUtcNow());
        var leaseUntil = now + TimeSpan.FromSeconds(30);
        await api.ExecuteAsync("""
            INSERT INTO idempotency_records (scope_hash, request_hash, state, lease_until, secret_issued, created_at)
            VALUES (@scope, @hash, 'running', @leaseUntil, @no, @now)
            """, new { scope, hash = SHA256.HashData(Encoding.UTF8.GetBytes(json)), leaseUntil, no = false, now });
        return leaseUntil;
    }

    private sealed class RecordRow
    {
        public string State { get; init; } = "";
        public DateTimeOffset LeaseUntil { get; init; }
    }

    private static DateTimeOffset Truncate(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % 10, TimeSpan.Zero);

    private static string CompanyJson(string taxId, string name = "Idempotent Co") =>
        JsonSerializer.Serialize(new { name, taxId, roles = new[] { "supplier" }, size = "small" });

    private static string NewKey() => $"idem-{Guid.NewGuid():N}";

    private Task<long> CompaniesWithTaxIdAsync(string taxId) =>
        api.CountAsync("SELECT COUNT(*) FROM companies WHERE tax_id = @taxId", new { taxId });

    private Task<long> RecordCountAsync() => api.CountAsync("SELECT COUNT(*) FROM idempotency_records");

    private Task<long> RecordCountAsync(byte[] scope) =>
        api.CountAsync("SELECT COUNT(*) FROM idempotency_records WHERE scope_hash = @scope", new { scope });
}

/// A request really in flight. It is held after its claim by an uncommitted row with the same
/// taxId in a test transaction, which its insert must wait for. Only a server database can hold
/// it there: on SQLite the claim itself needs the one write lock, so the lease-record tests above
/// stand in for it.
public abstract class InFlightIdempotencyTests
{
    private const int LeaseSeconds = 3;
    private readonly ApiFactory api;

    // A short lease (renewed every second) so that renewal shows within the 5 s lock wait.
    protected InFlightIdempotencyTests(ApiFactory api) =>
        this.api = api.With("Marketplace:Idempotency:LeaseSeconds", LeaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task Second_request_while_the_first_runs_is_409_in_progress_then_replays()
    {
        var (json, key, scope) = NewRequest();
        await using var db = api.OpenDb();
        await using var blocker = await db.OpenAsync(CancellationToken.None);
        var tx = await HoldTaxIdAsync(db, blocker, json);
        var first = await StartHeldAsync(json, key, scope);

        await (await Idem.PostAsync(api.Admin(), "/api/v1/companies", json, key))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "idempotency.in_progress");

        await tx.RollbackAsync();
        await tx.DisposeAsync();
        await AssertCompletesAndReplaysAsync(first, json, key);
    }

    [Fact]
    public async Task Lease_is_renewed_on_the_app_clock_while_the_request_runs_so_it_is_never_taken_over()
    {
        var (json, key, scope) = NewRequest();
        await using var db = api.OpenDb();
        await using var blocker = await db.OpenAsync(CancellationToken.None);
        var tx = await HoldTaxIdAsync(db, blocker, json);
        var first = await StartHeldAsync(json, key, scope);

        // Far past the first lease on the app's clock: only a renewal keeps the record.
        api.Clock.Advance(TimeSpan.FromSeconds(10 * LeaseSeconds));
        var renewedPast = api.Clock.GetUtcNow();
        var clock = Stopwatch.StartNew();
        while (Assert.Single(await api.QueryAsync<DateTimeOffset>(
                   "SELECT lease_until FROM idempotency_records WHERE scope_hash = @scope", new { scope })) <= renewedPast)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(LeaseSeconds), "The lease was not renewed within a lease.");
            Assert.False(first.IsCompleted, "The first request ended before it was held.");
            await Task.Delay(50);
        }
        await (await Idem.PostAsync(api.Admin(), "/api/v1/companies", json, key))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "idempotency.in_progress");

        await tx.RollbackAsync();
        await tx.DisposeAsync();
        await AssertCompletesAndReplaysAsync(first, json, key);
    }

    private static (string Json, string Key, byte[] Scope) NewRequest()
    {
        var json = JsonSerializer.Serialize(new { name = "In flight", taxId = Scenario.NewTaxId(), roles = new[] { "supplier" }, size = "small" });
        var key = $"idem-{Guid.NewGuid():N}";
        return (json, key, Idem.AdminScope("/api/v1/companies", key));
    }

    /// An uncommitted company with the request's taxId: the request's insert waits for it (up to
    /// BusyTimeoutSeconds = 5), after its claim.
    private async Task<System.Data.Common.DbTransaction> HoldTaxIdAsync(
        Marketplace.Infrastructure.Database.Db db, System.Data.Common.DbConnection blocker, string json)
    {
        var taxId = JsonDocument.Parse(json).RootElement.GetProperty("taxId").GetString();
        var tx = await db.BeginWriteAsync(blocker, CancellationToken.None);
        await blocker.ExecuteAsync(new CommandDefinition("""
            INSERT INTO companies (id, name, tax_id, roles, size, certifications, active, version, created_at, updated_at)
            VALUES (@id, 'Blocker', @taxId, 1, 'small', '[]', @yes, 1, @now, @now)
            """, new { id = Guid.CreateVersion7(), taxId, yes = true, now = api.Clock.GetUtcNow() }, tx));
        return tx;
    }

    /// Sends the request and answers once it holds a running record and is waiting.
    private async Task<Task<HttpResponseMessage>> StartHeldAsync(string json, string key, byte[] scope)
    {
        var first = Idem.PostAsync(api.Admin(), "/api/v1/companies", json, key);
        var clock = Stopwatch.StartNew();
        while (await api.CountAsync("SELECT COUNT(*) FROM idempotency_records WHERE scope_hash = @scope AND state = 'running'", new { scope }) == 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), "The first request never claimed its record.");
            Assert.False(first.IsCompleted, "The first request ended before it was held.");
            await Task.Delay(20);
        }
        Assert.False(first.IsCompleted);
        return first;
    }

    private async Task AssertCompletesAndReplaysAsync(Task<HttpResponseMessage> first, string json, string key)
    {
        var taxId = JsonDocument.Parse(json).RootElement.GetProperty("taxId").GetString();
        var answered = await first.WaitAsync(TimeSpan.FromSeconds(10));
        var body = await answered.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.Created, answered.StatusCode);
        Assert.False(Idem.Replayed(answered));

        var replay = await Idem.PostAsync(api.Admin(), "/api/v1/companies", json, key);
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.True(Idem.Replayed(replay));
        Assert.Equal(body, await replay.Content.ReadAsByteArrayAsync());
        Assert.Equal(1L, await api.CountAsync("SELECT COUNT(*) FROM companies WHERE tax_id = @taxId", new { taxId }));
    }
}

internal static class Idem
{
    public const string Header = "Idempotency-Key";

    public static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string json, string? key,
        string contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (key is not null) Assert.True(request.Headers.TryAddWithoutValidation(Header, key));
        return client.SendAsync(request);
    }

    public static bool Replayed(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Idempotent-Replayed", out var values) && values.SingleOrDefault() == "true";

    /// The record's scope exactly as IdempotencyBehaviour computes it, for the admin key (no
    /// X-On-Behalf-Of): SHA-256 of key scope, on-behalf-of, method, path and query, Idempotency-Key.
    public static byte[] AdminScope(string pathAndQuery, string key) =>
        SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n',
            "admin:" + Convert.ToHexString(ApiKeySecrets.Hash(ApiFactory.AdminKey).AsSpan(0, 8)), "", "POST", pathAndQuery, key)));
}

public sealed class IdempotencyTestsOnSqlite(SqliteApi api) : IdempotencyTests(api), IClassFixture<SqliteApi>;
public sealed class IdempotencyTestsOnPostgres(PostgresApi api) : IdempotencyTests(api), IClassFixture<PostgresApi>;
public sealed class InFlightIdempotencyTestsOnPostgres(PostgresApi api) : InFlightIdempotencyTests(api), IClassFixture<PostgresApi>;
