using Marketplace.Domain.Companies;
using Marketplace.Domain.Matching;

namespace Marketplace.Infrastructure.Matching;

/// One scored candidate while a query runs.
internal struct Hit
{
    public double S, G, D, P, C, M, K;
    public int Company, Bucket, Pos;
    public ulong CoHi, CoLo, CapHi, CapLo;
    // A catalog item: CapLo is its sku's rank in its wholesaler's table, so ranks compare as skus.
    public bool Item;

    /// MatchOrder: S desc, G desc, distance asc, company id asc, then capabilities before catalog
    /// items, then capability id or sku asc.
    public static int Compare(in Hit a, in Hit b)
    {
        var c = b.S.CompareTo(a.S);
        if (c != 0) return c;
        c = b.G.CompareTo(a.G);
        if (c != 0) return c;
        c = a.D.CompareTo(b.D);
        if (c != 0) return c;
        c = a.CoHi.CompareTo(b.CoHi);
        if (c != 0) return c;
        c = a.CoLo.CompareTo(b.CoLo);
        if (c != 0) return c;
        c = a.Item.CompareTo(b.Item);
        if (c != 0) return c;
        c = a.CapHi.CompareTo(b.CapHi);
        return c != 0 ? c : a.CapLo.CompareTo(b.CapLo);
    }
}

/// Reused per thread, so that a query allocates only its answer.
internal sealed class SearchScratch
{
    [ThreadStatic] private static SearchScratch? _current;

    public readonly PriorityQueue<(int Bucket, int Node, double P, double C), double> Queue = new();
    public readonly Dictionary<int, Hit> Pending = [];
    public readonly HashSet<int> Excluded = [];
    // The best score found so far per company (hits after the cursor key only).
    public readonly Dictionary<int, double> Best = [];
    // The best companies' hits stay in their slots; Order ranks them (its first entries, best
    // first) and lists the free slots after them, so that keeping the order moves ints, not hits.
    public Hit[] Slots = new Hit[64];
    public int[] Order = new int[64];
    public Hit[] Top = new Hit[64];
    public double[] M = new double[64];
    public sbyte[] CertOk = new sbyte[64];

    public static SearchScratch Get() => _current ??= new SearchScratch();
}

/// A top-k query over one group: best-first over the buckets' k-d trees by an upper bound of the
/// score, stopping when no unvisited node can beat the k-th best company. The bounds only decide
/// what is skipped; every reported number is computed with MatchFormula's own functions in its
/// order (matching.md, "Speed without approximation").
internal ref struct SupplySearch
{
    // Head-room over the computed bound, which is monotone in every input up to one rounding of
    // exp/sin/asin: far above that error, far below any difference pruning relies on.
    private const double Slack = 1e-12;

    private readonly MatchNeed _need;
    private readonly CandidateGroup _group;
    private readonly CompanyTable _companies;
    private readonly string[][] _certSets;
    private readonly SearchScratch _x;
    private readonly MatchWeights _w;
    private readonly double _scale, _qty, _cur, _minShare, _radius, _mMax;
    private readonly double _phi, _cosPhi, _lam;
    private readonly int _unit, _owner, _capacityK;
    private readonly bool _includeLarge, _isRadius, _checkCerts, _prune;
    private readonly bool _hasKey;
    private readonly MatchKey _key;
    private readonly ulong _keyHi, _keyLo;
    private int _top;
    private double _threshold;

    public SupplySearch(MatchNeed need, MatchOptions options, CandidateGroup group, CompanyTable companies, string[][] certSets,
        int unit, int owner, int k, MatchKey? after)
    {
        _need = need;
        _group = group;
        _companies = companies;
        _certSets = certSets;
        _x = SearchScratch.Get();
        _w = need.NormalizedWeights;
        _scale = need.Scale;
        _qty = need.QuantityPerMonth;
        _cur = need.CurrentLocalShare;
        _minShare = need.MinLocalShare;
        _radius = need.RadiusKm ?? double.NaN;
        _isRadius = need.Scope == MatchScope.Radius;
        _phi = MatchFormula.Rad(need.DeliveryLat);
        _cosPhi = Math.Cos(_phi);
        _lam = MatchFormula.Rad(need.DeliveryLon);
        _unit = unit;
        _owner = owner;
        _capacityK = k;
        _includeLarge = options.IncludeLarge;
        _checkCerts = need.RequiredCertifications.Count > 0;
        // The bounds hold for the weights, scales and quantities the API admits; anything else is
        // ranked without pruning rather than trusted.
        _prune = _w.Proximity >= 0 && _w.Capability >= 0 && _w.Localization >= 0 && _scale > 0 && _qty > 0;
        _hasKey = after.HasValue;
        _key = after.GetValueOrDefault();
        (_keyHi, _keyLo) = Domain.Id.Split(_key.CompanyId);
        _top = 0;
        _threshold = double.NegativeInfinity;

        var codes = group.Codes;
        if (_x.M.Length < codes.Length) _x.M = new double[codes.Length * 2];
        var mMax = 0.0;
        for (var i = 0; i < codes.Length; i++)
        {
            _x.M[i] = MatchFormula.CategoryMatch(need.CategoryCode, codes[i]);
            mMax = Math.Max(mMax, _x.M[i]);
        }
        _mMax = mMax;
        if (_checkCerts)
        {
            if (_x.CertOk.Length < certSets.Length) _x.CertOk = new sbyte[certSets.Length * 2];
            Array.Clear(_x.CertOk, 0, certSets.Length);
        }
        if (_x.Top.Length < k)
        {
            _x.Slots = new Hit[k * 2];
            _x.Order = new int[k * 2];
            _x.Top = new Hit[k * 2];
        }
        for (var i = 0; i < k; i++) _x.Order[i] = i;
        _x.Queue.Clear();
        _x.Pending.Clear();
        _x.Excluded.Clear();
        _x.Best.Clear();
    }

    /// The best `k` companies after the key, in order; answers how many (at most k).
    public int Run(ReadOnlySpan<int> buckets)
    {
        foreach (var b in buckets) Push(b, 0);
        // With a cursor, first every node that could hold a candidate at or before the key: such a
        // company's best is before the cursor, so the company is left out of this page entirely.
        var phaseOne = _hasKey;
        while (_x.Queue.TryDequeue(out var e, out var negBound))
        {
            var bound = -negBound;
            if (phaseOne && !(bound >= _key.Score))
            {
                EndPhaseOne();
                phaseOne = false;
            }
            if (!phaseOne && bound < _threshold) break;
            var bucket = _group.Buckets[e.Bucket];
            ref readonly var node = ref bucket.Nodes[e.Node];
            // Every candidate below is one company's, and none can beat what it already has.
            if (node.Company >= 0 && Floor(node.Company, double.NegativeInfinity) > bound) continue;
            if (!node.IsLeaf)
            {
                Push(e.Bucket, node.Left);
                Push(e.Bucket, node.Right);
                continue;
            }
            Scan(e.Bucket, bucket, node, e.P, e.C, phaseOne);
        }
        if (phaseOne) EndPhaseOne();
        for (var i = 0; i < _top; i++) _x.Top[i] = _x.Slots[_x.Order[i]];
        return _top;
    }

    public readonly ReadOnlySpan<Hit> Hits => _x.Top.AsSpan(0, _top);

    private void Push(int b, int n)
    {
        var bucket = _group.Buckets[b];
        if (bucket.Count == 0) return;
        ref readonly var node = ref bucket.Nodes[n];
        if (node.MaxLocalShare < _minShare) return; // filter 5 fails for every candidate below
        var d = LowerDistance(node);
        if (_isRadius && d > _radius) return;
        var p = MatchFormula.Proximity(d, _scale);
        var c = MatchFormula.Capability(_mMax, MatchFormula.CapacityCoverage(node.MaxCapacity, _qty));
        var g = MatchFormula.Localization(node.MaxLocalShare, _cur);
        var bound = _prune ? MatchFormula.Score(_w, p, c, g) + Slack : double.PositiveInfinity;
        _x.Queue.Enqueue((b, n, p, c), -bound);
    }

    /// A distance no candidate in the node's box is closer than: the haversine's `a` is at least
    /// sin^2 of the smallest latitude gap plus cos(phi1) * (smallest cos phi2) * sin^2 of the
    /// smallest longitude gap, each term bounded on its own.
    private readonly double LowerDistance(in Node n)
    {
        if (!(_cosPhi >= 0) || !(n.MinCos >= 0)) return 0;
        var dphi = Math.Max(0, Math.Max(n.MinPhi - _phi, _phi - n.MaxPhi));
        if (!(dphi <= Math.PI)) return 0;
        var lo = n.MinLam - _lam;
        var hi = n.MaxLam - _lam;
        double s2;
        // sin^2(x/2) is 0 at multiples of 2 pi and unimodal between them: over an interval without
        // a zero its least value is at an end.
        const double turn = 2 * Math.PI - 1e-9;
        if ((lo <= 0 && hi >= 0) || !(lo > -turn && hi < turn)) s2 = 0;
        else
        {
            var a1 = Math.Sin(lo / 2);
            var a2 = Math.Sin(hi / 2);
            s2 = Math.Min(a1 * a1, a2 * a2);
        }
        var s1 = Math.Sin(dphi / 2);
        var a = s1 * s1 + (_cosPhi * n.MinCos) * s2;
        var d = (2 * MatchFormula.EarthRadiusKm) * Math.Asin(Math.Min(1, Math.Sqrt(a)));
        return Math.Max(0, d * (1 - 1e-12) - 1e-9);
    }

    private void Scan(int b, CandidateBucket bucket, in Node node, double pNode, double cNode, bool phaseOne)
    {
        var w = _w;
        var m = _x.M;
        // matching.md: catalog items need the wholesaler role instead of the supplier role, and the
        // size rule (2) does not apply to them.
        var item = bucket.Catalog;
        var required = CompanyInfo.Active | (item ? CompanyInfo.Wholesaler : CompanyInfo.Supplier);
        // In a leaf of one company, a candidate that cannot beat that company's best is skipped too: it
        // could neither be listed nor, being below a hit after the cursor key, be at or before the key.
        var sole = node.Company;
        var floor = Floor(sole, _threshold);
        for (var i = node.Start; i < node.End; i++)
        {
            var share = bucket.LocalShare[i];
            if (share < _minShare) break; // by local share descending: the rest fail filter 5 too
            var g = MatchFormula.Localization(share, _cur);
            if (MatchFormula.Score(w, pNode, cNode, g) + Slack < floor) break;
            if (bucket.Unit[i] != _unit) continue;
            var k = MatchFormula.CapacityCoverage(bucket.Capacity[i], _qty);
            var cm = m[bucket.Code[i]];
            var c = MatchFormula.Capability(cm, k);
            if (MatchFormula.Score(w, pNode, c, g) + Slack < floor) continue;

            var company = bucket.Company[i];
            var info = _companies.Info(company);
            if ((info & required) != required) continue;
            if (!item && !_includeLarge && CompanyInfo.Size(info) == CompanySize.Large) continue;
            if (company == _owner) continue;
            if (_checkCerts && !HoldsCertifications(info >> CompanyInfo.CertShift)) continue;

            var d = MatchFormula.HaversineKm(_phi, _cosPhi, _lam, bucket.Phi[i], bucket.CosPhi[i], bucket.Lam[i]);
            if (_isRadius && !(d <= _radius)) continue;
            var p = MatchFormula.Proximity(d, _scale);
            var hit = new Hit
            {
                S = MatchFormula.Score(w, p, c, g), G = g, D = d, P = p, C = c, M = cm, K = k, Company = company, Bucket = b, Pos = i,
                CoHi = _companies.Hi(company), CoLo = _companies.Lo(company), CapHi = bucket.CapHi[i], CapLo = bucket.CapLo[i],
                Item = item,
            };
            if (phaseOne) Classify(hit);
            else if (_x.Excluded.Count == 0 || !_x.Excluded.Contains(company))
            {
                if (!_hasKey || After(hit))
                {
                    NoteBest(hit);
                    Offer(hit);
                }
            }
            floor = Floor(sole, _threshold);
        }
    }

    /// The score a candidate of `company` must reach to matter: `threshold`, or the company's best so
    /// far (or anything, once the company is out of this page).
    private readonly double Floor(int company, double threshold)
    {
        if (company < 0) return threshold;
        if (_x.Excluded.Contains(company)) return double.PositiveInfinity;
        if (!_prune) return threshold; // no valid bounds to compare with
        return _x.Best.TryGetValue(company, out var best) ? Math.Max(threshold, best) : threshold;
    }

    private readonly void NoteBest(in Hit hit)
    {
        if (!_x.Best.TryGetValue(hit.Company, out var best) || hit.S > best) _x.Best[hit.Company] = hit.S;
    }

    private readonly bool HoldsCertifications(int set)
    {
        var known = _x.CertOk[set];
        if (known != 0) return known > 0;
        var held = _certSets[set];
        var ok = true;
        foreach (var required in _need.RequiredCertifications)
            if (Array.BinarySearch(held, required, StringComparer.Ordinal) < 0)
            {
                ok = false;
                break;
            }
        _x.CertOk[set] = ok ? (sbyte)1 : (sbyte)-1;
        return ok;
    }

    /// Phase one: a company with any candidate at or before the key is out; the others keep their best.
    private readonly void Classify(in Hit hit)
    {
        if (!After(hit))
        {
            _x.Excluded.Add(hit.Company);
            _x.Pending.Remove(hit.Company);
            return;
        }
        if (_x.Excluded.Contains(hit.Company)) return;
        NoteBest(hit);
        if (!_x.Pending.TryGetValue(hit.Company, out var current) || Hit.Compare(hit, current) < 0) _x.Pending[hit.Company] = hit;
    }

    private void EndPhaseOne()
    {
        foreach (var hit in _x.Pending.Values) Offer(hit);
        _x.Pending.Clear();
    }

    /// SupplyIndex.After on a hit.
    private readonly bool After(in Hit h)
    {
        if (h.S != _key.Score) return h.S < _key.Score;
        if (h.G != _key.Localization) return h.G < _key.Localization;
        if (h.D != _key.DistanceKm) return h.D > _key.DistanceKm;
        return h.CoHi != _keyHi ? h.CoHi > _keyHi : h.CoLo > _keyLo;
    }

    /// Keeps the best k companies, each with its best candidate, in order. Candidates near the top
    /// arrive by the thousand when many score alike, so a hit is written once into a free slot and
    /// only slot numbers move.
    private void Offer(in Hit hit)
    {
        var slots = _x.Slots;
        var order = _x.Order;
        if (_top == _capacityK && Hit.Compare(hit, slots[order[_top - 1]]) >= 0) return;
        for (var j = 0; j < _top; j++)
        {
            var slot = order[j];
            if (slots[slot].Company != hit.Company) continue;
            if (Hit.Compare(hit, slots[slot]) >= 0) return;
            // The company's earlier hit leaves; its slot becomes the first free one.
            order.AsSpan(j + 1, _top - j - 1).CopyTo(order.AsSpan(j));
            order[--_top] = slot;
            break;
        }
        // When full, the last company leaves: its slot is then the first free one.
        if (_top == _capacityK) _top--;
        var free = order[_top];
        var at = _top;
        while (at > 0 && Hit.Compare(hit, slots[order[at - 1]]) < 0) at--;
        order.AsSpan(at, _top - at).CopyTo(order.AsSpan(at + 1));
        order[at] = free;
        slots[free] = hit;
        _top++;
        if (_top == _capacityK && _prune) _threshold = slots[order[_top - 1]].S;
    }
}
