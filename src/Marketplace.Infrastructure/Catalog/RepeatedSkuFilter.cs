namespace Marketplace.Infrastructure.Catalog;

/// Finds, in bounded memory, the skus that may appear more than once in a body, so that the
/// merge de-duplicates only those instead of sorting or hashing every staged row. A Bloom filter
/// (4 MiB, 4 probes: about 0.02% false positives at 1M skus) remembers the skus seen; a sku it
/// may have seen becomes a candidate. A repeated sku is always a candidate; a few single ones
/// may be too, which costs nothing but a longer list. Past `MaxCandidates` the list is dropped
/// and `Candidates` is null: the merge then checks every sku. The filter is blocked: a sku's four
/// bits lie in one 64-byte block, so a sku costs one cache miss instead of four.
internal sealed class RepeatedSkuFilter
{
    public const int MaxCandidates = 50_000;
    private const int Blocks = 1 << 16; // of 512 bits: 4 MiB

    private readonly ulong[] _bits = new ulong[Blocks * 8];
    private HashSet<string>? _candidates = new(StringComparer.Ordinal);

    /// The skus that may repeat (no repeat when empty), or null when there were too many to list.
    public IReadOnlyCollection<string>? Candidates => _candidates;

    public void Add(string sku)
    {
        if (_candidates is null) return;
        var h = (ulong)(uint)sku.GetHashCode() * 0x9E3779B97F4A7C15UL;
        var block = (int)(h >> 48) * 8;
        var seen = true;
        for (var i = 0; i < 4; i++)
        {
            var bit = (int)(h >> (i * 9)) & 511; // four 9-bit fields of the hash's low bits
            ref var word = ref _bits[block + (bit >> 6)];
            var mask = 1UL << (bit & 63);
            seen &= (word & mask) != 0;
            word |= mask;
        }
        if (!seen) return;
        _candidates.Add(sku);
        if (_candidates.Count > MaxCandidates) _candidates = null;
    }
}
