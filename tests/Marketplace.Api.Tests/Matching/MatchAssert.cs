using Marketplace.Domain.Matching;
using Marketplace.Infrastructure.Matching;

namespace Marketplace.Api.Tests.Matching;

public static class MatchAssert
{
    /// Every field equal, every number to the bit.
    public static void Same(Match expected, Match actual, string context)
    {
        Assert.True(expected.CompanyId == actual.CompanyId && expected.CapabilityId == actual.CapabilityId,
            $"{context}: expected company {expected.CompanyId} capability {expected.CapabilityId}, got {actual.CompanyId} {actual.CapabilityId}");
        Assert.Equal(expected.Kind, actual.Kind);
        Assert.Equal(expected.CompanyName, actual.CompanyName);
        Assert.Equal(expected.CompanySize, actual.CompanySize);
        Assert.Equal(expected.SiteId, actual.SiteId);
        Assert.Equal(expected.Sku, actual.Sku);
        Assert.Equal(expected.CategoryCode, actual.CategoryCode);
        Bits(expected.Score, actual.Score, "score", context);
        Bits(expected.Proximity, actual.Proximity, "proximity", context);
        Bits(expected.Capability, actual.Capability, "capability", context);
        Bits(expected.Localization, actual.Localization, "localization", context);
        Bits(expected.DistanceKm, actual.DistanceKm, "distanceKm", context);
        Bits(expected.CategoryMatch, actual.CategoryMatch, "categoryMatch", context);
        Bits(expected.CapacityCoverage, actual.CapacityCoverage, "capacityCoverage", context);
        Bits(expected.LocalShare, actual.LocalShare, "localShare", context);
        Bits(expected.LocalizationGainPoints, actual.LocalizationGainPoints, "localizationGainPoints", context);
        Bits(expected.Weights.Proximity, actual.Weights.Proximity, "weights.proximity", context);
        Bits(expected.Weights.Capability, actual.Weights.Capability, "weights.capability", context);
        Bits(expected.Weights.Localization, actual.Weights.Localization, "weights.localization", context);
    }

    public static void SameList(IReadOnlyList<Match> expected, IReadOnlyList<Match> actual, string context)
    {
        for (var i = 0; i < Math.Min(expected.Count, actual.Count); i++) Same(expected[i], actual[i], $"{context}, item {i}");
        Assert.True(expected.Count == actual.Count, $"{context}: expected {expected.Count} matches, got {actual.Count}");
    }

    /// Every page of the index's answer, following the cursor key as GET /matches does.
    public static List<Match> Walk(SupplyIndex index, MatchNeed need, MatchOptions options, int limit, string context)
    {
        var all = new List<Match>();
        MatchKey? after = null;
        for (var pages = 0; ; pages++)
        {
            Assert.True(pages < 100_000, $"{context}: paging does not end");
            var page = index.Query(need, options, limit, after);
            Assert.True(page.Items.Count <= limit, $"{context}: a page of {page.Items.Count} exceeds limit {limit}");
            all.AddRange(page.Items);
            if (!page.HasMore) return all;
            Assert.True(page.Items.Count == limit, $"{context}: a page before the last has {page.Items.Count} of {limit}");
            after = SupplyIndex.KeyOf(page.Items[^1]);
        }
    }

    private static void Bits(double expected, double actual, string field, string context) =>
        Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(actual),
            $"{context}: {field} expected {expected:R}, got {actual:R}");
}
