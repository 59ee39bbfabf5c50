namespace Marketplace.Domain.Tests;

public sealed class IdTests
{
    [Fact]
    public void New_ids_strictly_increase_as_strings_over_100000_calls()
    {
        var previous = Id.Format(Id.New());
        for (var i = 0; i < 100_000; i++)
        {
            var next = Id.Format(Id.New());
            Assert.True(string.CompareOrdinal(previous, next) < 0, $"{next} does not follow {previous}");
            previous = next;
        }
    }

    [Fact]
    public void New_ids_are_version_7_with_the_rfc_variant()
    {
        var id = Id.New();
        Assert.Equal(7, id.Version);
        Assert.Equal(0b10, id.Variant >> 2);
    }

    [Fact]
    public void New_ids_from_several_threads_are_unique_and_increase_per_thread()
    {
        // Large enough that an unguarded read-modify-write of the last id loses a race.
        const int threads = 4, perThread = 250_000;
        var ids = new Guid[threads][];
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            var mine = new Guid[perThread];
            for (var i = 0; i < perThread; i++)
            {
                mine[i] = Id.New();
            }

            ids[t] = mine;
        });

        foreach (var mine in ids)
        {
            var text = mine.Select(Id.Format).ToArray();
            Assert.True(text.Zip(text.Skip(1)).All(p => string.CompareOrdinal(p.First, p.Second) < 0));
        }

        Assert.Equal(threads * perThread, ids.SelectMany(x => x).ToHashSet().Count);
    }

    [Theory]
    [InlineData("0190a8b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b", "0190a8b2-7c3e-7d4f-8a1b-2c3d4e5f6a7c")]
    [InlineData("0190a8b2-7c3e-7d4f-bfff-ffffffffffff", "0190a8b2-7c3e-7d50-8000-000000000000")]
    [InlineData("0190a8b2-7c3e-7fff-bfff-ffffffffffff", "0190a8b2-7c3f-7000-8000-000000000000")]
    public void Increment_adds_one_to_the_random_bits_and_keeps_version_and_variant(string from, string expected)
    {
        Assert.Equal(expected, Id.Format(Id.Increment(Guid.Parse(from))));
    }

    [Fact]
    public void Format_is_canonical_lower_case()
    {
        var id = Guid.Parse("0190A8B2-7C3E-7D4F-8A1B-2C3D4E5F6A7B");
        Assert.Equal("0190a8b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b", Id.Format(id));
    }

    [Theory]
    [InlineData("0190a8b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b")]
    [InlineData("0190A8B2-7C3E-7D4F-8A1B-2C3D4E5F6A7B")]
    [InlineData("0190a8b2-7C3E-7d4f-8A1B-2c3d4e5f6a7b")]
    public void Hyphenated_id_in_either_case_parses(string s)
    {
        Assert.True(Id.TryParse(s, out var id));
        Assert.Equal("0190a8b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b", Id.Format(id));
        Assert.True(Id.IsValid(s));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("{0190a8b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b}")]
    [InlineData("(0190a8b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b)")]
    [InlineData("0190a8b27c3e7d4f8a1b2c3d4e5f6a7b")]
    [InlineData(" 0190a8b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b")]
    [InlineData("0190a8b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b ")]
    [InlineData("0190a8b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b\n")]
    [InlineData("0190a8b2-7c3e-7d4f-8a1b-2c3d4e5f6a7")]
    [InlineData("0190a8b2-7c3e-7d4f-8a1b-2c3d4e5f6a7bb")]
    [InlineData("0190a8b2-7c3e-7d4f-8a1b-2c3d4e5f6a7g")]
    [InlineData("0190a8b27-c3e-7d4f-8a1b-2c3d4e5f6a7b")]
    [InlineData("0190a8b2+7c3e+7d4f+8a1b+2c3d4e5f6a7b")]
    [InlineData("０190a8b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b")]
    [InlineData("{0x0190a8b2,0x7c3e,0x7d4f,{0x8a,0x1b,0x2c,0x3d,0x4e,0x5f,0x6a,0x7b}}")]
    public void Anything_but_the_hyphenated_form_is_rejected(string? s)
    {
        Assert.False(Id.TryParse(s, out var id));
        Assert.Equal(Guid.Empty, id);
        Assert.False(Id.IsValid(s));
    }
}
