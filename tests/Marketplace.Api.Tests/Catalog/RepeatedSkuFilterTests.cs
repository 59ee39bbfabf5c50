using Marketplace.Infrastructure.Catalog;

namespace Marketplace.Api.Tests.Catalog;

/// The PostgreSQL merge de-duplicates only the candidates of RepeatedSkuFilter, so a repeated sku
/// must always be one (no false negatives), and single skus rarely. A million strings: kept out of
/// the way of the tests that measure the process's heap.
[Collection(nameof(CatalogMemory))]
public sealed class RepeatedSkuFilterTests
{
    [Fact]
    public void Every_repeated_sku_is_a_candidate_and_few_single_ones_are()
    {
        var filter = new RepeatedSkuFilter();
        for (var i = 0; i < 1_000_000; i++) filter.Add($"SKU-{i:D7}");
        for (var i = 0; i < 1_000_000; i += 997) filter.Add($"SKU-{i:D7}");

        var candidates = filter.Candidates!;
        for (var i = 0; i < 1_000_000; i += 997) Assert.Contains($"SKU-{i:D7}", candidates);
        Assert.InRange(candidates.Count, 1_004, 1_004 + 5_000);
    }

    [Fact]
    public void No_repeat_gives_an_empty_list_and_too_many_candidates_give_none()
    {
        var filter = new RepeatedSkuFilter();
        foreach (var sku in new[] { "A", "B", "C" }) filter.Add(sku);
        Assert.Empty(filter.Candidates!);

        for (var i = 0; i <= RepeatedSkuFilter.MaxCandidates; i++)
        {
            filter.Add($"R-{i}");
            filter.Add($"R-{i}");
        }
        Assert.Null(filter.Candidates);
    }
}
