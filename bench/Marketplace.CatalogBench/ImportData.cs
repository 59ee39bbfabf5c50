using System.Diagnostics;
using System.Globalization;
using System.Text;
using Marketplace.Infrastructure.Catalog;
using Marketplace.Infrastructure.Reference;
using Marketplace.Infrastructure.Seeding;
using Npgsql;
using NpgsqlTypes;

// The data of the import benchmark (bench/load/catalog-import.sh): the generator's items
// (CatalogGenerator, default seed) for a wholesaler whose warehouse sites exist already.
//   ndjson --items N --sites id,id --out FILE [--changed-out FILE]
//     writes the NDJSON body; --changed-out also writes the same body with every tenth item's
//     stock raised by one (10% of the rows "updated" on a re-import).
//   copy --connection CS --items N --sites id,id [--repeat 3]
//     the floor: the same rows, built in memory first, written by one raw Npgsql binary COPY
//     (NpgsqlBinaryImporter, not the import's own encoder) into a plain table with catalog_items'
//     columns (no index), committed; times each run.
internal static class ImportData
{
    private const string Prefix = "BENCH";

    public static int WriteNdjson(string[] args)
    {
        var (items, sites) = (Int(args, "--items", 1_000_000), Sites(args));
        var output = Arg(args, "--out") ?? throw new ArgumentException("--out FILE is required.");
        var changedOutput = Arg(args, "--changed-out");
        var clock = Stopwatch.StartNew();
        using var body = Writer(output);
        using var changed = changedOutput is null ? null : Writer(changedOutput);
        var i = 0;
        foreach (var item in Generate(items, sites))
        {
            body.Write(CatalogGenerator.ToNdjson(item));
            body.Write('\n');
            if (changed is not null)
            {
                changed.Write(CatalogGenerator.ToNdjson(i % 10 == 0 ? item with { Stock = item.Stock + 1 } : item));
                changed.Write('\n');
            }

            i++;
        }

        body.Flush();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {items:N0} items ({body.BaseStream.Length / 1e6:F0} MB) to {output} in {clock.Elapsed.TotalSeconds:F1} s"));
        return 0;
    }

    public static async Task<int> CopyAsync(string[] args)
    {
        var (count, sites) = (Int(args, "--items", 1_000_000), Sites(args));
        var connectionString = Arg(args, "--connection") ?? throw new ArgumentException("--connection CS is required.");
        var items = Generate(count, sites).ToList();
        var wholesalerId = Guid.CreateVersion7();
        var now = DateTime.UtcNow;
        await using var source = NpgsqlDataSource.Create(connectionString);
        for (var run = 1; run <= Int(args, "--repeat", 3); run++)
        {
            await using var connection = await source.OpenConnectionAsync();
            await using (var drop = new NpgsqlCommand("DROP TABLE IF EXISTS catalog_copy_bench", connection))
            {
                await drop.ExecuteNonQueryAsync();
            }

            var clock = Stopwatch.StartNew();
            await using var tx = await connection.BeginTransactionAsync();
            await using (var create = new NpgsqlCommand(
                "CREATE TABLE catalog_copy_bench (LIKE catalog_items INCLUDING DEFAULTS)", connection, tx))
            {
                await create.ExecuteNonQueryAsync();
            }

            await using (var copy = await connection.BeginBinaryImportAsync(
                "COPY catalog_copy_bench (wholesaler_id, sku, name, category_code, unit, price, currency, stock, origin_country, gtin, "
                + "origin_region_code, local_share, warehouse_site_id, updated_at) FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var item in items)
                {
                    copy.StartRow();
                    copy.Write(wholesalerId, NpgsqlDbType.Uuid);
                    copy.Write(item.Sku, NpgsqlDbType.Text);
                    WriteItemColumns(copy, item);
                    copy.Write(now, NpgsqlDbType.TimestampTz);
                }

                await copy.CompleteAsync();
            }

            await tx.CommitAsync();
            var seconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"raw COPY run {run}: {count:N0} rows in {seconds:F2} s = {count / seconds:F0} rows/s"));
        }

        return 0;
    }

    // The item columns as the import wrote them before its own COPY encoder: the reference stays
    // Npgsql's NpgsqlBinaryImporter.
    private static void WriteItemColumns(NpgsqlBinaryImporter copy, CatalogItem item)
    {
        copy.Write(item.Name, NpgsqlDbType.Text);
        copy.Write(item.CategoryCode, NpgsqlDbType.Text);
        copy.Write(item.Unit, NpgsqlDbType.Text);
        copy.Write(item.Price, NpgsqlDbType.Numeric);
        copy.Write(item.Currency, NpgsqlDbType.Text);
        copy.Write(item.Stock, NpgsqlDbType.Bigint);
        copy.Write(item.OriginCountry, NpgsqlDbType.Text);
        WriteOrNull(copy, item.Gtin, NpgsqlDbType.Text);
        WriteOrNull(copy, item.OriginRegionCode, NpgsqlDbType.Text);
        if (item.LocalShare is { } share) copy.Write(share, NpgsqlDbType.Numeric);
        else copy.WriteNull();
        if (item.WarehouseSiteId is { } site) copy.Write(site, NpgsqlDbType.Uuid);
        else copy.WriteNull();
    }

    private static void WriteOrNull(NpgsqlBinaryImporter copy, string? value, NpgsqlDbType type)
    {
        if (value is null) copy.WriteNull();
        else copy.Write(value, type);
    }

    private static IEnumerable<CatalogItem> Generate(int count, IReadOnlyList<Guid> sites) =>
        new CatalogGenerator(ReferenceDataLoader.Load().Okpd2).Items(Prefix, count, sites);

    private static StreamWriter Writer(string path) =>
        new(path, false, new UTF8Encoding(false), 1 << 20) { NewLine = "\n" };

    private static string? Arg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static int Int(string[] args, string name, int fallback) =>
        Arg(args, name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    private static Guid[] Sites(string[] args) =>
        (Arg(args, "--sites") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Guid.Parse).ToArray();
}
