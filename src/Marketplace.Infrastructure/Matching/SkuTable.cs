using System.Text;

namespace Marketplace.Infrastructure.Matching;

/// The skus of one wholesaler's candidate items, each stored once as UTF-8, in ordinal order: an
/// item's rank is its position here, so comparing ranks is comparing skus (matching.md's tie-break
/// within a company) and a row needs no string of its own. About a third of the size of one string
/// object per sku. Immutable; a catalog change builds the wholesaler a new one.
internal sealed class SkuTable
{
    private readonly byte[] _utf8;
    private readonly int[] _start; // Count + 1 offsets

    /// `skus` must be in ordinal order without duplicates (the primary key).
    public SkuTable(IReadOnlyList<string> skus)
    {
        _start = new int[skus.Count + 1];
        var length = 0L;
        foreach (var sku in skus) length += Encoding.UTF8.GetByteCount(sku);
        _utf8 = new byte[length];
        var at = 0;
        for (var i = 0; i < skus.Count; i++)
        {
            _start[i] = at;
            at += Encoding.UTF8.GetBytes(skus[i], _utf8.AsSpan(at));
        }
        _start[skus.Count] = at;
    }

    public int Count => _start.Length - 1;

    public string Sku(int rank) => Encoding.UTF8.GetString(_utf8, _start[rank], _start[rank + 1] - _start[rank]);

    public long MemoryBytes => _utf8.Length + _start.Length * 4L;

    /// The order of `skus` by ordinal comparison (UTF-16 code units, as MatchOrder compares them).
    /// Rows read by primary key usually arrive in order already; the check is one pass.
    public static int[] OrdinalOrder(List<string> skus)
    {
        var order = new int[skus.Count];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        for (var i = 1; i < skus.Count; i++)
        {
            if (string.CompareOrdinal(skus[i - 1], skus[i]) < 0) continue;
            var keys = skus.ToArray();
            Array.Sort(keys, order, StringComparer.Ordinal);
            break;
        }
        return order;
    }
}
