using System.Diagnostics;
using System.Globalization;
using Marketplace.Infrastructure.Catalog;
using Xunit.Abstractions;
using static Marketplace.Api.Tests.Catalog.CatalogBodies;

namespace Marketplace.Api.Tests.Catalog;

// GC.GetTotalMemory is process-wide: nothing else may run beside this measurement.
[CollectionDefinition(nameof(CatalogMemory), DisableParallelization = true)]
public sealed class CatalogMemory;

/// issue 6: "memory flat whatever the size". A million generated rows stream through the reader
/// from a stream that never holds more than one row, while the live managed heap is sampled.
[Collection(nameof(CatalogMemory))]
public sealed class CatalogReaderMemoryTests(ITestOutputHelper output)
{
    private const int Rows = 1_000_000;
    private const long MaxGrowthBytes = 50L * 1024 * 1024;

    [Fact]
    public async Task A_million_ndjson_rows_stream_in_bounded_memory()
    {
        var stream = new GeneratedStream(Rows, Row);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        long peak = 0, valid = 0, rejected = 0, lastLine = 0;
        var clock = new Stopwatch();
        var cpu = TimeSpan.Zero;
        var cpuStart = Process.GetCurrentProcess().TotalProcessorTime;

        await using (var reader = new CatalogReader(stream, CatalogFormat.Ndjson, Reference))
        {
            clock.Start();
            await foreach (var record in reader.ReadAsync())
            {
                if (record.IsValid)
                {
                    valid++;
                }
                else
                {
                    rejected++;
                    Assert.Equal("price", record.Errors[0].Field);
                }

                lastLine = record.Line;
                if (lastLine % 100_000 == 0)
                {
                    // Sampled with the reader mid-body; the clock does not count the forced collections.
                    clock.Stop();
                    cpu += Process.GetCurrentProcess().TotalProcessorTime - cpuStart;
                    peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - before);
                    cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
                    clock.Start();
                }
            }

            clock.Stop();
            cpu += Process.GetCurrentProcess().TotalProcessorTime - cpuStart;
            Assert.Equal(stream.BytesProduced, reader.BytesRead);
            Assert.Equal(32, reader.BodySha256.Length);
        }

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var seconds = clock.Elapsed.TotalSeconds;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Rows:N0} rows, {stream.BytesProduced / 1048576.0:F0} MB in {seconds:F2} s: {Rows / seconds:N0} rows/s, " +
            $"{stream.BytesProduced / 1048576.0 / seconds:F0} MB/s wall ({Rows / cpu.TotalSeconds:N0} rows per CPU-second, generator included); live heap growth at most {peak / 1048576.0:F1} MB; " +
            $"{allocated / (double)Rows:F0} bytes allocated per row"));

        Assert.Equal(Rows, lastLine);
        Assert.Equal(Rows - (Rows / 100_000), valid);
        Assert.Equal(Rows / 100_000, rejected);
        Assert.True(peak < MaxGrowthBytes, $"live heap grew by {peak / 1048576.0:F1} MB");
    }

    // Realistic rows (~230 bytes), every optional field given; every 100,000th row has a bad price.
    private static string Row(long i) => string.Create(CultureInfo.InvariantCulture,
        $$"""{"sku":"SKU-{{i:D8}}","name":"Болт оцинкованный М8x{{i % 120}} DIN 933","categoryCode":"25.94.11.{{110 + i % 3 * 10}}","unit":"pce","price":{{(i % 100_000 == 99_999 ? -1 : i % 10_000 / 100m)}},"currency":"RUB","stock":{{i % 5000}},"originCountry":"RU","gtin":"{{4_600_000_000_000 + i}}","originRegionCode":"RU-KLU","localShare":0.{{i % 100:D2}},"warehouseSiteId":null}""") + "\n";
}
