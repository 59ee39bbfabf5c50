using System.Globalization;
using BenchmarkDotNet.Running;
using Marketplace.Benchmarks;

// Benchmarks of the matching index on the 1,000,000-capability data set (docs/benchmarks.md):
//   dotnet run -c Release --project bench/Marketplace.Benchmarks -- index --connection "<postgres>" [--queries 3000]
//       load time and memory, top-20 p50/p99 for a scope-cluster and a scope-any need on the largest
//       group, the scalar loop (MatchFormula.Rank) and one SQL query on the same group, in one run;
//   ... -- bdn --connection "<postgres>" [BenchmarkDotNet arguments]
//       the same index query against the scalar loop under BenchmarkDotNet (percentile columns);
//   ... -- probe --connection "<postgres>"
//       the raw read of the two big queries with no processing (the load's floor);
//   ... -- freshness --a http://127.0.0.1:5101 --b http://127.0.0.1:5102 --admin-key <key> [--rounds 20]
//       two API processes on one PostgreSQL (bench/freshness.sh starts them): a capability written
//       through A, polled through B's matches.

if (args.Length == 0)
{
    Console.Error.WriteLine("Usage: Marketplace.Benchmarks index|bdn|freshness [options]; see Program.cs.");
    return 2;
}
var options = Options.Parse(args.Skip(1).ToArray());
switch (args[0])
{
    case "index":
        await IndexRun.RunAsync(options.Required("--connection"), options.Int("--queries", 3000));
        return 0;
    case "probe":
        await Probe.RunAsync(options.Required("--connection"));
        return 0;
    case "bdn":
        Environment.SetEnvironmentVariable(IndexBenchmarks.ConnectionVariable, options.Required("--connection"));
        BenchmarkSwitcher.FromTypes([typeof(IndexBenchmarks)]).Run(options.Rest.ToArray(), IndexBenchmarks.Config());
        return 0;
    case "freshness":
        await FreshnessRun.RunAsync(new Uri(options.Required("--a")), new Uri(options.Required("--b")), options.Required("--admin-key"),
            options.Int("--rounds", 20));
        return 0;
    default:
        Console.Error.WriteLine($"Unknown mode '{args[0]}'.");
        return 2;
}

namespace Marketplace.Benchmarks
{
    internal sealed class Options
    {
        private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

        public List<string> Rest { get; } = [];

        public static Options Parse(string[] args)
        {
            var o = new Options();
            for (var i = 0; i < args.Length; i++)
            {
                if (args[i] is "--connection" or "--queries" or "--a" or "--b" or "--admin-key" or "--rounds" && i + 1 < args.Length)
                    o._values[args[i]] = args[++i];
                else o.Rest.Add(args[i]);
            }
            return o;
        }

        public string Required(string name) =>
            _values.TryGetValue(name, out var v) ? v : throw new ArgumentException($"{name} is required.");

        public int Int(string name, int fallback) =>
            _values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
    }
}
