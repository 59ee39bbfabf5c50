namespace Marketplace.Infrastructure.Matching;

/// One candidate while the index is built or changed; buckets hold the same fields column by column.
/// A catalog item has CapHi 0 and CapLo its sku's rank in its wholesaler's SkuTable.
internal struct CandidateRow
{
    public ulong CapHi, CapLo, SiteHi, SiteLo;
    public int Company;
    public double Capacity, LocalShare;
    // The site's rad(lat), cos(rad(lat)) and rad(lon): the very doubles matching.md's haversine computes.
    public double Phi, CosPhi, Lam;
    public ushort Code, Unit;
}

/// A node of a bucket's k-d tree over its candidates' positions: the box of the positions below
/// it and the largest local share and capacity there, from which a query bounds the best score
/// any candidate below could reach. Leaves hold at most LeafSize candidates, by local share descending.
/// `Company` is the one company of every candidate below, or -1: a query skips such a node once that
/// company has a match better than the node's bound (a catalog's thousands of items at one warehouse).
internal struct Node
{
    public double MinPhi, MaxPhi, MinLam, MaxLam, MinCos, MaxLocalShare, MaxCapacity;
    public int Start, End, Left, Right, Company;

    public readonly bool IsLeaf => Left < 0;
}

/// The candidates of one kind (capabilities or catalog items) of one category group at sites of one
/// (cluster, region): struct-of-arrays in k-d tree order. A cluster- or region-scoped query reads
/// only its buckets, and catalog buckets only with includeCatalog; a change rebuilds only the
/// buckets it touches (copy-on-write: published buckets never change).
internal sealed class CandidateBucket
{
    public const int LeafSize = 32;

    public readonly int Cluster, Region, Count;
    public readonly bool Catalog;
    public readonly ulong[] CapHi, CapLo, SiteHi, SiteLo;
    public readonly int[] Company;
    public readonly double[] Capacity, LocalShare, Phi, CosPhi, Lam;
    public readonly ushort[] Code, Unit;
    public readonly Node[] Nodes;

    /// Builds over `rows` (reordered in place).
    public CandidateBucket(int cluster, int region, bool catalog, CandidateRow[] rows, int count)
    {
        Cluster = cluster;
        Region = region;
        Catalog = catalog;
        Count = count;
        var nodes = new List<Node>(Math.Max(1, 2 * count / LeafSize + 1));
        if (count > 0) Build(rows, new double[count], 0, count, nodes);
        Nodes = [.. nodes];
        CapHi = new ulong[count];
        CapLo = new ulong[count];
        SiteHi = new ulong[count];
        SiteLo = new ulong[count];
        Company = new int[count];
        Capacity = new double[count];
        LocalShare = new double[count];
        Phi = new double[count];
        CosPhi = new double[count];
        Lam = new double[count];
        Code = new ushort[count];
        Unit = new ushort[count];
        for (var i = 0; i < count; i++)
        {
            ref readonly var r = ref rows[i];
            CapHi[i] = r.CapHi;
            CapLo[i] = r.CapLo;
            SiteHi[i] = r.SiteHi;
            SiteLo[i] = r.SiteLo;
            Company[i] = r.Company;
            Capacity[i] = r.Capacity;
            LocalShare[i] = r.LocalShare;
            Phi[i] = r.Phi;
            CosPhi[i] = r.CosPhi;
            Lam[i] = r.Lam;
            Code[i] = r.Code;
            Unit[i] = r.Unit;
        }
    }

    public CandidateRow Row(int i) => new()
    {
        CapHi = CapHi[i], CapLo = CapLo[i], SiteHi = SiteHi[i], SiteLo = SiteLo[i], Company = Company[i], Capacity = Capacity[i],
        LocalShare = LocalShare[i], Phi = Phi[i], CosPhi = CosPhi[i], Lam = Lam[i], Code = Code[i], Unit = Unit[i],
    };

    public long MemoryBytes => Count * (8L * 4 + 4 + 8 * 5 + 2 * 2) + Nodes.Length * 80L;

    // The rows themselves are reordered (not a permutation of them): every level then reads its
    // range front to back, which made building 1M candidates several times faster.
    private static int Build(CandidateRow[] rows, double[] keys, int lo, int hi, List<Node> nodes)
    {
        var index = nodes.Count;
        nodes.Add(default);
        var n = new Node
        {
            MinPhi = double.PositiveInfinity, MaxPhi = double.NegativeInfinity, MinLam = double.PositiveInfinity,
            MaxLam = double.NegativeInfinity, MinCos = double.PositiveInfinity, MaxLocalShare = double.NegativeInfinity,
            MaxCapacity = double.NegativeInfinity, Start = lo, End = hi, Left = -1, Right = -1, Company = rows[lo].Company,
        };
        for (var i = lo; i < hi; i++)
        {
            ref readonly var r = ref rows[i];
            n.MinPhi = Math.Min(n.MinPhi, r.Phi);
            n.MaxPhi = Math.Max(n.MaxPhi, r.Phi);
            n.MinLam = Math.Min(n.MinLam, r.Lam);
            n.MaxLam = Math.Max(n.MaxLam, r.Lam);
            n.MinCos = Math.Min(n.MinCos, r.CosPhi);
            n.MaxLocalShare = Math.Max(n.MaxLocalShare, r.LocalShare);
            n.MaxCapacity = Math.Max(n.MaxCapacity, r.Capacity);
            if (r.Company != n.Company) n.Company = -1;
        }
        if (hi - lo <= LeafSize)
        {
            // Local share descending: a scan stops at the first candidate whose bound falls short.
            for (var i = lo; i < hi; i++) keys[i] = -rows[i].LocalShare;
            Array.Sort(keys, rows, lo, hi - lo);
        }
        else
        {
            // Split the longer side (in radians along the ground) at the median; candidates all at one
            // place (a warehouse's catalog) split by local share instead, so that the nodes' bounds differ.
            var byLat = n.MaxPhi - n.MinPhi >= (n.MaxLam - n.MinLam) * Math.Cos((n.MinPhi + n.MaxPhi) / 2);
            var onePlace = n.MinPhi == n.MaxPhi && n.MinLam == n.MaxLam;
            for (var i = lo; i < hi; i++) keys[i] = onePlace ? -rows[i].LocalShare : byLat ? rows[i].Phi : rows[i].Lam;
            var mid = lo + (hi - lo) / 2;
            Select(keys, rows, lo, hi, mid);
            n.Left = Build(rows, keys, lo, mid, nodes);
            n.Right = Build(rows, keys, mid, hi, nodes);
        }
        nodes[index] = n;
        return index;
    }

    /// Quickselect: afterwards keys[k] is the k-th smallest of [lo, hi), with none larger before it
    /// and none smaller after it (a full sort per level made loading 1M candidates seconds slower).
    private static void Select(double[] keys, CandidateRow[] rows, int lo, int hi, int k)
    {
        while (hi - lo > 16)
        {
            var a = keys[lo];
            var b = keys[lo + (hi - lo) / 2];
            var c = keys[hi - 1];
            var pivot = Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));
            int i = lo, j = hi - 1;
            while (i <= j)
            {
                while (keys[i] < pivot) i++;
                while (keys[j] > pivot) j--;
                if (i > j) break;
                (keys[i], keys[j]) = (keys[j], keys[i]);
                (rows[i], rows[j]) = (rows[j], rows[i]);
                i++;
                j--;
            }
            if (k <= j) hi = j + 1;
            else if (k >= i) lo = i;
            else return;
        }
        Array.Sort(keys, rows, lo, hi - lo);
    }
}

/// The candidates of one category group (the first two segments of the code): its codes, interned
/// (so a query computes `m` once per distinct code), and its buckets by (cluster, region).
internal sealed class CandidateGroup
{
    private static readonly int[] None = [];

    public readonly string Name;
    public readonly string[] Codes;
    public readonly CandidateBucket[] Buckets;
    public readonly int Count;
    private readonly Lists _capabilities, _withCatalog;

    public CandidateGroup(string name, string[] codes, CandidateBucket[] buckets)
    {
        Name = name;
        Codes = codes;
        Buckets = buckets;
        Count = buckets.Sum(b => b.Count);
        _capabilities = new Lists(buckets, b => !b.Catalog);
        _withCatalog = new Lists(buckets, _ => true);
    }

    public int[] All(bool catalog) => (catalog ? _withCatalog : _capabilities).All;
    public int[] InCluster(int cluster, bool catalog) => (catalog ? _withCatalog : _capabilities).ByCluster.GetValueOrDefault(cluster) ?? None;
    public int[] InRegion(int region, bool catalog) => (catalog ? _withCatalog : _capabilities).ByRegion.GetValueOrDefault(region) ?? None;

    /// The buckets a query of each scope reads, computed once per group version.
    private sealed class Lists
    {
        public readonly int[] All;
        public readonly Dictionary<int, int[]> ByCluster, ByRegion;

        public Lists(CandidateBucket[] buckets, Func<CandidateBucket, bool> include)
        {
            All = Enumerable.Range(0, buckets.Length).Where(i => include(buckets[i])).ToArray();
            ByCluster = All.Where(i => buckets[i].Cluster != 0).GroupBy(i => buckets[i].Cluster).ToDictionary(g => g.Key, g => g.ToArray());
            ByRegion = All.GroupBy(i => buckets[i].Region).ToDictionary(g => g.Key, g => g.ToArray());
        }
    }
}
