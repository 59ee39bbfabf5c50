using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Marketplace.Domain.Matching;

namespace Marketplace.Benchmarks;

/// The index's top-20 query against the scalar loop over the same group, under BenchmarkDotNet
/// (in process: the 1M index loads once per benchmark case).
[MemoryDiagnoser]
public class IndexBenchmarks
{
    public const string ConnectionVariable = "MARKETPLACE_BENCH_CONNECTION";

    private BenchData _data = null!;
    private MatchNeed _need = null!;

    [Params("cluster", "any")]
    public string Scope { get; set; } = "cluster";

    public static IConfig Config() => ManualConfig.CreateMinimumViable()
        .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
        .AddColumn(StatisticColumn.P50, StatisticColumn.P95, StatisticColumn.Max);

    [GlobalSetup]
    public void Setup()
    {
        _data = BenchData.LoadAsync(Environment.GetEnvironmentVariable(ConnectionVariable)!).GetAwaiter().GetResult();
        _data.LoadGroupCandidatesAsync().GetAwaiter().GetResult();
        _need = Scope == "cluster" ? _data.ClusterNeed : _data.AnyNeed;
    }

    [Benchmark(Baseline = true)]
    public int ScalarRank() => _data.Scalar(_need).Count;

    [Benchmark]
    public int IndexQuery() => _data.Index.Query(_need, new MatchOptions(), 20, null).Items.Count;
}
