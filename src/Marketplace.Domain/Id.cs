using System.Buffers.Binary;

namespace Marketplace.Domain;

// api.md "Conventions": ids are application-generated UUIDv7 in canonical lower-case form.
// Ties and cursors are ordered by that string, so ids from one process must increase in it.
public static class Id
{
    private const ulong VersionBits = 0x7000UL;
    private const ulong VariantBits = 0x8000_0000_0000_0000UL;
    private const ulong RandAMask = 0x0FFFUL;
    private const ulong RandBMask = 0x3FFF_FFFF_FFFF_FFFFUL;

    private static readonly Lock Gate = new();
    private static ulong lastHi;
    private static ulong lastLo;

    public static Guid New()
    {
        var (hi, lo) = Split(Guid.CreateVersion7());
        lock (Gate)
        {
            // Big-endian (hi, lo) order is the order of the canonical string.
            if (hi < lastHi || (hi == lastHi && lo <= lastLo))
            {
                (hi, lo) = Increment(lastHi, lastLo);
            }

            (lastHi, lastLo) = (hi, lo);
        }

        return Join(hi, lo);
    }

    public static string Format(Guid id) => id.ToString("D");

    public static bool TryParse(string? s, out Guid id)
    {
        id = Guid.Empty;
        if (s is null || s.Length != 36)
        {
            return false;
        }

        for (var i = 0; i < s.Length; i++)
        {
            var ok = i is 8 or 13 or 18 or 23 ? s[i] == '-' : char.IsAsciiHexDigit(s[i]);
            if (!ok)
            {
                return false;
            }
        }

        return Guid.TryParseExact(s, "D", out id);
    }

    public static bool IsValid(string? s) => TryParse(s, out _);

    // Adds one to the 74 random bits (rand_a, rand_b); a carry out of them moves the timestamp.
    internal static Guid Increment(Guid id)
    {
        var (hi, lo) = Split(id);
        var (nextHi, nextLo) = Increment(hi, lo);
        return Join(nextHi, nextLo);
    }

    private static (ulong Hi, ulong Lo) Increment(ulong hi, ulong lo)
    {
        var randB = (lo & RandBMask) + 1;
        var randA = hi & RandAMask;
        var millis = hi >> 16;
        if (randB > RandBMask)
        {
            randB = 0;
            randA++;
            if (randA > RandAMask)
            {
                randA = 0;
                millis++;
            }
        }

        return ((millis << 16) | VersionBits | randA, VariantBits | randB);
    }

    /// The id as two big-endian halves: comparing (Hi, Lo) as unsigned numbers is the ordinal order
    /// of the canonical strings (ties and cursors compare ids this way without formatting them).
    public static (ulong Hi, ulong Lo) Split(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        return (BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
    }

    public static Guid Join(ulong hi, ulong lo)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, hi);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], lo);
        return new Guid(bytes, bigEndian: true);
    }
}
