using Marketplace.Domain.Catalog;

namespace Marketplace.Domain.Tests.Catalog;

public sealed class CategoryCodeTests
{
    [Theory]
    [InlineData("25.62")] // group
    [InlineData("25.62.1")] // subgroup
    [InlineData("25.62.10")] // type
    [InlineData("25.62.10.110")] // category
    [InlineData("00.00")]
    [InlineData("99.99.99.999")]
    public void Code_from_group_level_down_is_valid(string code) => Assert.True(CategoryCode.IsValid(code));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("25")] // class
    [InlineData("25.6")]
    [InlineData("29.3")] // subclass
    [InlineData("25.62.100")]
    [InlineData("25.62.10.11")]
    [InlineData("25.62.10.1100")]
    [InlineData("25.62.1.110")]
    [InlineData("25.62.10.110.1")]
    [InlineData("25.62.")]
    [InlineData("25.62.10.")]
    [InlineData(".25.62")]
    [InlineData("25..62")]
    [InlineData("25,62")]
    [InlineData("2a.62")]
    [InlineData("AB.CD")]
    [InlineData(" 25.62")]
    [InlineData("25.62 ")]
    [InlineData("25.62\n")]
    [InlineData("٢٥.٦٢")] // Arabic-Indic digits
    [InlineData("２５.６２")] // fullwidth digits
    [InlineData("25.6٢")]
    public void Code_not_in_the_okpd2_format_is_invalid(string? code) => Assert.False(CategoryCode.IsValid(code));

    [Theory]
    [InlineData("25", true)]
    [InlineData("25.62", true)]
    [InlineData("25.6", false)]
    [InlineData("25.62.1", false)]
    [InlineData("25.62.10", false)]
    [InlineData("2", false)]
    [InlineData("25.", false)]
    [InlineData("25\n", false)]
    [InlineData("٢٥", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Specialization_is_a_class_or_group_prefix(string? prefix, bool valid)
    {
        Assert.Equal(valid, CategoryCode.IsValidSpecialization(prefix));
    }

    [Theory]
    [InlineData("25.62", 2, "25.62")]
    [InlineData("25.62.1", 3, "25.62")]
    [InlineData("25.62.10", 3, "25.62")]
    [InlineData("25.62.10.110", 4, "25.62")]
    public void Segments_are_counted_and_the_group_is_the_first_two(string code, int segments, string group)
    {
        Assert.Equal(segments, CategoryCode.SegmentCount(code));
        Assert.Equal(group, CategoryCode.Group(code));
    }

    [Theory]
    [InlineData("25.62.10", "25.62.10.110", 3)]
    [InlineData("25.62.10.110", "25.62.10.110", 4)]
    [InlineData("25.62.10.110", "25.62.10.120", 3)]
    [InlineData("25.62", "25.62.10", 2)]
    [InlineData("25.62.1", "25.62.10", 2)] // literal segments: "1" is not "10" (api.md, intended)
    [InlineData("25.62.10", "25.62.1", 2)]
    [InlineData("25.62", "25.61", 1)]
    [InlineData("26.62", "25.62", 0)]
    [InlineData("25.62", "25.62", 2)]
    public void Shared_leading_segments_compare_segments_as_literal_strings(string a, string b, int shared)
    {
        Assert.Equal(shared, CategoryCode.SharedLeadingSegments(a, b));
    }

    [Theory]
    [InlineData("25.62.10", "25", true)]
    [InlineData("25.62.10", "25.62", true)]
    [InlineData("25.62.10", "25.62.10", true)]
    [InlineData("25.62.10.110", "25.62.10", true)]
    [InlineData("25.62.10", "25.62.1", false)] // intended (api.md)
    [InlineData("25.62.1", "25.62.10", false)]
    [InlineData("25.62.10", "25.6", false)]
    [InlineData("25.62.10", "2", false)]
    [InlineData("25.62.10.110", "25.62.10.11", false)]
    [InlineData("25.62", "25.62.10", false)]
    [InlineData("25.62", "25.61", false)]
    [InlineData("25.62", "", false)]
    public void Segment_prefix_must_match_whole_leading_segments(string code, string prefix, bool expected)
    {
        Assert.Equal(expected, CategoryCode.HasSegmentPrefix(code, prefix));
    }
}
