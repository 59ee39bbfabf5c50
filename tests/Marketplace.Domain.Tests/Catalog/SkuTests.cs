using Marketplace.Domain.Catalog;

namespace Marketplace.Domain.Tests.Catalog;

public sealed class SkuTests
{
    public static readonly TheoryData<string> Valid =
        ["A", "abc-123_X.y", "...", ".a", "a.", "..a", "-", "_", new string('a', 64), new string('.', 64)];

    public static readonly TheoryData<string?> Invalid =
        [null, "", ".", "..", new string('a', 65), "a b", " a", "a\n", "a/b", "a%2F", "ä", "Ж", "١", "a+b"];

    [Theory]
    [MemberData(nameof(Valid))]
    public void Sku_of_allowed_characters_up_to_64_is_valid(string sku) => Assert.True(Sku.IsValid(sku));

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Dot_and_dot_dot_and_other_skus_are_invalid(string? sku) => Assert.False(Sku.IsValid(sku));
}
