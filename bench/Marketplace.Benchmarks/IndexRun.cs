using System.Diagnostics;
using Marketplace.Domain.Matching;

namespace Marketplace.Benchmarks;

/// Every index figure in one run, so that they compare as ratios on a noisy machine. The index is
/// timed first, while only the index is in memory; then the scalar loop's candidates are loaded,
/// the answers compared, and the scalar loop and the SQL query timed.
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

        var needs = new[] { ("cluster", data.ClusterNeed), ("any", data.AnyNeed) };
        var options = new MatchOptions();
        var indexP50 = new Dictionary<string, double>();
        foreach (var (label, need) in needs)
        {
            for (var i = 0; i < 200; i++) data.Index.Query(need, options, 20, null); // JIT and caches
            var times = new double[queries];
            var cpuTimes = new double[queries];
            var gcs = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
            for (var i = 0; i < queries; i++)
            {
                var c = ThreadCpu.Milliseconds();
                var t = Stopwatch.GetTimestamp();
                data.Index.Query(need, options, 20, null);
                times[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                cpuTimes[i] = ThreadCpu.Milliseconds() - c;
            }
            var gcAfter = (GC.CollectionCount(0) - gcs.Item1, GC.CollectionCount(1) - gcs.Item2, GC.CollectionCount(2) - gcs.Item3);
            Array.Sort(times);
            Array.Sort(cpuTimes);
            double P(double[] a, double q) => a[Math.Min(a.Length - 1, (int)(q * a.Length))];
            indexP50[label] = P(times, 0.50);
            Console.WriteLine($"scope {label}: index top-20 over {queries} queries: p50 {P(times, 0.50):F4} ms, p99 {P(times, 0.99):F4} ms, " +
                              $"mean {times.Average():F4} ms, max {times[^1]:F3} ms; {P(times, 0.50) * 1e6 / data.GroupCount:F2} ns per group candidate " +
                              $"(p50 / {data.GroupCount:N0}); GCs during the loop (gen0, gen1, gen2): {gcAfter}");
            Console.WriteLine($"scope {label}: the same queries in this thread's CPU time (preemption excluded): p50 {P(cpuTimes, 0.50):F4} ms, " +
                              $"p99 {P(cpuTimes, 0.99):F4} ms, max {cpuTimes[^1]:F3} ms");
        }

        await data.LoadGroupCandidatesAsync();
        foreach (var (label, need) in needs)
        {
            // The answers must agree.
            var indexTop = data.Index.Query(need, options, 20, null).Items;
            var scalarTop = data.Scalar(need);
            var same = indexTop.Count == scalarTop.Count && indexTop.Zip(scalarTop).All(p => p.First == p.Second);
            var sqlTop = await data.SqlAsync(need);
            var sqlSame = sqlTop.Select(r => (r.CompanyId, r.CapabilityId)).SequenceEqual(indexTop.Select(m => (m.CompanyId, m.CapabilityId!.Value)));

            var scalar = Median(10, () => data.Scalar(need));
            var sql = new List<double>();
            for (var i = 0; i < 5; i++)
            {
                var t = Stopwatch.GetTimestamp();
                await data.SqlAsync(need);
                sql.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
            sql.Sort();
            var sqlMedian = sql[sql.Count / 2];
            Console.WriteLine($"scope {label}: scalar MatchFormula.Rank over the group: median {scalar:F2} ms of 10 -> index (p50) {scalar / indexP50[label]:F0}x faster; " +
                              $"same top 20, bit for bit: {(same ? "yes" : "NO")}");
            Console.WriteLine($"scope {label}: one SQL query on PostgreSQL: median {sqlMedian:F1} ms of 5 -> index (p50) {sqlMedian / indexP50[label]:F0}x faster; " +
                              $"same companies and capabilities: {(sqlSame ? "yes" : "NO")}");
        }
    }

    private static double Median(int runs, Action action)
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
/// This thread's CPU time (Linux clock_gettime(CLOCK_THREAD_CPUTIME_ID)): on a shared machine the
/// wall-clock tail of a 60 us query is mostly time spent waiting for a core.
internal static partial class ThreadCpu
{
    private const int ClockThreadCpuTimeId = 3;

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    public static double Milliseconds() =>
        ClockGetTime(ClockThreadCpuTimeId, out var t) == 0 ? t.Seconds * 1e3 + t.Nanoseconds / 1e6 : double.NaN;
}
