using System.Text;
using Marketplace.Domain.Companies;

namespace Marketplace.Infrastructure.Matching;

/// What matching reads of a company, packed in one int: bit 0 active, bits 1-3 the role flags,
/// bits 4-5 the size, bits 8+ the interned certification set.
internal static class CompanyInfo
{
    public const int Active = 1;
    public const int Supplier = (int)CompanyRole.Supplier << 1;
    public const int Wholesaler = (int)CompanyRole.Wholesaler << 1;
    public const int CertShift = 8;

    public static int Pack(bool active, CompanyRole roles, CompanySize size, int certSet) =>
        (active ? Active : 0) | (((int)roles & 7) << 1) | ((int)size << 4) | (certSet << CertShift);

    public static CompanySize Size(int info) => (CompanySize)((info >> 4) & 3);
}

/// One slice of the company table. Immutable once published; a change copies the chunk.
internal sealed class CompanyChunk
{
    public ulong[] Hi = new ulong[CompanyTable.ChunkSize];
    public ulong[] Lo = new ulong[CompanyTable.ChunkSize];
    public int[] Info = new int[CompanyTable.ChunkSize];
    public int[] NameStart = new int[CompanyTable.ChunkSize];
    public ushort[] NameLength = new ushort[CompanyTable.ChunkSize];
    // Names as UTF-8, back to back: a third of the size of one string object per company.
    public byte[] Names = [];
    public int NamesUsed;

    public CompanyChunk Clone() => new()
    {
        Hi = (ulong[])Hi.Clone(), Lo = (ulong[])Lo.Clone(), Info = (int[])Info.Clone(), NameStart = (int[])NameStart.Clone(),
        NameLength = (ushort[])NameLength.Clone(), Names = Names, NamesUsed = NamesUsed,
    };
}

/// Every company the index knows, addressed by a dense index that never changes; in chunks so
/// that a change copies 4,096 entries, not the whole table.
internal sealed class CompanyTable(CompanyChunk[] chunks, int count)
{
    public const int Shift = 12;
    public const int ChunkSize = 1 << Shift;
    public const int Mask = ChunkSize - 1;

    public static readonly CompanyTable Empty = new([], 0);

    public int Count => count;
    public CompanyChunk[] Chunks => chunks;

    public int Info(int i) => chunks[i >> Shift].Info[i & Mask];
    public ulong Hi(int i) => chunks[i >> Shift].Hi[i & Mask];
    public ulong Lo(int i) => chunks[i >> Shift].Lo[i & Mask];

    public string Name(int i)
    {
        var c = chunks[i >> Shift];
        var j = i & Mask;
        return Encoding.UTF8.GetString(c.Names, c.NameStart[j], c.NameLength[j]);
    }

    public long MemoryBytes => chunks.Length * (long)ChunkSize * (8 + 8 + 4 + 4 + 2) + chunks.Sum(c => (long)c.Names.Length);
}

/// Builds the next company table from the current one: changed chunks are copied once per batch.
internal sealed class CompanyTableWriter(CompanyTable current)
{
    private readonly List<CompanyChunk> _chunks = [.. current.Chunks];
    private readonly HashSet<int> _owned = [];
    private int _count = current.Count;

    public int Count => _count;

    public ulong Hi(int i) => _chunks[i >> CompanyTable.Shift].Hi[i & CompanyTable.Mask];
    public ulong Lo(int i) => _chunks[i >> CompanyTable.Shift].Lo[i & CompanyTable.Mask];

    public int Append(ulong hi, ulong lo, string name, int info)
    {
        var i = _count++;
        if ((i >> CompanyTable.Shift) == _chunks.Count)
        {
            _chunks.Add(new CompanyChunk());
            _owned.Add(_chunks.Count - 1);
        }
        Set(i, hi, lo, name, info);
        return i;
    }

    public void Set(int i, ulong hi, ulong lo, string name, int info)
    {
        var chunk = Own(i >> CompanyTable.Shift);
        var j = i & CompanyTable.Mask;
        chunk.Hi[j] = hi;
        chunk.Lo[j] = lo;
        chunk.Info[j] = info;
        var length = Encoding.UTF8.GetByteCount(name);
        if (chunk.NamesUsed + length > chunk.Names.Length)
            Array.Resize(ref chunk.Names, Math.Max(chunk.NamesUsed + length, Math.Max(1024, chunk.Names.Length * 2)));
        Encoding.UTF8.GetBytes(name, chunk.Names.AsSpan(chunk.NamesUsed));
        chunk.NameStart[j] = chunk.NamesUsed;
        chunk.NameLength[j] = (ushort)Math.Min(length, ushort.MaxValue);
        chunk.NamesUsed += length;
    }

    /// The new table; name buffers trimmed to what they hold.
    public CompanyTable Finish()
    {
        foreach (var c in _owned)
            if (_chunks[c].Names.Length != _chunks[c].NamesUsed) Array.Resize(ref _chunks[c].Names, _chunks[c].NamesUsed);
        return new CompanyTable([.. _chunks], _count);
    }

    private CompanyChunk Own(int c)
    {
        if (_owned.Add(c))
        {
            var copy = _chunks[c].Clone();
            // The old chunk's name buffer may be read by queries: the copy writes into its own.
            copy.Names = (byte[])copy.Names.Clone();
            _chunks[c] = copy;
        }
        return _chunks[c];
    }
}

/// Company id -> index: open addressing over the indexes, keys read from the company table, so
/// it costs 4 bytes a slot. Only the writer adds (never removes), so a concurrent reader either
/// sees a slot still empty or a finished entry; a reader's older table ignores indexes past its end.
internal sealed class CompanyIds
{
    private int[] _slots = new int[1024]; // index + 1; 0 = empty
    private int _count;

    public int Find(ulong hi, ulong lo, CompanyTable table)
    {
        var slots = Volatile.Read(ref _slots);
        var mask = slots.Length - 1;
        for (var s = Slot(hi, lo, mask); ; s = (s + 1) & mask)
        {
            var v = Volatile.Read(ref slots[s]);
            if (v == 0) return -1;
            var i = v - 1;
            if (i < table.Count && table.Hi(i) == hi && table.Lo(i) == lo) return i;
        }
    }

    public int Find(ulong hi, ulong lo, CompanyTableWriter table)
    {
        var mask = _slots.Length - 1;
        for (var s = Slot(hi, lo, mask); ; s = (s + 1) & mask)
        {
            var v = _slots[s];
            if (v == 0) return -1;
            var i = v - 1;
            if (table.Hi(i) == hi && table.Lo(i) == lo) return i;
        }
    }

    /// Adds an index whose key is already in `table` (the writer's).
    public void Add(int index, CompanyTableWriter table)
    {
        if ((_count + 1) * 2 > _slots.Length)
        {
            var bigger = new int[_slots.Length * 2];
            foreach (var v in _slots)
                if (v != 0) Place(bigger, v, table.Hi(v - 1), table.Lo(v - 1));
            Volatile.Write(ref _slots, bigger);
        }
        Place(_slots, index + 1, table.Hi(index), table.Lo(index));
        _count++;
    }

    public long MemoryBytes => _slots.Length * 4L;

    private static void Place(int[] slots, int value, ulong hi, ulong lo)
    {
        var mask = slots.Length - 1;
        var s = Slot(hi, lo, mask);
        while (slots[s] != 0) s = (s + 1) & mask;
        Volatile.Write(ref slots[s], value);
    }

    private static int Slot(ulong hi, ulong lo, int mask) => (int)(((lo ^ (hi * 0x9E3779B97F4A7C15UL)) * 0xBF58476D1CE4E5B9UL) >> 40) & mask;
}
