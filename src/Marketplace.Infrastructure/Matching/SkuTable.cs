using System.Text;

namespace Marketplace.Infrastructure.Matching;

/// The skus of one wholesaler's candidate items, each stored once as UTF-8, in ordinal order: an
/// item's rank is its position here, so comparing ranks is comparing skus (matching.md's tie-break
/// within a company) and a row needs no string of its own. About a third of the size of one string
/// object per sku. Immutable; a catalog change builds the wholesaler a new one (`Builder`).
internal sealed class SkuTable
{
    private readonly byte[] _utf8;
    private readonly int[] _start; // Count + 1 offsets

    private SkuTable(byte[] utf8, int[] start)
    {
        _utf8 = utf8;
        _start = start;
    }

    public int Count => _start.Length - 1;

    public string Sku(int rank) => Encoding.UTF8.GetString(Bytes(rank));

    public long MemoryBytes => _utf8.Length + _start.Length * 4L;

    private ReadOnlySpan<byte> Bytes(int rank) => _utf8.AsSpan(_start[rank], _start[rank + 1] - _start[rank]);

    /// Collects skus in the order rows arrive (each gets its arrival number), encoded as they come:
    /// a million-item catalog never holds a string per sku. `Build` ranks them.
    public sealed class Builder
    {
        private byte[] _utf8 = new byte[1024];
        private int[] _start = new int[65];
        private int _count;
        private string? _last;
        private bool _sorted = true;

        public int Count => _count;

        /// The sku's arrival number. Skus are distinct (the primary key).
        public int Add(string sku)
        {
            if (_last is not null && string.CompareOrdinal(_last, sku) > 0) _sorted = false;
            _last = sku;
            var at = _start[_count];
            var length = Encoding.UTF8.GetByteCount(sku);
            if (at + length > _utf8.Length) Array.Resize(ref _utf8, Math.Max(_utf8.Length * 2, at + length));
            if (_count + 2 > _start.Length) Array.Resize(ref _start, _start.Length * 2);
            _start[_count + 1] = at + Encoding.UTF8.GetBytes(sku, _utf8.AsSpan(at));
            return _count++;
        }

        /// The table, and each arrival number's rank, or null when the skus arrived in order (as rows
        /// read by primary key do), so that the arrival number is the rank.
        public (SkuTable Table, int[]? RankOf) Build()
        {
            var start = _start.AsSpan(0, _count + 1).ToArray();
            if (_sorted) return (new SkuTable(_utf8.AsSpan(0, start[_count]).ToArray(), start), null);
            // Skus are ASCII (Domain.Catalog.Sku), whose UTF-8 byte order is the ordinal order.
            var utf8 = _utf8;
            var order = new int[_count];
            for (var i = 0; i < order.Length; i++) order[i] = i;
            Array.Sort(order, (a, b) => utf8.AsSpan(start[a], start[a + 1] - start[a])
                .SequenceCompareTo(utf8.AsSpan(start[b], start[b + 1] - start[b])));
            var sorted = new byte[start[_count]];
            var sortedStart = new int[_count + 1];
            var rankOf = new int[_count];
            var to = 0;
            for (var rank = 0; rank < order.Length; rank++)
            {
                var from = order[rank];
                rankOf[from] = rank;
                sortedStart[rank] = to;
                var bytes = utf8.AsSpan(start[from], start[from + 1] - start[from]);
                bytes.CopyTo(sorted.AsSpan(to));
                to += bytes.Length;
            }
            sortedStart[_count] = to;
            return (new SkuTable(sorted, sortedStart), rankOf);
        }
    }
}
