namespace Marketplace.Domain.Tests;

public sealed class LimitsTests
{
    [Theory]
    [InlineData(300, Limits.NameMaxLength)]
    [InlineData(2000, Limits.TextMaxLength)]
    [InlineData(50, Limits.PageLimitDefault)]
    [InlineData(200, Limits.PageLimitMax)]
    [InlineData(20, Limits.MatchesLimitDefault)]
    public void Limits_are_the_values_api_md_fixes(int expected, int actual)
    {
        Assert.Equal(expected, actual);
    }
}
