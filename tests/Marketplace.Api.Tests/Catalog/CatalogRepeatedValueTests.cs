using System.Globalization;
using System.Text;
using Marketplace.Infrastructure.Catalog;
using static Marketplace.Api.Tests.Catalog.CatalogBodies;

namespace Marketplace.Api.Tests.Catalog;

/// Values that repeat from row to row (units, currencies, countries, regions, category codes,
/// site ids) are checked once per reader and remembered by their bytes: every row must still get
/// the item or the error it would get alone, whatever came before it.
public sealed class CatalogRepeatedValueTests
{
    private const string Site = "0199a0e5-8c3b-7cc2-9a7e-0d2f6f4c1a10";

    [Fact]
    public async Task Ndjson_a_value_seen_before_gives_the_same_item_whatever_its_spelling()
    {
        var body = Lines(
            Json("A", $$""","currency":"EUR","originRegionCode":"RU-KLU","warehouseSiteId":"{{Site}}" """),
            Json("B", $$""","currency":"EUR","originRegionCode":"RU-KLU","warehouseSiteId":"{{Site}}" """),
            // The same values escaped: the same item as the plain spelling.
            Json("C", $$""","currency":"\u0045UR","originRegionCode":"RU\u002DKLU","warehouseSiteId":"{{Site.Replace("-", "\\u002d")}}" """)
                .Replace("\"pce\"", "\"p\\u0063e\"").Replace("\"RU\",", "\"R\\u0055\","),
            Json("D", ""","currency":"EUR","originRegionCode":"RU-KLU" """).Replace("\"pce\"", "\"PCE\""),
            Json("E", ""","currency":"EUR","originRegionCode":"RU-KLU" """).Replace("\"pce\"", "\"Pce\""));
        var records = await ReadAsync(body, CatalogFormat.Ndjson);

        var expected = new CatalogItem("A", "Bolt M8", "25.94.11", "PCE", 12.5m, "EUR", 10, "RU", null, "RU-KLU", null, Guid.Parse(Site));
        Assert.Equal(expected, records[0].Item);
        Assert.Equal(expected with { Sku = "B" }, records[1].Item);
        Assert.Equal(expected with { Sku = "C" }, records[2].Item);
        Assert.Equal(expected with { Sku = "D", WarehouseSiteId = null }, records[3].Item);
        Assert.Equal(expected with { Sku = "E", WarehouseSiteId = null }, records[4].Item);
    }

    [Fact]
    public async Task Ndjson_a_bad_value_repeated_is_rejected_every_time_with_the_same_error()
    {
        var bad = Json("X", ""","currency":"rub","originRegionCode":"RU-XXX","warehouseSiteId":"not-a-site" """)
            .Replace("\"pce\"", "\"шт\"").Replace("\"25.94.11\"", "\"25.9\"");
        var body = Lines(bad, Json("OK"), bad, bad.Replace("\"шт\"", "\"\\u0448\\u0442\""));
        var records = await ReadAsync(body, CatalogFormat.Ndjson);

        Assert.True(records[1].IsValid);
        foreach (var r in new[] { records[0], records[2], records[3] })
        {
            Assert.Equal("categoryCode|unit|currency|originRegionCode|warehouseSiteId", Fields(r));
            Assert.Equal(records[0].Errors, r.Errors);
        }
    }

    [Fact]
    public async Task Ndjson_empty_and_over_long_values_are_checked_every_time()
    {
        var longUnit = new string('p', 300);
        var body = Lines(
            Json("A").Replace("\"pce\"", "\"\""),
            Json("B").Replace("\"pce\"", $"\"{longUnit}\""),
            Json("C").Replace("\"pce\"", $"\"{longUnit}\""),
            Json("D"),
            Json("E").Replace("\"pce\"", "\"\""));
        var records = await ReadAsync(body, CatalogFormat.Ndjson);

        Assert.Equal(["unit", "unit", "unit", "", "unit"], records.Select(Fields));
        Assert.All(records.Where(r => !r.IsValid), r => Assert.Contains("UN/ECE", r.Errors[0].Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ndjson_a_duplicate_of_a_repeated_field_keeps_its_own_error()
    {
        var body = Lines(Json("A"), Json("B", ",\"unit\":\"KGM\""), Json("C"));
        var records = await ReadAsync(body, CatalogFormat.Ndjson);

        Assert.Equal("PCE", records[0].Item!.Unit);
        Assert.Equal("unit", Fields(records[1]));
        Assert.Contains("more than once", records[1].Errors[0].Message, StringComparison.Ordinal);
        Assert.Equal("PCE", records[2].Item!.Unit);
    }

    [Fact]
    public async Task Ndjson_a_repeated_field_of_the_wrong_json_type_is_rejected_after_good_ones()
    {
        var body = Lines(Json("A"), Json("B").Replace("\"RU\"", "7"), Json("C").Replace("\"RU\"", "null"), Json("D"));
        var records = await ReadAsync(body, CatalogFormat.Ndjson);

        Assert.Equal(["", "originCountry", "originCountry", ""], records.Select(Fields));
        Assert.Contains("JSON string", records[1].Errors[0].Message, StringComparison.Ordinal);
        Assert.EndsWith("is required.", records[2].Errors[0].Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CatalogFormat.Ndjson)]
    [InlineData(CatalogFormat.Csv)]
    public async Task More_distinct_values_than_are_remembered_are_all_still_checked(CatalogFormat format)
    {
        // Well past any bound on remembered values: distinct category codes and site ids, every
        // third code bad; then the first rows again, whose values may no longer be remembered.
        const int distinct = 10_000;
        var rows = Enumerable.Range(0, distinct).Concat(Enumerable.Range(0, 100)).ToArray();
        var header = $"{CsvHeader},warehouseSiteId";
        var lines = rows.Select((i, n) => format == CatalogFormat.Csv
                ? $"S{n},Bolt,{Code(i)},pce,1,2,RU,{SiteOf(i)}"
                : Json($"S{n}", $",\"warehouseSiteId\":\"{SiteOf(i)}\"").Replace("\"25.94.11\"", $"\"{Code(i)}\""))
            .ToArray();
        var records = await ReadAsync(format == CatalogFormat.Csv ? Lines([header, .. lines]) : Lines(lines), format);

        Assert.Equal(rows.Length, records.Count);
        for (var n = 0; n < rows.Length; n++)
        {
            var i = rows[n];
            if (i % 3 == 0)
            {
                Assert.Equal("categoryCode", Fields(records[n]));
            }
            else
            {
                Assert.Equal((Code(i), Guid.Parse(SiteOf(i))), (records[n].Item!.CategoryCode, records[n].Item!.WarehouseSiteId));
            }
        }

        static string Code(int i) => string.Create(CultureInfo.InvariantCulture, $"25.{i / 100:D2}.{i % 100:D2}") + (i % 3 == 0 ? ".x" : "");

        static string SiteOf(int i) => string.Create(CultureInfo.InvariantCulture, $"0199a0e5-8c3b-7cc2-9a7e-{i:D12}");
    }

    [Fact]
    public async Task Csv_repeated_values_quoted_or_not_give_the_same_item()
    {
        var body = Lines(
            "sku,name,categoryCode,unit,price,currency,stock,originCountry,originRegionCode,warehouseSiteId",
            $"A,Bolt,25.94.11,pce,1.5,EUR,3,RU,RU-KLU,{Site}",
            $"B,Bolt,\"25.94.11\",\"pce\",\"1.5\",\"EUR\",\"3\",\"RU\",\"RU-KLU\",\"{Site}\"",
            $"C,Bolt,25.94.11,PCE,1.5,EUR,3,RU,RU-KLU,{Site}");
        var records = await ReadAsync(body, CatalogFormat.Csv);

        var expected = new CatalogItem("A", "Bolt", "25.94.11", "PCE", 1.5m, "EUR", 3, "RU", null, "RU-KLU", null, Guid.Parse(Site));
        Assert.Equal(expected, records[0].Item);
        Assert.Equal(expected with { Sku = "B" }, records[1].Item);
        Assert.Equal(expected with { Sku = "C" }, records[2].Item);
    }

    [Fact]
    public async Task Csv_quoted_values_with_doubled_quotes_are_checked_as_their_text()
    {
        var body = Lines(
            "sku,name,categoryCode,unit,price,currency,stock,originCountry",
            "A,Bolt,25.94.11,PCE,1,RUB,1,RU",
            "B,Bolt,25.94.11,\"P\"\"CE\",\"1\"\"5\",\"R\"\"UB\",\"1\"\"\",\"RU\"",
            "C,Bolt,25.94.11,PCE,1,RUB,1,RU");
        var records = await ReadAsync(body, CatalogFormat.Csv);

        Assert.Equal(["", "price|stock|unit|currency", ""], records.Select(Fields));
    }

    [Theory]
    [InlineData("+1.5", "1", "0.5", "1.5", 1L, "0.5")]
    [InlineData("0012.500", "+07", ".25", "12.5", 7L, "0.25")]
    [InlineData("-0", "-0", "1.", "0", 0L, "1")]
    [InlineData("79228162514264337593543950335", "9223372036854775807", "0.0000000000000000000000000001", "79228162514264337593543950335",
        long.MaxValue, "0.0000000000000000000000000001")]
    public async Task Csv_numbers_that_are_read(string price, string stock, string share, string expectedPrice, long expectedStock,
        string expectedShare)
    {
        var body = Lines($"{CsvHeader},localShare", $"A,Bolt,25.94.11,PCE,{price},{stock},RU,{share}");
        var item = Assert.Single(await ReadAsync(body, CatalogFormat.Csv)).Item!;
        Assert.Equal((decimal.Parse(expectedPrice, CultureInfo.InvariantCulture), expectedStock, decimal.Parse(expectedShare, CultureInfo.InvariantCulture)),
            (item.Price, item.Stock, item.LocalShare));
    }

    [Theory]
    [InlineData(" 1", "1", "0", "price")]
    [InlineData("1 ", "1", "0", "price")]
    [InlineData("1,5", "1", "0", "(row)")]
    [InlineData("\"1,5\"", "1", "0", "price")]
    [InlineData("1", "1.0", "0", "stock")]
    [InlineData("1", "9223372036854775808", "0", "stock")]
    [InlineData("1", "١", "0", "stock")]
    [InlineData("1", "1", "٠", "localShare")]
    [InlineData("1", "1", "0.5e1", "localShare")]
    [InlineData("79228162514264337593543950336", "1", "0", "price")]
    [InlineData("$1", "(1)", "1_0", "price|localShare|stock")]
    [InlineData("-1", "-1", "-0.5", "price|stock|localShare")]
    [InlineData("0x10", "1", "Infinity", "price|localShare")]
    public async Task Csv_numbers_that_are_rejected(string price, string stock, string share, string fields)
    {
        var body = Lines($"{CsvHeader},localShare", $"A,Bolt,25.94.11,PCE,{price},{stock},RU,{share}");
        Assert.Equal(fields, Fields(Assert.Single(await ReadAsync(body, CatalogFormat.Csv))));
    }

    [Fact]
    public async Task Csv_cell_bytes_that_only_look_alike_are_different_values()
    {
        // Cyrillic "РУ" is not "RU"; a NBSP after "PCE" is not "PCE".
        var body = Lines(
            CsvHeader,
            "A,Bolt,25.94.11,PCE,1,1,RU",
            "B,Bolt,25.94.11,PCE,1,1,РУ",
            "C,Bolt,25.94.11,PCE\u00a0,1,1,RU",
            "D,Bolt,25.94.11,PCE,1,1,RU");
        var records = await ReadAsync(Encoding.UTF8.GetBytes(body), CatalogFormat.Csv);

        Assert.Equal(["", "originCountry", "unit", ""], records.Select(Fields));
    }
}
