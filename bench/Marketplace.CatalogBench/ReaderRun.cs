using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Marketplace.Infrastructure.Catalog;
using Marketplace.Infrastructure.Reference;

// Throughput of CatalogReader alone, from an in-memory body (no network, no database):
//   dotnet run -c Release --project bench/Marketplace.CatalogBench [reader] [rows] [ndjson|csv]
internal static class ReaderRun
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rows = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        var format = args.Length > 1 && args[1] == "csv" ? CatalogFormat.Csv : CatalogFormat.Ndjson;
        var reference = ReferenceDataLoader.Load();

        var body = new MemoryStream();
        if (format == CatalogFormat.Csv)
        {
            body.Write("sku,name,categoryCode,unit,price,currency,stock,originCountry,gtin,originRegionCode,localShare,warehouseSiteId\n"u8);
        }

        for (long i = 0; i < rows; i++)
        {
            var line = format == CatalogFormat.Csv
                ? string.Create(CultureInfo.InvariantCulture,
                    $"SKU-{i:D8},\"Болт оцинкованный М8x{i % 120}, DIN 933\",25.94.11.{110 + i % 3 * 10},pce,{i % 10_000 / 100m},RUB,{i % 5000},RU,{4_600_000_000_000 + i},RU-KLU,0.{i % 100:D2},\n")
                : string.Create(CultureInfo.InvariantCulture,
                    $$"""{"sku":"SKU-{{i:D8}}","name":"Болт оцинкованный М8x{{i % 120}} DIN 933","categoryCode":"25.94.11.{{110 + i % 3 * 10}}","unit":"pce","price":{{i % 10_000 / 100m}},"currency":"RUB","stock":{{i % 5000}},"originCountry":"RU","gtin":"{{4_600_000_000_000 + i}}","originRegionCode":"RU-KLU","localShare":0.{{i % 100:D2}},"warehouseSiteId":null}""") + "\n";
            body.Write(Encoding.UTF8.GetBytes(line));
        }

        var bytes = body.ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{format}: {rows:N0} rows, {bytes.Length / 1048576.0:F0} MB"));

        var sha = Stopwatch.StartNew();
        SHA256.HashData(bytes);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  SHA-256 alone: {bytes.Length / 1048576.0 / sha.Elapsed.TotalSeconds:F0} MB/s"));

        for (var run = 0; run < 3; run++)
        {
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var clock = Stopwatch.StartNew();
            long valid = 0;
            await using (var reader = new CatalogReader(new MemoryStream(bytes, writable: false), format, reference))
            {
                await foreach (var record in reader.ReadAsync())
                {
                    if (record.IsValid)
                    {
                        valid++;
                    }
                }
            }

            var s = clock.Elapsed.TotalSeconds;
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            // CPU time too: on a shared machine the wall clock mostly measures the neighbours.
            var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  run {run + 1}: {valid:N0} valid in {s:F2} s wall = {rows / s:N0} rows/s, {bytes.Length / 1048576.0 / s:F0} MB/s; " +
                $"{cpu:F2} s CPU = {rows / cpu:N0} rows per CPU-second; {(double)allocated / rows:F0} bytes allocated per row"));
        }
        return 0;
    }
}
