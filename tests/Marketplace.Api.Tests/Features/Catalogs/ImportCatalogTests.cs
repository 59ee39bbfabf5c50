using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Catalog;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Features.Catalogs;

/// api.md "Catalogs": `POST /catalogs/{wholesalerId}/items`, its counts, row errors and modes.
public abstract class ImportCatalogTests(ApiFactory api)
{
    private Task<TestCompany> WholesalerAsync() => api.CreateCompanyAsync(roles: ["wholesaler"], size: "large");

    private static void AssertCounts(JsonNode summary, long received, long inserted, long updated, long unchanged, long duplicates,
        long rejected, long deleted)
    {
        Assert.Equal(["received", "inserted", "updated", "unchanged", "duplicates", "rejected", "deleted", "errors"],
            summary.AsObject().Select(p => p.Key));
        Assert.Equal((received, inserted, updated, unchanged, duplicates, rejected, deleted),
            ((long)summary["received"]!, (long)summary["inserted"]!, (long)summary["updated"]!, (long)summary["unchanged"]!,
                (long)summary["duplicates"]!, (long)summary["rejected"]!, (long)summary["deleted"]!));
    }

    private static List<(long Line, string? Field)> Errors(JsonNode summary) =>
        summary["errors"]!.AsArray().Select(e => ((long)e!["line"]!, (string?)e["field"])).ToList();

    [Fact]
    public async Task Ndjson_keeps_good_rows_and_reports_each_bad_field_with_its_line()
    {
        var w = await WholesalerAsync();
        var site = await api.CreateSiteAsync(w.Id);
        var full = CatalogScenario.Row("FULL-1", 12.50m, 7);
        full["currency"] = "EUR";
        full["gtin"] = "4006381333931";
        full["originCountry"] = "RU";
        full["originRegionCode"] = "RU-KLU";
        full["localShare"] = 0.75m;
        full["warehouseSiteId"] = site;
        full["unit"] = "pce";
        var badPrice = CatalogScenario.Row("BAD-1");
        badPrice["price"] = -1;
        badPrice["stock"] = 1.5;
        var unknown = CatalogScenario.Row("BAD-2");
        unknown["colour"] = "red";
        var body = CatalogScenario.NdjsonOf(full, CatalogScenario.Row("PLAIN-1"))
            + "\n" // a blank line: numbered, not received
            + CatalogScenario.NdjsonOf(badPrice, unknown)
            + "{\"sku\": \"BAD-3\", \"name\": \n"
            + CatalogScenario.NdjsonOf(CatalogScenario.Row("PLAIN-2"));

        var summary = await (await api.As(w.Key).ImportAsync(w.Id, body)).ExpectAsync(HttpStatusCode.OK);

        AssertCounts(summary, received: 6, inserted: 3, updated: 0, unchanged: 0, duplicates: 0, rejected: 3, deleted: 0);
        Assert.Equal([(4L, "price"), (4L, "stock"), (5L, "colour"), (6L, null)], Errors(summary).Order());
        Assert.All(summary["errors"]!.AsArray(), e => Assert.False(string.IsNullOrWhiteSpace((string?)e!["message"])));
        var items = await api.StoredItemsAsync(w.Id);
        Assert.Equal(["FULL-1", "PLAIN-1", "PLAIN-2"], items.Select(i => i.Sku));
        var f = items[0];
        Assert.Equal(("Item FULL-1", "25.62.10", "PCE", 12.5m, "EUR", 7L, "RU"), (f.Name, f.CategoryCode, f.Unit, f.Price, f.Currency, f.Stock, f.OriginCountry));
        Assert.Equal(("4006381333931", "RU-KLU", 0.75m, Guid.Parse(site)), (f.Gtin, f.OriginRegionCode, f.LocalShare, f.WarehouseSiteId));
        var p = items[1];
        Assert.Equal(("RUB", (string?)null, (string?)null, (decimal?)null, (Guid?)null), (p.Currency, p.Gtin, p.OriginRegionCode, p.LocalShare, p.WarehouseSiteId));
    }

    [Fact]
    public async Task Csv_with_header_quotes_bom_crlf_and_blank_lines()
    {
        var w = await WholesalerAsync();
        var csv = "\uFEFFstock,sku,name,categoryCode,unit,price,originCountry,gtin\r\n"
            + "5,CSV-1,\"Bolt, M8 \"\"zinc\"\"\",25.94.11,PCE,1.20,CN,\r\n"
            + "\r\n"
            + "3,CSV-2,\"Two\nline name\",25.94.11,PCE,2,DE,12345678\r\n"
            + "x,CSV-3,Bad stock,25.94.11,PCE,2,DE,\r\n"
            + "1,CSV-4,Too many,25.94.11,PCE,2,DE,,extra\r\n"
            + "1,CSV-5,Bad country and gtin,25.94.11,PCE,2,ZZ,123\r\n"
            + "7,CSV-6,Last,25.94.11,KGM,0,RU,";

        var summary = await (await api.As(w.Key).ImportAsync(w.Id, csv, "text/csv; charset=utf-8")).ExpectAsync(HttpStatusCode.OK);

        AssertCounts(summary, received: 6, inserted: 3, updated: 0, unchanged: 0, duplicates: 0, rejected: 3, deleted: 0);
        // Line 4 holds a quoted newline, so CSV-3 starts on line 6.
        Assert.Equal([(6L, "stock"), (7L, null), (8L, "originCountry"), (8L, "gtin")], Errors(summary));
        var items = await api.StoredItemsAsync(w.Id);
        Assert.Equal(["CSV-1", "CSV-2", "CSV-6"], items.Select(i => i.Sku));
        Assert.Equal("Bolt, M8 \"zinc\"", items[0].Name);
        Assert.Equal(1.2m, items[0].Price);
        Assert.Null(items[0].Gtin);
        Assert.Equal("Two\nline name", items[1].Name);
        Assert.Equal(("KGM", 0m, 7L), (items[2].Unit, items[2].Price, items[2].Stock));
    }

    [Fact]
    public async Task Csv_header_errors_are_400_before_any_row_and_write_nothing()
    {
        var w = await WholesalerAsync();
        var mark = await api.ChangeMarkAsync();
        await (await api.As(w.Key).ImportAsync(w.Id, "sku,name,categoryCode,unit,price,stock,originCountry,colour\nA,B,25.62,PCE,1,1,CN,red\n",
            "text/csv")).ExpectFieldErrorAsync("colour");
        await (await api.As(w.Key).ImportAsync(w.Id, "sku,name,categoryCode,unit,price,originCountry\nA,B,25.62,PCE,1,CN\n",
            "text/csv")).ExpectFieldErrorAsync("stock");
        await (await api.As(w.Key).ImportAsync(w.Id, "", "text/csv")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Empty(await api.StoredItemsAsync(w.Id));
        Assert.Empty(await api.ChangesAfterAsync(mark, 1));
    }

    [Fact]
    public async Task Reimport_is_a_no_op_and_changed_rows_count_as_updated()
    {
        var w = await WholesalerAsync();
        var rows = Enumerable.Range(1, 5).Select(i => CatalogScenario.Row($"SKU-{i}", 10m + i)).ToArray<object>();
        var body = CatalogScenario.NdjsonOf(rows);
        var mark = await api.ChangeMarkAsync();
        AssertCounts(await (await api.As(w.Key).ImportAsync(w.Id, body)).ExpectAsync(HttpStatusCode.OK), 5, 5, 0, 0, 0, 0, 0);
        Assert.Equal([("catalog", w.Id)], await api.ChangesAfterAsync(mark, 1));
        var before = await api.UpdatedAtsAsync(w.Id);

        api.Clock.Advance(TimeSpan.FromMinutes(1));
        mark = await api.ChangeMarkAsync();
        AssertCounts(await (await api.As(w.Key).ImportAsync(w.Id, body)).ExpectAsync(HttpStatusCode.OK), 5, 0, 0, 5, 0, 0, 0);
        Assert.Equal(before, await api.UpdatedAtsAsync(w.Id));

        // 11.0 equals 11 by value (unchanged); a new price, a name, a null made non-null are updates.
        var changed = Enumerable.Range(1, 5).Select(i => CatalogScenario.Row($"SKU-{i}", 10m + i)).ToArray();
        changed[0]["price"] = 11.000m;
        changed[1]["price"] = 12.01m;
        changed[2]["name"] = "Renamed";
        changed[3]["gtin"] = "12345670";
        api.Clock.Advance(TimeSpan.FromMinutes(1));
        AssertCounts(await (await api.As(w.Key).ImportAsync(w.Id, CatalogScenario.NdjsonOf(changed.ToArray<object>())))
            .ExpectAsync(HttpStatusCode.OK), 5, 0, 3, 2, 0, 0, 0);
        var after = await api.StoredItemsAsync(w.Id);
        Assert.Equal((12.01m, "Renamed", "12345670"), (after[1].Price, after[2].Name, after[3].Gtin));
        var written = await api.UpdatedAtsAsync(w.Id);
        Assert.Equal([before[0], before[4]], [written[0], written[4]]);
        Assert.True(written[1] > before[1]);
        // The no-op import published nothing; the one that changed rows published one change.
        Assert.Equal([("catalog", w.Id)], await api.ChangesAfterAsync(mark, 1));
    }

    [Fact]
    public async Task Last_valid_row_wins_and_earlier_ones_count_as_duplicates()
    {
        var w = await WholesalerAsync();
        var invalidLast = CatalogScenario.Row("DUP", 3m);
        invalidLast["price"] = "free";
        var body = CatalogScenario.NdjsonOf(CatalogScenario.Row("DUP", 1m), CatalogScenario.Row("OTHER"), CatalogScenario.Row("DUP", 2m),
            invalidLast);

        var summary = await (await api.As(w.Key).ImportAsync(w.Id, body)).ExpectAsync(HttpStatusCode.OK);

        AssertCounts(summary, received: 4, inserted: 2, updated: 0, unchanged: 0, duplicates: 1, rejected: 1, deleted: 0);
        Assert.Equal([(4L, "price")], Errors(summary));
        Assert.Equal(2m, (await api.StoredItemsAsync(w.Id)).Single(i => i.Sku == "DUP").Price);
    }

    [Fact]
    public async Task A_first_import_that_repeats_a_sku_deep_in_the_body_keeps_the_later_line()
    {
        // On PostgreSQL a first import writes straight to the catalog until a sku repeats; the rest
        // is staged and merged over what was written.
        var w = await WholesalerAsync();
        var rows = Enumerable.Range(0, 3000).Select(i => (object)CatalogScenario.Row($"X-{i:D4}", 10m)).ToList();
        rows.Insert(2500, CatalogScenario.Row("X-0100", 99m));
        var invalid = CatalogScenario.Row("X-0200");
        invalid["stock"] = -1;
        rows.Add(invalid);

        var summary = await (await api.As(w.Key).ImportAsync(w.Id, CatalogScenario.NdjsonOf([.. rows]), query: "?mode=replace"))
            .ExpectAsync(HttpStatusCode.OK);

        AssertCounts(summary, received: 3002, inserted: 3000, updated: 0, unchanged: 0, duplicates: 1, rejected: 1, deleted: 0);
        Assert.Equal([(3002L, "stock")], Errors(summary));
        var stored = await api.StoredItemsAsync(w.Id);
        Assert.Equal(3000, stored.Count);
        Assert.Equal(99m, stored.Single(i => i.Sku == "X-0100").Price);
        Assert.Equal(2999, stored.Count(i => i.Price == 10m));
    }

    [Fact]
    public async Task Replace_deletes_items_no_record_names_and_keeps_those_named_by_rejected_rows()
    {
        var w = await WholesalerAsync();
        await (await api.As(w.Key).ImportAsync(w.Id, CatalogScenario.NdjsonOf(
            CatalogScenario.Row("KEEP"), CatalogScenario.Row("GONE-1"), CatalogScenario.Row("NAMED-BAD"), CatalogScenario.Row("GONE-2"))))
            .ExpectAsync(HttpStatusCode.OK);
        var bad = CatalogScenario.Row("NAMED-BAD");
        bad["stock"] = -3;

        var summary = await (await api.As(w.Key).ImportAsync(w.Id, CatalogScenario.NdjsonOf(CatalogScenario.Row("KEEP"), bad,
            CatalogScenario.Row("NEW")), query: "?mode=replace")).ExpectAsync(HttpStatusCode.OK);

        AssertCounts(summary, received: 3, inserted: 1, updated: 0, unchanged: 1, duplicates: 0, rejected: 1, deleted: 2);
        Assert.Equal(["KEEP", "NAMED-BAD", "NEW"], (await api.StoredItemsAsync(w.Id)).Select(i => i.Sku));

        // upsert (explicit) deletes nothing; a mode outside the two is 400 and changes nothing.
        AssertCounts(await (await api.As(w.Key).ImportAsync(w.Id, CatalogScenario.NdjsonOf(CatalogScenario.Row("KEEP")),
            query: "?mode=upsert")).ExpectAsync(HttpStatusCode.OK), 1, 0, 0, 1, 0, 0, 0);
        await (await api.As(w.Key).ImportAsync(w.Id, CatalogScenario.NdjsonOf(CatalogScenario.Row("KEEP")), query: "?mode=merge"))
            .ExpectFieldErrorAsync("mode");
        Assert.Equal(3, (await api.StoredItemsAsync(w.Id)).Count);
    }

    [Fact]
    public async Task Concurrent_replace_imports_of_one_catalog_end_as_one_of_them_whole()
    {
        var w = await WholesalerAsync();
        string Body(string prefix) =>
            CatalogScenario.NdjsonOf(Enumerable.Range(0, 300).Select(i => (object)CatalogScenario.Row($"{prefix}-{i:D3}")).ToArray());
        var bodies = new[] { Body("A"), Body("B") };

        var responses = await Task.WhenAll(Enumerable.Range(0, 6)
            .Select(i => api.As(w.Key).ImportAsync(w.Id, bodies[i % 2], query: "?mode=replace")));

        foreach (var response in responses) await response.ExpectAsync(HttpStatusCode.OK);
        var skus = (await api.StoredItemsAsync(w.Id)).Select(i => i.Sku).ToList();
        Assert.Equal(300, skus.Count);
        Assert.True(skus.All(s => s.StartsWith("A-", StringComparison.Ordinal)) || skus.All(s => s.StartsWith("B-", StringComparison.Ordinal)),
            string.Join(",", skus.Take(5)));
    }

    [Fact]
    public async Task Warehouse_site_must_be_the_wholesalers_own()
    {
        var w = await WholesalerAsync();
        var other = await api.CreateCompanyAsync(roles: ["wholesaler"]);
        var foreignSite = await api.CreateSiteAsync(other.Id);
        var row = CatalogScenario.Row("W-1");
        row["warehouseSiteId"] = foreignSite;

        var summary = await (await api.As(w.Key).ImportAsync(w.Id, CatalogScenario.NdjsonOf(row))).ExpectAsync(HttpStatusCode.OK);

        AssertCounts(summary, 1, 0, 0, 0, 0, 1, 0);
        Assert.Equal([(1L, "warehouseSiteId")], Errors(summary));
    }

    [Fact]
    public async Task At_most_1000_errors_are_listed_while_rejected_is_exact()
    {
        var w = await WholesalerAsync();
        var body = new StringBuilder();
        for (var i = 0; i < 700; i++) body.Append("{\"sku\":\"S").Append(i).Append("\",\"price\":-1}\n"); // 6 errors each
        body.Append(CatalogScenario.NdjsonOf(CatalogScenario.Row("GOOD")));

        var summary = await (await api.As(w.Key).ImportAsync(w.Id, body.ToString())).ExpectAsync(HttpStatusCode.OK);

        AssertCounts(summary, 701, 1, 0, 0, 0, 700, 0);
        Assert.Equal(1000, summary["errors"]!.AsArray().Count);
    }

    [Fact]
    public async Task Wrong_type_too_large_and_foreign_catalogs_are_refused_before_anything_is_read()
    {
        var w = await WholesalerAsync();
        var body = CatalogScenario.NdjsonOf(CatalogScenario.Row("A"));
        await (await api.As(w.Key).ImportAsync(w.Id, body, "application/json"))
            .ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType, "request.unsupported_media_type");
        await (await api.As(w.Key).ImportAsync(w.Id, body, "text/csv; charset=latin1"))
            .ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType, "request.unsupported_media_type");

        var other = await WholesalerAsync();
        await (await api.As(other.Key).ImportAsync(w.Id, body)).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        var supplier = await api.CreateCompanyAsync();
        await (await api.As(supplier.Key).ImportAsync(w.Id, body)).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await api.As(w.Key).ImportAsync("not-an-id", body)).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await api.As(supplier.Key).ImportAsync(supplier.Id, body)).ExpectProblemAsync(HttpStatusCode.Forbidden, "company.role_required");
        await (await api.Anonymous().ImportAsync(w.Id, body)).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.unauthenticated");

        // An admin imports for any wholesaler.
        AssertCounts(await (await api.Admin().ImportAsync(w.Id, body)).ExpectAsync(HttpStatusCode.OK), 1, 1, 0, 0, 0, 0, 0);
    }

    [Fact]
    public async Task Partner_of_a_wholesaler_may_not_import()
    {
        var w = await api.CreateCompanyAsync(roles: ["supplier", "wholesaler"]);
        var partner = await api.CreatePartnerAsync();
        await api.GrantAsync(w, partner);
        await (await api.AsPartner(partner, w.Id).ImportAsync(w.Id, CatalogScenario.NdjsonOf(CatalogScenario.Row("A"))))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "partner.forbidden");
        Assert.Empty(await api.StoredItemsAsync(w.Id));
    }

    [Fact]
    public async Task Inactive_wholesaler_may_not_import()
    {
        var w = await WholesalerAsync();
        await (await api.Admin().PatchJsonAsync($"/api/v1/companies/{w.Id}", new { active = false })).ExpectAsync(HttpStatusCode.OK);
        await Task.Delay(1100); // the key cache keeps the company's state for up to a second
        await (await api.As(w.Key).ImportAsync(w.Id, CatalogScenario.NdjsonOf(CatalogScenario.Row("A"))))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "company.inactive");
    }

    [Fact]
    public async Task Idempotency_key_replays_the_stored_summary_and_refuses_another_body()
    {
        var w = await WholesalerAsync();
        var body = CatalogScenario.NdjsonOf(CatalogScenario.Row("I-1"), CatalogScenario.Row("I-2"));
        var first = await api.As(w.Key).ImportAsync(w.Id, body, idempotencyKey: "import-1");
        var firstBytes = await first.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        var mark = await api.ChangeMarkAsync();

        var again = await api.As(w.Key).ImportAsync(w.Id, body, idempotencyKey: "import-1");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(["true"], again.Headers.GetValues("Idempotent-Replayed"));
        Assert.Equal(firstBytes, await again.Content.ReadAsByteArrayAsync());
        Assert.Equal(first.Content.Headers.ContentType, again.Content.Headers.ContentType);
        AssertCounts(JsonNode.Parse(firstBytes)!, 2, 2, 0, 0, 0, 0, 0);

        await (await api.As(w.Key).ImportAsync(w.Id, CatalogScenario.NdjsonOf(CatalogScenario.Row("I-3")), idempotencyKey: "import-1"))
            .ExpectProblemAsync((HttpStatusCode)422, "idempotency.key_reused");
        Assert.Equal(["I-1", "I-2"], (await api.StoredItemsAsync(w.Id)).Select(i => i.Sku));
        Assert.Empty(await api.ChangesAfterAsync(mark, 1));
    }

    [Fact]
    public async Task A_stored_header_400_replays_for_the_same_body_only()
    {
        var w = await WholesalerAsync();
        const string bad = "sku,name\nA,B\n";
        var first = await (await api.As(w.Key).ImportAsync(w.Id, bad, "text/csv", idempotencyKey: "h-1"))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        var replay = await api.As(w.Key).ImportAsync(w.Id, bad, "text/csv", idempotencyKey: "h-1");
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        Assert.Equal(["true"], replay.Headers.GetValues("Idempotent-Replayed"));
        Assert.Equal(first.ToJsonString(), (await replay.JsonAsync()).ToJsonString());
        await (await api.As(w.Key).ImportAsync(w.Id, bad + "C,D\n", "text/csv", idempotencyKey: "h-1"))
            .ExpectProblemAsync((HttpStatusCode)422, "idempotency.key_reused");
    }
}

public sealed class ImportCatalogTestsOnSqlite(SqliteApi api) : ImportCatalogTests(api), IClassFixture<SqliteApi>;
public sealed class ImportCatalogTestsOnPostgres(PostgresApi api) : ImportCatalogTests(api), IClassFixture<PostgresApi>;
