using System.Text;

namespace Marketplace.Infrastructure.Catalog;

// The checked form of one field's values (null when invalid), remembered by the value's UTF-8
// bytes: catalog rows repeat a few units, currencies, countries, regions, category codes and
// site ids, so a value seen before costs a lookup instead of a string and a check, and every
// item shares one string per value. One per reader and field, bounded in entries and key length
// so that a body of distinct values only falls back to checking each of them.
internal sealed class CheckedValues<T>
{
    public const int MaxEntries = 2048;

    // The longest valid value is a site id (36 bytes); longer values are invalid, checked each time.
    public const int MaxKeyBytes = 40;

    private readonly Func<string, T?> check;
    private readonly Dictionary<byte[], T?> entries = new(ByteKeys.Instance);
    private readonly Dictionary<byte[], T?>.AlternateLookup<ReadOnlySpan<byte>> byBytes;
    private byte[]? lastKey;
    private T? last;

    public CheckedValues(Func<string, T?> check)
    {
        this.check = check;
        byBytes = entries.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    public int Count => entries.Count;

    // Uncached: for text that does not come as the value's own bytes (JSON escapes, doubled CSV quotes).
    public T? Check(string value) => check(value);

    public T? Check(ReadOnlySpan<byte> utf8)
    {
        // A column often repeats the previous row's value: one compare, no hash.
        if (lastKey is not null && utf8.SequenceEqual(lastKey))
        {
            return last;
        }

        if (!byBytes.TryGetValue(utf8, out var key, out var value))
        {
            value = check(Encoding.UTF8.GetString(utf8));
            if (utf8.Length > MaxKeyBytes || entries.Count >= MaxEntries)
            {
                return value;
            }

            key = utf8.ToArray();
            entries.Add(key, value);
        }

        lastKey = key;
        last = value;
        return value;
    }

    private sealed class ByteKeys : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly ByteKeys Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] key) => GetHashCode((ReadOnlySpan<byte>)key);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        // HashCode is seeded per process: a body cannot pick colliding values in advance.
        public int GetHashCode(ReadOnlySpan<byte> alternate)
        {
            var hash = new HashCode();
            hash.AddBytes(alternate);
            return hash.ToHashCode();
        }

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
    }
}
