using System.Diagnostics;
using Marketplace.Domain.Matching;
using Marketplace.Infrastructure.Matching;

namespace Marketplace.Benchmarks;

/// Every index figure in one run, so that they compare as ratios on a noisy machine.
internal static class IndexRun
{
    public static async Task RunAsync(string connection, int queries)
    {
        Console.WriteLine($"Loading the index from PostgreSQL ({Environment.ProcessorCount} cores, .NET {Environment.Version})...");
        var data = await BenchData.LoadAsync(connection);
        var count = data.Index.Count;
        Console.WriteLine($"load: {count:N0} candidates in {data.LoadTime.TotalSeconds:F2} s; index memory {data.IndexBytes / 1e6:F1} MB = " +
                          $"{(double)data.IndexBytes / count:F1} bytes per capability (GC.GetTotalMemory before/after, full collection)");
        Console.WriteLine($"load phases: {data.Index.LastLoad}; the index's own estimate of its arrays: {data.Index.EstimatedBytes / 1e6:F1} MB");
        Console.WriteLine($"group {data.Group}: {data.GroupCount:N0} candidates; need {data.ClusterNeed.CategoryCode} at ({data.ClusterNeed.DeliveryLat}, " +
                          $"{data.ClusterNeed.DeliveryLon}) in {data.ClusterName}");
        if (queries == 0)
        {
            // A pause to take a heap dump of the loaded index (dotnet-gcdump collect -p <pid>).
            if (Environment.GetEnvironmentVariable("BENCH_PAUSE_MS") is { } pause) await Task.Delay(int.Parse(pause, System.Globalization.CultureInfo.InvariantCulture));
            GC.KeepAlive(data.Index);
            return;
        }
        await data.LoadGroupCandidatesAsync();

        foreach (var (label, need) in new[] { ("cluster", data.ClusterNeed), ("any", data.AnyNeed) })
        {
            var options = new MatchOptions();
            // The answers must agree before anything is timed.
            var indexTop = data.Index.Query(need, options, 20, null).Items;
            var scalarTop = data.Scalar(need);
            var same = indexTop.Count == scalarTop.Count && indexTop.Zip(scalarTop).All(p => p.First == p.Second);
            var sqlTop = await data.SqlAsync(need);
            var sqlSame = sqlTop.Select(r => (r.CompanyId, r.CapabilityId)).SequenceEqual(indexTop.Select(m => (m.CompanyId, m.CapabilityId!.Value)));

            for (var i = 0; i < 200; i++) data.Index.Query(need, options, 20, null); // JIT and caches
            var times = new double[queries];
            for (var i = 0; i < queries; i++)
            {
                var t = Stopwatch.GetTimestamp();
                data.Index.Query(need, options, 20, null);
                times[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            }
            Array.Sort(times);
            double P(double q) => times[Math.Min(times.Length - 1, (int)(q * times.Length))];
            var mean = times.Average();

            var scalar = Measure(10, () => data.Scalar(need));
            var sql = new List<double>();
            for (var i = 0; i < 5; i++)
            {
                var t = Stopwatch.GetTimestamp();
                await data.SqlAsync(need);
                sql.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
            sql.Sort();
            var sqlMedian = sql[sql.Count / 2];
            Console.WriteLine($"scope {label}: index top-20 over {queries} queries: p50 {P(0.50):F4} ms, p99 {P(0.99):F4} ms, mean {mean:F4} ms, " +
                              $"max {times[^1]:F3} ms; {P(0.50) * 1e6 / data.GroupCount:F2} ns per group candidate (p50 / {data.GroupCount:N0})");
            Console.WriteLine($"scope {label}: scalar MatchFormula.Rank over the group: median {scalar:F2} ms -> index {scalar / P(0.50):F0}x faster; " +
                              $"same top 20, bit for bit: {(same ? "yes" : "NO")}");
            Console.WriteLine($"scope {label}: one SQL query on PostgreSQL: median {sqlMedian:F1} ms of 5 -> index {sqlMedian / P(0.50):F0}x faster; " +
                              $"same companies and capabilities: {(sqlSame ? "yes" : "NO")}");
        }
    }

    private static double Measure(int runs, Action action)
    {
        action();
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var t = Stopwatch.GetTimestamp();
            action();
            times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }
}
