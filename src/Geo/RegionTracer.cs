namespace GeoDense.Geo;

/// <summary>
/// A region of one class finished by <see cref="RegionTracer"/>: its outline and holes as closed rings of pixel-corner
/// coordinates (x = column, y = row; only corners, the first point not repeated), each packed into a long by
/// <see cref="RegionTracer.Pack"/>. In pixel space (y down) the exterior runs clockwise on screen and holes the other
/// way, so after a north-up geotransform (a reflection) exteriors are counter-clockwise, as RFC 7946 asks.
/// </summary>
internal sealed record TracedRegion(int ClassId, long[] Exterior, IReadOnlyList<long[]> Holes);

/// <summary>
/// Polygonises a class map streamed top to bottom, one row at a time: one region per 4-connected set of equal-class
/// pixels, as GDALPolygonize does, but holding only what crosses the current row. GDAL 3.6's polygoniser keeps an id for
/// every provisional region of the whole map and its GeoJSON writer builds each feature as a tree: 0.7 and 1.4 GB for a
/// 20000² class map. Here memory is the current row's open outlines (bounded by the width) plus the rings already closed
/// of regions still open (8 bytes per corner; a background region spanning the map keeps its holes until its last row).
///
/// How: every pixel edge between two different values is a boundary edge of each side that is a region, directed so
/// that its region lies on one fixed side. At each pixel corner the 2x2 pixels around it decide alone which incoming
/// edge continues as which outgoing one (turning around the corner through pixels of the same value; diagonal pixels
/// never connect). Edges meeting at a corner join into chains; a chain meeting its own start is a ring, which belongs
/// to the region (union-find over the rows' runs) of the pixel beside it. A region whose pixels ended in the previous
/// row has all its rings closed on the current line and is handed out.
/// </summary>
internal sealed class RegionTracer
{
    /// <summary>The value of a pixel outside every region: nodata, a skipped class, or beyond the map.</summary>
    public const int Outside = -1;

    private readonly int width;
    private readonly Action<TracedRegion> emit;
    private int row;   // the row the next Add call brings

    private int[] above, below;          // class values of rows row-1 and row (Outside beyond the map)
    private Region?[] aboveRegion, belowRegion;
    // chains hanging from the row above into the current line, per column: the one whose end (a downward edge) or whose
    // start (an upward edge) is the corner (x, row)
    private Chain?[] downEnds, upStarts, nextDownEnds, nextUpStarts;

    public RegionTracer(int width, Action<TracedRegion> emit)
    {
        if (width <= 0) throw new ArgumentOutOfRangeException(nameof(width));
        this.width = width;
        this.emit = emit;
        above = new int[width + 2];
        below = new int[width + 2];
        Array.Fill(above, Outside);
        Array.Fill(below, Outside);
        aboveRegion = new Region?[width + 2];
        belowRegion = new Region?[width + 2];
        downEnds = new Chain?[width + 1];
        upStarts = new Chain?[width + 1];
        nextDownEnds = new Chain?[width + 1];
        nextUpStarts = new Chain?[width + 1];
    }

    public static long Pack(int x, int y) => ((long)x << 32) | (uint)y;
    public static int X(long point) => (int)(point >> 32);
    public static int Y(long point) => (int)point;

    /// <summary>Takes the next row's class values (<see cref="Outside"/> for pixels that belong to no region).</summary>
    public void Add(ReadOnlySpan<int> values)
    {
        if (values.Length != width) throw new ArgumentException($"A row of {values.Length} values, expected {width}.");
        // the arrays carry one Outside column on each side so that a corner's left and right pixels need no bounds check
        values.CopyTo(below.AsSpan(1, width));
        LabelRuns();
        TraceLine();
        EmitFinished();
        (above, below) = (below, above);
        (aboveRegion, belowRegion) = (belowRegion, aboveRegion);
        row++;
    }

    /// <summary>Closes the map: the line below the last row, after which every region has been handed out.</summary>
    public void Complete()
    {
        Array.Fill(below, Outside);
        Array.Fill(belowRegion, null);
        TraceLine();
        EmitFinished();
        Array.Fill(above, Outside);
        Array.Fill(aboveRegion, null);
    }

    /// <summary>Gives each run of equal values in the new row its region, merging the regions of the row above it touches.</summary>
    private void LabelRuns()
    {
        for (int x = 1; x <= width;)
        {
            int value = below[x], end = x + 1;
            while (end <= width && below[end] == value) end++;
            if (value == Outside)
            {
                Array.Fill(belowRegion, null, x, end - x);
                x = end;
                continue;
            }
            Region? region = null;
            for (int i = x; i < end; i++)
                // consecutive pixels of one run above share a region: only its first pixel in this range needs a look
                if (above[i] == value && (i == x || aboveRegion[i] != aboveRegion[i - 1]))
                    region = region is null ? aboveRegion[i]!.Root() : Region.Union(region, aboveRegion[i]!);
            region ??= new Region(value);
            Array.Fill(belowRegion, region, x, end - x);
            x = end;
        }
        // unions later in the row may have re-rooted earlier runs: every pixel gets its root, which is alive in this row
        for (int x = 1; x <= width; x++)
            if (belowRegion[x] is { } r)
            {
                var root = r.Root();
                belowRegion[x] = root;
                root.LastRow = row;
            }
    }

    /// <summary>
    /// Joins the boundary edges meeting at each corner (x, row) of the line between the row above and the new row. Around
    /// a corner, quadrants 0..3 are the pixels top-left, top-right, bottom-right, bottom-left; arm k is the edge between
    /// quadrants k and k+1 (0 up, 1 right, 2 down, 3 left). An edge arriving along arm k belongs to quadrant k+1's region
    /// and leaves along the arm after the last quadrant, going round from k+1, of the same value.
    /// </summary>
    private void TraceLine()
    {
        Chain? rightEnd = null, leftStart = null;   // the horizontal edges ending / starting at the next corner
        Span<int> q = stackalloc int[4];
        for (int x = 0; x <= width; x++)
        {
            q[0] = above[x]; q[1] = above[x + 1]; q[2] = below[x + 1]; q[3] = below[x];
            Chain? nextRightEnd = null, nextLeftStart = null;
            nextDownEnds[x] = null;
            nextUpStarts[x] = null;
            if (q[0] == q[1] && q[1] == q[2] && q[2] == q[3])
            {
                rightEnd = leftStart = null;
                continue;
            }
            var point = Pack(x, row);
            for (int k = 0; k < 4; k++)
            {
                int owner = (k + 1) & 3;
                if (q[k] == q[owner] || q[owner] == Outside) continue;
                int j = owner;
                while (q[(j + 1) & 3] == q[j]) j = (j + 1) & 3;
                bool corner = j != ((k + 2) & 3);

                // a turn where the pixel's diagonal neighbour has its class: if that neighbour is the same region (joined
                // elsewhere), the ring will pass here twice, which OGC forbids; it is split there when it closes
                long? pinch = j == owner && q[(owner + 2) & 3] == q[owner] ? point : null;

                // arms 0 (up) and 3 (left) bring edges traced already; 1 (right) and 2 (down) are new at this corner
                Chain? arriving = k switch { 0 => downEnds[x], 3 => rightEnd, _ => null };
                Chain? leaving = j switch { 0 => upStarts[x], 3 => leftStart, _ => null };
                Chain chain;
                if (arriving is null && leaving is null) chain = new Chain(point);
                else if (leaving is null) chain = arriving!.Root().Append(point, corner);
                else if (arriving is null) chain = leaving.Root().Prepend(point, corner);
                else
                {
                    var (a, b) = (arriving.Root(), leaving.Root());
                    if (a == b)
                    {
                        a.NotePinch(pinch);
                        CloseRing(a, point, corner, QuadrantRegion(owner, x));
                        continue;
                    }
                    Chain.Join(a, point, corner, b).NotePinch(pinch);
                    continue;
                }
                chain.NotePinch(pinch);
                // the chain now hangs at the far end of each new edge
                if (k == 1) nextLeftStart = chain;
                else if (k == 2) nextUpStarts[x] = chain;
                if (j == 1) nextRightEnd = chain;
                else if (j == 2) nextDownEnds[x] = chain;
            }
            rightEnd = nextRightEnd;
            leftStart = nextLeftStart;
        }
        (downEnds, nextDownEnds) = (nextDownEnds, downEnds);
        (upStarts, nextUpStarts) = (nextUpStarts, upStarts);
    }

    private Region QuadrantRegion(int quadrant, int x) => (quadrant switch
    {
        0 => aboveRegion[x], 1 => aboveRegion[x + 1], 2 => belowRegion[x + 1], _ => belowRegion[x],
    })!.Root();

    private static void CloseRing(Chain chain, long point, bool corner, Region region)
    {
        if (corner) chain.Append(point, corner: true);
        var rings = region.Rings ??= [];
        if (chain.Pinches is { } pinches) rings.AddRange(SplitAtPinches(chain.ToArray(), pinches));
        else rings.Add(chain.ToArray());
        chain.Release();
    }

    /// <summary>
    /// Splits a ring that passes a corner twice into the loops between the passes (an outline touching itself becomes an
    /// exterior and a hole touching it at that corner; a hole in two parts, two holes). Only the noted corners are looked at.
    /// </summary>
    private static IEnumerable<long[]> SplitAtPinches(long[] ring, HashSet<long> pinches)
    {
        var open = new List<long>(ring.Length);
        var seenAt = new Dictionary<long, int>();
        foreach (var p in ring)
        {
            if (!pinches.Contains(p))
            {
                open.Add(p);
                continue;
            }
            if (seenAt.TryGetValue(p, out int first))
            {
                // the loop since the first pass is closed: out it goes, the corner stays once
                yield return open.GetRange(first, open.Count - first).ToArray();
                for (int i = first + 1; i < open.Count; i++) seenAt.Remove(open[i]);
                open.RemoveRange(first + 1, open.Count - first - 1);
                continue;
            }
            seenAt[p] = open.Count;
            open.Add(p);
        }
        yield return open.ToArray();
    }

    /// <summary>Hands out the regions of the row above that do not reach the new row: all their rings closed on this line.</summary>
    private void EmitFinished()
    {
        for (int x = 1; x <= width; x++)
        {
            if (aboveRegion[x] is not { } r || (x > 1 && aboveRegion[x - 1] == r)) continue;
            var root = r.Root();
            if (root.LastRow >= row || root.Rings is null) continue;
            var rings = root.Rings;
            root.Rings = null;   // handed out once, whichever pixel of the row above finds it first
            emit(Assemble(root.ClassId, rings));
        }
    }

    /// <summary>The exterior is the one ring running clockwise on screen (negative area with y down); the rest are holes.</summary>
    private static TracedRegion Assemble(int classId, List<long[]> rings)
    {
        int exterior = -1;
        for (int i = 0; i < rings.Count; i++)
            if (TwiceSignedArea(rings[i]) < 0)
            {
                if (exterior >= 0) throw new InvalidOperationException($"A traced region of class {classId} has two outer rings.");
                exterior = i;
            }
        if (exterior < 0) throw new InvalidOperationException($"A traced region of class {classId} has no outer ring.");
        var holes = new List<long[]>(rings.Count - 1);
        for (int i = 0; i < rings.Count; i++)
            if (i != exterior) holes.Add(rings[i]);
        return new TracedRegion(classId, rings[exterior], holes);
    }

    public static long TwiceSignedArea(long[] ring)
    {
        long sum = 0;
        for (int i = 0; i < ring.Length; i++)
        {
            long p = ring[i], n = ring[(i + 1) % ring.Length];
            sum += (long)X(p) * Y(n) - (long)X(n) * Y(p);
        }
        return sum;
    }

    /// <summary>A provisional region: union-find over the runs of the rows seen so far.</summary>
    private sealed class Region(int classId)
    {
        public readonly int ClassId = classId;
        public Region? Parent;
        public int LastRow;
        public List<long[]>? Rings;

        public Region Root()
        {
            var r = this;
            while (r.Parent is { } p)
            {
                if (p.Parent is { } grand) r.Parent = grand;   // path halving
                r = p;
            }
            return r;
        }

        public static Region Union(Region a, Region b)
        {
            (a, b) = (a.Root(), b.Root());
            if (a == b) return a;
            b.Parent = a;
            a.LastRow = Math.Max(a.LastRow, b.LastRow);
            if (b.Rings is not null)
            {
                if (a.Rings is null) a.Rings = b.Rings;
                else a.Rings.AddRange(b.Rings);
                b.Rings = null;
            }
            return a;
        }
    }

    /// <summary>
    /// An open piece of boundary: its corners in order (a deque: <c>front</c> holds the first ones reversed). Joined
    /// chains forward to the survivor, so references hanging at either end stay valid.
    /// </summary>
    private sealed class Chain
    {
        private List<long> front = [], back = [];
        private Chain? forward;

        public Chain(long corner) => back.Add(corner);

        private int Count => front.Count + back.Count;

        public Chain Root()
        {
            var c = this;
            while (c.forward is { } f)
            {
                if (f.forward is { } further) c.forward = further;
                c = f;
            }
            return c;
        }

        public Chain Append(long point, bool corner)
        {
            if (corner) back.Add(point);
            return this;
        }

        public Chain Prepend(long point, bool corner)
        {
            if (corner) front.Add(point);
            return this;
        }

        /// <summary>Corners where the ring may touch itself (see <see cref="SplitAtPinches"/>); null while there is none.</summary>
        public HashSet<long>? Pinches { get; private set; }

        public void NotePinch(long? point)
        {
            if (point is { } p) (Pinches ??= []).Add(p);
        }

        /// <summary>first's corners, the meeting point if it is a corner, then second's: the longer chain takes the shorter.</summary>
        public static Chain Join(Chain first, long point, bool corner, Chain second)
        {
            var (survivor, other) = first.Count >= second.Count ? (first, second) : (second, first);
            if (other.Pinches is { } pinches)
                if (survivor.Pinches is null) survivor.Pinches = pinches;
                else survivor.Pinches.UnionWith(pinches);
            if (survivor == first)
            {
                first.Append(point, corner);
                for (int i = second.front.Count - 1; i >= 0; i--) first.back.Add(second.front[i]);
                first.back.AddRange(second.back);
                second.Forward(first);
            }
            else
            {
                second.Prepend(point, corner);
                for (int i = first.back.Count - 1; i >= 0; i--) second.front.Add(first.back[i]);
                second.front.AddRange(first.front);
                first.Forward(second);
            }
            return survivor;
        }

        private void Forward(Chain survivor)
        {
            forward = survivor;
            Release();
        }

        public long[] ToArray()
        {
            var ring = new long[Count];
            for (int i = 0; i < front.Count; i++) ring[i] = front[front.Count - 1 - i];
            back.CopyTo(ring, front.Count);
            return ring;
        }

        public void Release()
        {
            front = back = [];
            Pinches = null;
        }
    }
}
