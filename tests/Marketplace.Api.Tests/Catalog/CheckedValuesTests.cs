using System.Globalization;
using System.Text;
using Marketplace.Infrastructure.Catalog;

namespace Marketplace.Api.Tests.Catalog;

/// The per-reader memory of checked values: each distinct value is checked once while there is
/// room, and never more values or longer keys than the bound are kept.
public sealed class CheckedValuesTests
{
    private readonly List<string> checkedTexts = [];

    private CheckedValues<string> Values() => new(s =>
    {
        checkedTexts.Add(s);
        return s.StartsWith("ok", StringComparison.Ordinal) ? s.ToUpperInvariant() : null;
    });

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void A_value_is_checked_once_and_its_checked_form_is_shared()
    {
        var values = Values();
        var first = values.Check(Utf8("ok-a"));
        values.Check(Utf8("bad"));
        var again = values.Check(Utf8("ok-a"));
        Assert.Null(values.Check(Utf8("bad")));

        Assert.Equal("OK-A", first);
        Assert.Same(first, again);
        Assert.Equal(["ok-a", "bad"], checkedTexts);
        Assert.Equal(2, values.Count);
    }

    [Fact]
    public void Text_given_as_a_string_is_checked_every_time()
    {
        var values = Values();
        Assert.Equal("OK", values.Check("ok"));
        Assert.Equal("OK", values.Check("ok"));
        Assert.Equal(["ok", "ok"], checkedTexts);
        Assert.Equal(0, values.Count);
    }

    [Fact]
    public void Values_longer_than_a_key_are_checked_every_time_and_not_kept()
    {
        var values = Values();
        var longValue = "ok" + new string('x', CheckedValues<string>.MaxKeyBytes - 1);
        var longest = "ok" + new string('x', CheckedValues<string>.MaxKeyBytes - 2);
        Assert.NotNull(values.Check(Utf8(longValue)));
        Assert.NotNull(values.Check(Utf8("ok")));
        Assert.NotNull(values.Check(Utf8(longValue)));
        Assert.NotNull(values.Check(Utf8(longest)));
        Assert.NotNull(values.Check(Utf8(longest)));

        Assert.Equal([longValue, "ok", longValue, longest], checkedTexts);
        Assert.Equal(2, values.Count);
    }

    [Fact]
    public void Past_the_bound_new_values_are_checked_every_time_and_old_ones_still_remembered()
    {
        var values = Values();
        var max = CheckedValues<string>.MaxEntries;
        for (var i = 0; i < max + 10; i++)
        {
            var text = (i % 2 == 0 ? "ok" : "no") + i.ToString(CultureInfo.InvariantCulture);
            Assert.Equal(i % 2 == 0 ? text.ToUpperInvariant() : null, values.Check(Utf8(text)));
        }

        Assert.Equal(max, values.Count);
        checkedTexts.Clear();
        var past = "ok" + (max + 2).ToString(CultureInfo.InvariantCulture);
        Assert.Equal("OK0", values.Check(Utf8("ok0")));
        Assert.Null(values.Check(Utf8("no1")));
        Assert.Equal(past.ToUpperInvariant(), values.Check(Utf8(past)));
        Assert.Equal("OK0", values.Check(Utf8("ok0")));
        Assert.Equal(past.ToUpperInvariant(), values.Check(Utf8(past)));

        Assert.Equal([past, past], checkedTexts);
        Assert.Equal(max, values.Count);
    }
}
