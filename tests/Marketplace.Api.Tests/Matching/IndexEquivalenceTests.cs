using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Domain.Matching;
using Marketplace.Infrastructure.Matching;

namespace Marketplace.Api.Tests.Matching;

/// The index against the reference implementation (MatchFormula.Rank) on random supply: every page,
/// walked with cursors, gives the same matches in the same order with bit-identical numbers, both
/// for an index loaded from the tables and for one that followed the change feed from empty,
/// through inserts, deletes, moves and company changes, capabilities and catalog items alike.
public abstract class IndexEquivalenceTests(ApiFactory api)
{
    [Fact]
    public async Task Index_pages_rank_exactly_like_MatchFormula_when_loaded_and_when_following_the_feed()
    {
        var clusters = new List<SupplyModel.ClusterInfo>();
        foreach (var (region, lat, lon) in new[] { ("RU-KLU", 54.5, 36.25), ("RU-KLU", 54.2, 37.6), ("RU-TA", 55.74, 52.4), ("RU-SAM", 53.2, 50.1) })
            clusters.Add(new SupplyModel.ClusterInfo(Guid.Parse(await api.CreateClusterAsync(region, lat, lon)), region, lat, lon));
        var model = new SupplyModel(20261127, clusters);
        await using var db = api.OpenDb();

        var following = new SupplyIndex(db);
        await following.LoadAsync(CancellationToken.None); // from (nearly) empty
        await model.AddCompaniesAsync(db, 500);
        await api.CatchUpThroughAsync(following);
        var loaded = new SupplyIndex(db);
        await loaded.LoadAsync(CancellationToken.None);
        Assert.Equal(model.Capabilities.Count + model.CandidateItemCount, loaded.Count);
        Assert.Equal(model.Capabilities.Count + model.CandidateItemCount, following.Count);
        Assert.Equal(model.CandidateItemCount, loaded.CatalogItemCount);
        Assert.True(model.Capabilities.Count > 2000, $"only {model.Capabilities.Count} capabilities");
        Assert.True(model.CandidateItemCount > 300, $"only {model.CandidateItemCount} catalog items");

        Compare(model, [("loaded", loaded), ("following", following)], 150);

        await model.MutateAsync(db, 400);
        await api.CatchUpThroughAsync(following);
        Assert.Equal(model.Capabilities.Count + model.CandidateItemCount, following.Count);
        Assert.Equal(model.CandidateItemCount, following.CatalogItemCount);
        var reloaded = new SupplyIndex(db);
        await reloaded.LoadAsync(CancellationToken.None);
        Compare(model, [("following after changes", following), ("loaded after changes", reloaded)], 150);
    }

    private static void Compare(SupplyModel model, (string Name, SupplyIndex Index)[] indexes, int needs)
    {
        var candidates = model.Candidates();
        var nonEmpty = 0;
        var withItems = 0;
        for (var n = 0; n < needs; n++)
        {
            var (need, options) = model.RandomNeed();
            var expected = MatchFormula.Rank(need, candidates, options);
            if (expected.Count > 0) nonEmpty++;
            if (expected.Any(m => m.Kind == CandidateKind.CatalogItem)) withItems++;
            foreach (var (name, index) in indexes)
            {
                var limit = 1 + model.Next(n % 3 == 0 ? 3 : 25);
                var context = $"{name}, need {n} ({need.Scope}, {need.CategoryCode}, limit {limit})";
                MatchAssert.SameList(expected, MatchAssert.Walk(index, need, options, limit, context), context);
                // And the first page alone, as the analytics ask for rank 1.
                var first = index.Query(need, options, 1, null);
                Assert.Equal(expected.Count > 1, first.HasMore);
                MatchAssert.SameList(expected.Take(1).ToList(), first.Items, context + ", rank 1");
            }
        }
        Assert.True(nonEmpty > needs / 2, $"only {nonEmpty} of {needs} needs had matches: the data set tests too little");
        Assert.True(withItems > needs / 10, $"only {withItems} of {needs} needs listed a catalog item: the data set tests too little");
    }
}

public sealed class IndexEquivalenceTestsOnSqlite(SqliteApi api) : IndexEquivalenceTests(api), IClassFixture<SqliteApi>;
public sealed class IndexEquivalenceTestsOnPostgres(PostgresApi api) : IndexEquivalenceTests(api), IClassFixture<PostgresApi>;
