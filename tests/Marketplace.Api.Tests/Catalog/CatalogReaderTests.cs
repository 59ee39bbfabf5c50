using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using Marketplace.Infrastructure.Catalog;
using static Marketplace.Api.Tests.Catalog.CatalogBodies;

namespace Marketplace.Api.Tests.Catalog;

/// api.md "Catalogs": row rules, line numbering, NDJSON and CSV framing, the header, the
/// 64 KiB record limit and the body hash, without a database.
public sealed class CatalogReaderTests
{
    public static TheoryData<int> Chunks() => new(ChunkSizes);

    private static long[] LinesOf(IEnumerable<CatalogRecord> records) => records.Select(r => r.Line).ToArray();

    // ---- NDJSON ----

    [Fact]
    public async Task Ndjson_row_becomes_an_item_with_upper_cased_unit_and_default_currency()
    {
        var site = Guid.CreateVersion7();
        var body = Lines(
            Json("A-1"),
            Json("B-2", $$""","gtin":"4601234567890","originRegionCode":"RU-KLU","localShare":0.35,"warehouseSiteId":"{{site}}","currency":"EUR" """));
        var records = await ReadAsync(body, CatalogFormat.Ndjson);

        Assert.Equal(2, records.Count);
        var a = Assert.IsType<CatalogItem>(records[0].Item);
        Assert.Equal(new CatalogItem("A-1", "Bolt M8", "25.94.11", "PCE", 12.5m, "RUB", 10, "RU", null, null, null, null), a);
        var b = records[1].Item!;
        Assert.Equal(("4601234567890", "RU-KLU", 0.35m, site, "EUR"), (b.Gtin, b.OriginRegionCode, b.LocalShare, b.WarehouseSiteId, b.Currency));
        Assert.Equal([1L, 2L], LinesOf(records));
    }

    [Theory]
    [MemberData(nameof(Chunks))]
    public async Task Ndjson_good_and_bad_rows_keep_their_physical_lines_and_fields(int chunk)
    {
        var body = Lines(
            Json("OK-1"),                                                        // 1
            "",                                                                  // 2 blank
            Json("BAD-2").Replace("\"pce\"", "\"parsec\"").Replace("12.5", "-1"), // 3 unit and price
            Json("BAD-3", ",\"colour\":\"red\""),                              // 4 unknown property
            "{\"sku\":\"BAD-4\",",                                               // 5 bad JSON
            "   \t",                                                             // 6 blank (spaces)
            Json("OK-5"));                                                       // 7
        var records = await ReadAsync(body, CatalogFormat.Ndjson, chunk);

        Assert.Equal([1L, 3L, 4L, 5L, 7L], LinesOf(records));
        Assert.True(records[0].IsValid);
        Assert.Equal("unit|price", Fields(records[1]));
        Assert.Equal("colour", Fields(records[2]));
        Assert.Contains("colour", records[2].Errors[0].Message, StringComparison.Ordinal);
        Assert.Equal("(row)", Fields(records[3]));
        Assert.True(records[4].IsValid);
        Assert.Equal("BAD-2", records[1].Sku);
        Assert.Equal("BAD-3", records[2].Sku);
        // Read before the syntax error: replace mode then keeps that item rather than deleting it.
        Assert.Equal("BAD-4", records[3].Sku);
    }

    [Fact]
    public async Task Ndjson_wrong_json_types_reject_that_field_each()
    {
        var line = """{"sku":5,"name":"Bolt","categoryCode":"25.94.11","unit":["PCE"],"price":"12.5","stock":1.5,"originCountry":"RU","localShare":"0.5","gtin":4601234567890}""";
        var record = Assert.Single(await ReadAsync(line, CatalogFormat.Ndjson));
        Assert.Equal("sku|unit|price|stock|localShare|gtin", Fields(record));
        Assert.Null(record.Sku);
    }

    [Fact]
    public async Task Ndjson_missing_and_null_required_fields_are_each_required()
    {
        var record = Assert.Single(await ReadAsync("""{"sku":"A","name":null,"price":null}""", CatalogFormat.Ndjson));
        Assert.Equal("name|categoryCode|unit|originCountry|price|stock", Fields(record));
        Assert.All(record.Errors, e => Assert.EndsWith("is required.", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ndjson_null_optional_fields_are_null_and_null_currency_is_RUB()
    {
        var extra = ""","gtin":null,"originRegionCode":null,"localShare":null,"warehouseSiteId":null,"currency":null""";
        var item = Assert.Single(await ReadAsync(Json("A", extra), CatalogFormat.Ndjson)).Item!;
        Assert.Equal((null, null, null, null, "RUB"), (item.Gtin, item.OriginRegionCode, item.LocalShare, item.WarehouseSiteId, item.Currency));
    }

    [Theory]
    [InlineData(",\"originCountry\":\"CN\",\"originRegionCode\":\"RU-KLU\"", "originRegionCode")]
    [InlineData(",\"originRegionCode\":\"RU-XXX\"", "originRegionCode")]
    [InlineData(",\"originRegionCode\":\"ru-klu\"", "originRegionCode")]
    [InlineData(",\"localShare\":1.01", "localShare")]
    [InlineData(",\"localShare\":-0.01", "localShare")]
    [InlineData(",\"warehouseSiteId\":\"not-a-guid\"", "warehouseSiteId")]
    [InlineData(",\"currency\":\"XYZ\"", "currency")]
    [InlineData(",\"gtin\":\"123456789\"", "gtin")]
    [InlineData(",\"gtin\":\"46012345678a0\"", "gtin")]
    [InlineData(",\"gtin\":\"\"", "gtin")]
    [InlineData(",\"sku\":\"..\"", "sku")]
    [InlineData(",\"sku\":\"a/b\"", "sku")]
    [InlineData(",\"categoryCode\":\"25.9\"", "categoryCode")]
    [InlineData(",\"name\":\"  \"", "name")]
    [InlineData(",\"stock\":-1", "stock")]
    [InlineData(",\"stock\":1e3", "stock")]
    [InlineData(",\"price\":1e40", "price")]
    [InlineData(",\"originCountry\":\"RUS\"", "originCountry")]
    [InlineData(",\"unit\":\"\\uD800\"", "unit")] // a lone surrogate: valid JSON, but no text
    [InlineData(",\"name\":\"Bolt \\uDC00\"", "name")]
    [InlineData(",\"sku\":\"A\\uD800\"", "sku")]
    public async Task Ndjson_bad_value_names_the_field(string extra, string field)
    {
        // The later occurrence of a property is a duplicate, so build the line without the base value.
        var property = extra.Split('"')[1];
        var line = RemoveProperty(Json("A"), property)[..^1] + extra + "}";
        var record = Assert.Single(await ReadAsync(line, CatalogFormat.Ndjson));
        Assert.Equal(field, Fields(record));
    }

    [Fact]
    public async Task Ndjson_property_name_with_a_lone_surrogate_rejects_its_row_only()
    {
        var bad = Json("B")[..^1] + ",\"x\\uD800\":1}";
        var records = await ReadAsync(Json("A") + "\n" + bad + "\n" + Json("C"), CatalogFormat.Ndjson);

        Assert.Equal([true, false, true], records.Select(r => r.IsValid));
        Assert.Equal("(row)", Fields(records[1]));
        Assert.Contains("lone surrogate", records[1].Errors[0].Message);
    }

    [Theory]
    [InlineData("gtin", "\"12345678\"")]
    [InlineData("gtin", "\"123456789012\"")]
    [InlineData("gtin", "\"00012345678905\"")]
    [InlineData("localShare", "0")]
    [InlineData("localShare", "1")]
    [InlineData("price", "0")]
    [InlineData("stock", "0")]
    [InlineData("originRegionCode", "\"RU-MOW\"")]
    public async Task Ndjson_boundary_values_are_accepted(string property, string value)
    {
        var line = RemoveProperty(Json("A"), property)[..^1] + $",\"{property}\":{value}}}";
        Assert.True(Assert.Single(await ReadAsync(line, CatalogFormat.Ndjson)).IsValid);
    }

    [Fact]
    public async Task Ndjson_price_keeps_its_decimal_digits()
    {
        var line = RemoveProperty(Json("A"), "price")[..^1] + ",\"price\":0.1000000000000000055511151231257827}";
        Assert.Equal(0.1000000000000000055511151231m, Assert.Single(await ReadAsync(line, CatalogFormat.Ndjson)).Item!.Price);
    }

    [Fact]
    public async Task Ndjson_duplicate_property_rejects_that_field()
    {
        var record = Assert.Single(await ReadAsync(Json("A", ",\"sku\":\"B\""), CatalogFormat.Ndjson));
        Assert.Equal("sku", Fields(record));
    }

    [Fact]
    public async Task Ndjson_unknown_property_with_a_nested_value_rejects_only_that_property()
    {
        var record = Assert.Single(await ReadAsync(Json("A", ",\"meta\":{\"a\":[1,{\"b\":null}]},\"Sku\":\"x\""), CatalogFormat.Ndjson));
        Assert.Equal("meta|Sku", Fields(record));
        Assert.Equal("A", record.Sku);
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("\"text\"")]
    [InlineData("null")]
    [InlineData("{\"sku\":\"A\"} {\"sku\":\"B\"}")]
    [InlineData("{\"sku\":\"A\",}")]
    [InlineData("{'sku':'A'}")]
    [InlineData("{\"sku\":\"A\"} // comment")]
    public async Task Ndjson_line_that_is_not_one_json_object_is_a_whole_row_error(string line)
    {
        var record = Assert.Single(await ReadAsync(Lines(line), CatalogFormat.Ndjson));
        Assert.Equal("(row)", Fields(record));
    }

    [Fact]
    public async Task Ndjson_whole_row_error_replaces_field_errors()
    {
        // The price is bad too, but the line as a whole is not JSON: one entry, field null.
        var record = Assert.Single(await ReadAsync("{\"sku\":\"A\",\"price\":-1,\"name\" 1}", CatalogFormat.Ndjson));
        Assert.Equal("(row)", Fields(record));
    }

    [Fact]
    public async Task Ndjson_deeply_nested_json_is_a_whole_row_error()
    {
        var nested = new string('[', 100) + new string(']', 100);
        var record = Assert.Single(await ReadAsync(Json("A", $",\"x\":{nested}"), CatalogFormat.Ndjson));
        Assert.Equal("(row)", Fields(record));
    }

    [Fact]
    public async Task Invalid_utf8_is_a_whole_row_error_and_the_next_row_is_read()
    {
        var bytes = Encoding.UTF8.GetBytes(Lines(Json("A").Replace("Bolt", "B\u00e9lt"), Json("B")));
        var e = Array.IndexOf(bytes, (byte)0xC3);
        bytes[e] = 0xFF;
        var records = await ReadAsync(bytes, CatalogFormat.Ndjson);
        Assert.Equal("(row)", Fields(records[0]));
        Assert.True(records[1].IsValid);
    }

    [Fact]
    public async Task Non_ascii_text_is_kept()
    {
        var item = Assert.Single(await ReadAsync(Json("A").Replace("Bolt M8", "Болт М8 \u2014 \ud83d\udd29"), CatalogFormat.Ndjson)).Item!;
        Assert.Equal("Болт М8 \u2014 \ud83d\udd29", item.Name);
    }

    // ---- framing shared by both formats ----

    [Theory]
    [MemberData(nameof(Chunks))]
    public async Task Bom_crlf_blank_lines_and_a_missing_final_newline(int chunk)
    {
        var body = "\uFEFF" + Json("A") + "\r\n\r\n" + Json("B") + "\n\n\n" + Json("C") + "\r\n  \r\n" + Json("D");
        var records = await ReadAsync(body, CatalogFormat.Ndjson, chunk);
        Assert.Equal([1L, 3L, 6L, 8L], LinesOf(records));
        Assert.All(records, r => Assert.True(r.IsValid));
        Assert.Equal("A|B|C|D", string.Join("|", records.Select(r => r.Sku)));
    }

    [Fact]
    public async Task A_bom_only_at_the_start_is_ignored_elsewhere_it_is_data()
    {
        var records = await ReadAsync("\uFEFF" + Json("A") + "\n\uFEFF" + Json("B"), CatalogFormat.Ndjson);
        Assert.True(records[0].IsValid);
        Assert.Equal("(row)", Fields(records[1]));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\uFEFF")]
    [InlineData("\n\n\r\n")]
    [InlineData("\uFEFF\n")]
    public async Task Empty_or_blank_ndjson_body_has_no_records(string body) =>
        Assert.Empty(await ReadAsync(body, CatalogFormat.Ndjson));

    [Theory]
    [MemberData(nameof(Chunks))]
    public async Task Record_of_exactly_64_KiB_is_read_one_byte_more_is_rejected_whole(int chunk)
    {
        var exact = Pad(Json("EXACT"), CatalogReader.MaxRecordBytes);
        var over = Pad(Json("OVER"), CatalogReader.MaxRecordBytes + 1);
        var body = Lines(exact, over + "\r", Json("AFTER"), over);
        var records = await ReadAsync(body, CatalogFormat.Ndjson, chunk == 1 ? 4096 : chunk);

        Assert.Equal([1L, 2L, 3L, 4L], LinesOf(records));
        Assert.True(records[0].IsValid);
        Assert.Equal("(row)", Fields(records[1]));
        Assert.Contains("65536", records[1].Errors[0].Message, StringComparison.Ordinal);
        Assert.Null(records[1].Sku);
        Assert.True(records[2].IsValid);
        Assert.Equal("(row)", Fields(records[3]));
    }

    [Fact]
    public async Task Over_long_record_is_skipped_without_being_buffered()
    {
        // One 200 MB line, then a good row: the reader must stream through it, not hold it.
        const long size = 200L * 1024 * 1024;
        const int chunkLength = 64 * 1024;
        var filler = new string('x', chunkLength);
        var chunks = size / chunkLength;
        var stream = new GeneratedStream(chunks + 2, i => i == 0 ? "{\"sku\":\"" : i <= chunks ? filler : "\"}\n" + Json("NEXT") + "\n");
        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        await using var reader = new CatalogReader(stream, CatalogFormat.Ndjson, Reference);
        var records = new List<CatalogRecord>();
        await foreach (var r in reader.ReadAsync())
        {
            records.Add(r);
        }

        var after = GC.GetTotalMemory(forceFullCollection: false);
        Assert.Equal([1L, 2L], LinesOf(records));
        Assert.Equal("(row)", Fields(records[0]));
        Assert.True(records[1].IsValid);
        Assert.True(stream.BytesProduced > size);
        Assert.True(after - before < 32L * 1024 * 1024, $"memory grew by {(after - before) / 1048576.0:F1} MB");
    }

    // ---- CSV ----

    [Theory]
    [MemberData(nameof(Chunks))]
    public async Task Csv_rows_with_quotes_commas_and_newlines_keep_physical_lines(int chunk)
    {
        var body =
            "originCountry,stock,price,unit,categoryCode,name,sku,gtin,localShare\r\n" +                      // 1 header
            "RU,10,12.50,pce,25.94.11,\"Bolt, M8 \"\"zinc\"\"\",A-1,,\r\n" +                                  // 2
            "RU,5,1,KGM,25.94.11,\"Nails\nsecond line\r\nthird line\",A-2,4601234567890,0.5\n" +            // 3-5
            "\r\n" +                                                                                        // 6 blank
            "CN,1,2,PCE,25.94,\"\"\"quoted\"\"\",A-3,\"\",\"\"\n" +                                          // 7
            "RU,1,2,PCE,25.94,5\" screen,A-4,,\n" +                                                         // 8 literal quote
            "RU,x,2,PCE,25.94,Name,B-5,,2\n";                                                                // 9 bad stock and share
        var records = await ReadAsync(body, CatalogFormat.Csv, chunk);

        Assert.Equal([2L, 3L, 7L, 8L, 9L], LinesOf(records));
        Assert.Equal(new CatalogItem("A-1", "Bolt, M8 \"zinc\"", "25.94.11", "PCE", 12.50m, "RUB", 10, "RU", null, null, null, null),
            records[0].Item);
        Assert.Equal("Nails\nsecond line\r\nthird line", records[1].Item!.Name);
        Assert.Equal(("4601234567890", 0.5m), (records[1].Item!.Gtin, records[1].Item!.LocalShare));
        Assert.Equal(("\"quoted\"", (string?)null, (decimal?)null), (records[2].Item!.Name, records[2].Item!.Gtin, records[2].Item!.LocalShare));
        Assert.Equal("5\" screen", records[3].Item!.Name);
        Assert.Equal("stock|localShare", Fields(records[4]));
        Assert.Equal("B-5", records[4].Sku);
    }

    [Fact]
    public async Task Csv_optional_columns_may_be_given_and_empty_required_cells_are_required()
    {
        var body = Lines(
            "sku,name,categoryCode,unit,price,currency,stock,originCountry,gtin,originRegionCode,localShare,warehouseSiteId",
            "A,Bolt,25.94.11,PCE,1.5,USD,3,RU,12345678,RU-KLU,1,0199a0e5-8c3b-7cc2-9a7e-0d2f6f4c1a10",
            "B,,25.94.11,PCE,,,3,RU,,,,",
            "C,Bolt,25.94.11,PCE,\"12,5\",,3,RU,,,,",
            "D,Bolt,25.94.11,PCE,1e3,,+3,RU,,,,",
            "E,Bolt,25.94.11,PCE,-0.01,rub,-1,CN,,RU-KLU,,");
        var records = await ReadAsync(body, CatalogFormat.Csv);

        Assert.Equal(new CatalogItem("A", "Bolt", "25.94.11", "PCE", 1.5m, "USD", 3, "RU", "12345678", "RU-KLU", 1m,
            Guid.Parse("0199a0e5-8c3b-7cc2-9a7e-0d2f6f4c1a10")), records[0].Item);
        Assert.Equal("name|price", Fields(records[1]));
        Assert.Equal("price", Fields(records[2]));
        Assert.Equal("price", Fields(records[3]));
        Assert.Equal("currency|originRegionCode|price|stock", Fields(records[4]));
    }

    [Theory]
    [MemberData(nameof(Chunks))]
    public async Task Csv_wrong_cell_count_and_text_after_a_closing_quote_are_whole_row_errors(int chunk)
    {
        var body = Lines(
            CsvHeader,
            "A,Bolt,25.94.11,PCE,1,3",
            "B,Bolt,25.94.11,PCE,1,3,RU,extra",
            "\"C\"x,Bolt,25.94.11,PCE,1,3,RU",
            "D,Bolt,25.94.11,PCE,1,3,RU");
        var records = await ReadAsync(body, CatalogFormat.Csv, chunk);

        Assert.Equal([2L, 3L, 4L, 5L], LinesOf(records));
        Assert.Equal("(row)", Fields(records[0]));
        Assert.Contains("Expected 7 cells", records[0].Errors[0].Message, StringComparison.Ordinal);
        Assert.Equal("(row)", Fields(records[1]));
        Assert.Equal("A|B", string.Join("|", records.Take(2).Select(r => r.Sku)));
        Assert.Equal("(row)", Fields(records[2]));
        Assert.True(records[3].IsValid);
    }

    [Theory]
    [MemberData(nameof(Chunks))]
    public async Task Csv_unterminated_quote_rejects_the_record_from_its_start_line(int chunk)
    {
        var body = Lines(
            CsvHeader,
            "A,Bolt,25.94.11,PCE,1,3,RU",
            "B,\"Bolt,25.94.11,PCE,1,3,RU",
            "C,Bolt,25.94.11,PCE,1,3,RU");
        var records = await ReadAsync(body, CatalogFormat.Csv, chunk);

        Assert.Equal([2L, 3L], LinesOf(records));
        Assert.True(records[0].IsValid);
        Assert.Equal("(row)", Fields(records[1]));
        Assert.Contains("never closed", records[1].Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_over_long_quoted_record_counts_its_inner_newlines()
    {
        // > 64 KiB with 4000 newlines: the record spans lines 2 to 4002.
        var inner = string.Concat(Enumerable.Repeat("line of text inside quotes\n", 4000));
        var body = CsvHeader + "\n" + $"A,\"{inner}\",25.94.11,PCE,1,3,RU\n" + "B,Bolt,25.94.11,PCE,1,3,RU\n";
        foreach (var chunk in new[] { 7, 4096, int.MaxValue })
        {
            var records = await ReadAsync(body, CatalogFormat.Csv, chunk);
            Assert.Equal([2L, 4003L], LinesOf(records));
            Assert.Equal("(row)", Fields(records[0]));
            Assert.True(records[1].IsValid);
        }
    }

    [Theory]
    [MemberData(nameof(Chunks))]
    public async Task Csv_bom_and_crlf_header(int chunk)
    {
        var body = "\uFEFF\"sku\",name,categoryCode,unit,price,stock,originCountry\r\nA,Bolt,25.94.11,PCE,1,3,RU\r\n";
        var record = Assert.Single(await ReadAsync(body, CatalogFormat.Csv, chunk));
        Assert.Equal((2L, true), (record.Line, record.IsValid));
    }

    [Theory]
    [InlineData("sku,name,categoryCode,unit,price,stock,originCountry,colour", new[] { "colour" })]
    [InlineData("sku,name,categoryCode,unit,price,stock", new[] { "originCountry" })]
    [InlineData("sku,name,unit,price,stock,originCountry,extra", new[] { "extra", "categoryCode" })]
    [InlineData("sku,name,categoryCode,unit,price,stock,originCountry,sku", new[] { "sku" })]
    [InlineData("SKU,name,categoryCode,unit,price,stock,originCountry", new[] { "SKU", "sku" })]
    [InlineData("sku,name,categoryCode,unit,price,stock,originCountry,", new[] { "" })]
    [InlineData(" sku,name,categoryCode,unit,price,stock,originCountry", new[] { " sku", "sku" })]
    public async Task Csv_header_with_unknown_or_missing_columns_fails_before_any_row(string header, string[] fields)
    {
        var body = Lines(header, "A,Bolt,25.94.11,PCE,1,3,RU");
        var e = await Assert.ThrowsAsync<CatalogHeaderException>(() => ReadAsync(body, CatalogFormat.Csv));
        Assert.Equal(string.Join("|", fields), Fields(e.Errors));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\uFEFF")]
    [InlineData("\n" + CsvHeader + "\n")]
    [InlineData("\"sku,name\n")]
    public async Task Csv_without_a_header_on_line_1_is_a_header_error(string body)
    {
        var e = await Assert.ThrowsAsync<CatalogHeaderException>(() => ReadAsync(body, CatalogFormat.Csv));
        Assert.Equal("(row)", Fields(e.Errors));
    }

    [Fact]
    public async Task Csv_header_error_comes_at_the_first_step_and_the_rest_can_still_be_hashed()
    {
        var bytes = Encoding.UTF8.GetBytes(Lines("sku,name,bogus", "A,B,C", "D,E,F"));
        await using var reader = new CatalogReader(new ChunkedStream(bytes, 5), CatalogFormat.Csv, Reference);
        await using var records = reader.ReadAsync().GetAsyncEnumerator();
        await Assert.ThrowsAsync<CatalogHeaderException>(async () => await records.MoveNextAsync());
        Assert.False(reader.IsBodyComplete);
        Assert.Throws<InvalidOperationException>(() => reader.BodySha256);
        Assert.Equal(SHA256.HashData(bytes), await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task Csv_header_only_body_has_no_records()
    {
        Assert.Empty(await ReadAsync(CsvHeader, CatalogFormat.Csv));
        Assert.Empty(await ReadAsync(CsvHeader + "\r\n\r\n", CatalogFormat.Csv));
    }

    // ---- hash, pipes, content types ----

    [Theory]
    [MemberData(nameof(Chunks))]
    public async Task Body_hash_is_the_sha256_of_the_raw_bytes_bom_included(int chunk)
    {
        var body = Encoding.UTF8.GetBytes("\uFEFF" + Lines(Json("A"), "", Json("B", ",\"x\":1"), Pad(Json("C"), 70_000)));
        await using var reader = new CatalogReader(new ChunkedStream(body, chunk), CatalogFormat.Ndjson, Reference);
        var count = 0;
        await foreach (var _ in reader.ReadAsync())
        {
            count++;
        }

        Assert.Equal(3, count);
        Assert.Equal(SHA256.HashData(body), reader.BodySha256);
        Assert.Equal(body.Length, reader.BytesRead);
        Assert.Equal(SHA256.HashData(body), await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task Abandoned_enumeration_can_be_drained_for_the_hash()
    {
        var body = Encoding.UTF8.GetBytes(Lines(Enumerable.Range(0, 1000).Select(i => Json($"S{i}")).ToArray()));
        await using var reader = new CatalogReader(new ChunkedStream(body, 1000), CatalogFormat.Ndjson, Reference);
        await foreach (var r in reader.ReadAsync())
        {
            if (r.Line == 10)
            {
                break;
            }
        }

        Assert.Equal(SHA256.HashData(body), await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task Reader_over_a_pipe_sees_records_written_in_pieces()
    {
        var pipe = new Pipe();
        var body = Encoding.UTF8.GetBytes("\uFEFF" + CsvHeader + "\r\n\"A\",\"Bolt\r\nM8\",25.94.11,PCE,1,3,RU\r\nB,Bolt,25.94.11,PCE,1,3,RU");
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < body.Length; i += 5)
            {
                await pipe.Writer.WriteAsync(body.AsMemory(i, Math.Min(5, body.Length - i)));
                await Task.Yield();
            }

            await pipe.Writer.CompleteAsync();
        });
        await using var reader = new CatalogReader(pipe.Reader, CatalogFormat.Csv, Reference);
        var records = new List<CatalogRecord>();
        await foreach (var r in reader.ReadAsync())
        {
            records.Add(r);
        }

        await writer;
        Assert.Equal([2L, 4L], LinesOf(records));
        Assert.Equal("Bolt\r\nM8", records[0].Item!.Name);
        Assert.Equal(SHA256.HashData(body), reader.BodySha256);
    }

    [Fact]
    public async Task A_body_is_read_once()
    {
        await using var reader = new CatalogReader(new MemoryStream(), CatalogFormat.Ndjson, Reference);
        await foreach (var _ in reader.ReadAsync())
        {
        }

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var _ in reader.ReadAsync())
            {
            }
        });
    }

    [Theory]
    [InlineData("application/x-ndjson", CatalogFormat.Ndjson)]
    [InlineData("application/x-ndjson; charset=utf-8", CatalogFormat.Ndjson)]
    [InlineData("Text/CSV", CatalogFormat.Csv)]
    [InlineData("text/csv; charset=\"UTF-8\"", CatalogFormat.Csv)]
    [InlineData("text/csv; header=present", CatalogFormat.Csv)]
    public void Supported_content_types(string contentType, CatalogFormat expected)
    {
        Assert.True(CatalogFormats.TryFromContentType(contentType, out var format));
        Assert.Equal(expected, format);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("application/json")]
    [InlineData("text/plain")]
    [InlineData("text/csv; charset=windows-1251")]
    [InlineData("application/ndjson-x")]
    public void Other_content_types_are_refused(string? contentType) =>
        Assert.False(CatalogFormats.TryFromContentType(contentType, out _));

    private static string RemoveProperty(string json, string property)
    {
        var start = json.IndexOf($"\"{property}\":", StringComparison.Ordinal);
        if (start < 0)
        {
            return json;
        }

        var end = json.IndexOfAny([',', '}'], json.IndexOf(':', start) + (json[json.IndexOf(':', start) + 1] == '"' ? 2 : 1));
        if (json[json.IndexOf(':', start) + 1] == '"')
        {
            end = json.IndexOf('"', json.IndexOf(':', start) + 2) + 1;
        }

        var cut = json.Remove(start, end - start);
        return cut.Replace(",,", ",", StringComparison.Ordinal).Replace("{,", "{", StringComparison.Ordinal).Replace(",}", "}", StringComparison.Ordinal);
    }

    /// Pads a JSON object with whitespace before its closing brace to exactly `length` bytes.
    private static string Pad(string json, int length)
    {
        var bytes = Encoding.UTF8.GetByteCount(json);
        return json[..^1] + new string(' ', length - bytes) + "}";
    }
}
