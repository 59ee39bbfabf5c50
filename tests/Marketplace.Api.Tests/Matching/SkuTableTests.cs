using Marketplace.Infrastructure.Matching;

namespace Marketplace.Api.Tests.Matching;

/// A catalog item's rank is its sku's position in ordinal order: rows that arrive in that order keep
/// their arrival number, others get the rank Build answers for it.
public sealed class SkuTableTests
{
    [Fact]
    public void Skus_in_order_keep_their_arrival_numbers()
    {
        var builder = new SkuTable.Builder();
        string[] skus = ["A-1", "B", "a-1", "a-10", "a-2", "z"];
        Assert.Equal([0, 1, 2, 3, 4, 5], skus.Select(builder.Add));

        var (table, rankOf) = builder.Build();
        Assert.Null(rankOf);
        Assert.Equal(skus, Enumerable.Range(0, table.Count).Select(table.Sku));
    }

    [Fact]
    public void Skus_out_of_order_are_ranked_ordinally_and_each_arrival_gets_its_rank()
    {
        var rng = new Random(20261127);
        // Upper case sorts before lower case, '-' before digits, a prefix before its extensions;
        // enough skus to outgrow the builder's first buffers several times.
        var skus = Enumerable.Range(0, 5000).Select(i => $"{"AbZa"[i % 4]}{(i % 7 == 0 ? "-" : "")}{i}").Distinct()
            .OrderBy(_ => rng.Next()).ToArray();
        var builder = new SkuTable.Builder();
        foreach (var sku in skus) builder.Add(sku);

        var (table, rankOf) = builder.Build();
        var expected = skus.Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, Enumerable.Range(0, table.Count).Select(table.Sku));
        Assert.NotNull(rankOf);
        for (var arrival = 0; arrival < skus.Length; arrival++) Assert.Equal(skus[arrival], table.Sku(rankOf[arrival]));
    }

    [Fact]
    public void An_empty_catalog_has_no_skus()
    {
        var (table, rankOf) = new SkuTable.Builder().Build();
        Assert.Equal(0, table.Count);
        Assert.Null(rankOf);
    }
}
