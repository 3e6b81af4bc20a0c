namespace GeoDense.Tasks.Segmentation;

/// <summary>
/// A synthetic Potsdam-like town: grass, a jittered road grid, roofed buildings in the blocks, round trees,
/// cars on the roads and a little clutter. The scene is a list of shapes, so any window of an arbitrarily large
/// scene renders independently (streaming writers, 8000 x 8000 mosaics) and deterministically from the seed.
/// Each class has its own colour range and texture, so a small model learns it in minutes.
/// </summary>
public sealed class SyntheticTown
{
    const int BandRows = 256;   // shapes are bucketed by 256-row bands so a window only visits nearby shapes
    readonly List<Shape>[] bands;
    readonly List<Shape> shapes;
    readonly uint seed;

    public int Width { get; }
    public int Height { get; }

    SyntheticTown(int width, int height, uint seed, List<Shape> shapes)
    {
        Width = width; Height = height; this.seed = seed; this.shapes = shapes;
        bands = new List<Shape>[(height + BandRows - 1) / BandRows];
        for (int i = 0; i < bands.Length; i++) bands[i] = [];
        foreach (var s in shapes)
            for (int b = Math.Max(0, s.Top / BandRows); b <= Math.Min(bands.Length - 1, (s.Bottom - 1) / BandRows); b++)
                bands[b].Add(s);
    }

    public static SyntheticTown Generate(int width, int height, int seed)
    {
        var rng = new Random(seed);
        var shapes = new List<Shape>();
        int order = 0;
        Shape Add(Shape s) { var placed = s with { Order = order++ }; shapes.Add(placed); return placed; }

        var rows = RoadLines(height, rng);
        var cols = RoadLines(width, rng);
        var roads = new List<Shape>();
        foreach (var (pos, w) in rows) roads.Add(Add(Shape.Rect(0, pos, width, pos + w, Kind.Road, rng)));
        foreach (var (pos, w) in cols) roads.Add(Add(Shape.Rect(pos, 0, pos + w, height, Kind.Road, rng)));

        // blocks between roads: buildings, a paved yard now and then, trees, clutter
        var ys = Edges(rows, height); var xs = Edges(cols, width);
        foreach (var (y0, y1) in ys)
            foreach (var (x0, x1) in xs)
                FillBlock(x0, y0, x1, y1, rng, s => Add(s));

        foreach (var road in roads) PlaceCars(road, rng, s => Add(s));
        return new SyntheticTown(width, height, (uint)seed * 2654435761u + 1, shapes);
    }

    /// <summary>The cars as rectangles [left, right) x [top, bottom) in scene pixels (trees may hide part of a parked one).</summary>
    public IEnumerable<(int Left, int Top, int Right, int Bottom)> Cars =>
        shapes.Where(s => s.Kind == Kind.Car).Select(s => (s.Left, s.Top, s.Right, s.Bottom));

    /// <summary>
    /// The same town at a later date: about <paramref name="demolishedShare"/> of the buildings gone (the grass, yard or
    /// trees around them show) and <paramref name="built"/> new buildings where no road, yard, car or building stands
    /// (trees make way). Textures are the same, so only the buildings differ between the two renders.
    /// </summary>
    public SyntheticTown Rebuilt(int seed, double demolishedShare, int built)
    {
        var rng = new Random(seed);
        var later = shapes.Where(s => s.Kind != Kind.Building || rng.NextDouble() >= demolishedShare).ToList();
        int order = shapes.Count;
        for (int added = 0, attempt = 0; added < built && attempt < 200 * built; attempt++)
        {
            int w = rng.Next(30, 80), h = rng.Next(30, 80);
            if (w + 8 >= Width || h + 8 >= Height) break;
            int x = rng.Next(4, Width - w - 4), y = rng.Next(4, Height - h - 4);
            // a margin of 4 pixels keeps the new roof clear of what stands (the change is the whole footprint)
            if (shapes.Concat(later).Any(s => s.Kind is not (Kind.Tree or Kind.Clutter)
                    && s.Left < x + w + 4 && x - 4 < s.Right && s.Top < y + h + 4 && y - 4 < s.Bottom)) continue;
            later.Add(Shape.Rect(x, y, x + w, y + h, Kind.Building, rng) with { Order = order++ });
            added++;
        }
        return new SyntheticTown(Width, Height, seed: this.seed, later);
    }

    /// <summary>Renders a window: band-sequential R, G, B (width*height each) and class indices.</summary>
    public void Render(int x0, int y0, int width, int height, Span<byte> red, Span<byte> green, Span<byte> blue, Span<byte> classes)
    {
        var owner = new Shape?[width];
        for (int y = 0; y < height; y++)
        {
            int gy = y0 + y;
            Array.Clear(owner);
            // shapes are stored in paint order, so later spans overwrite earlier ones
            if (gy >= 0 && gy < Height)
                foreach (var s in bands[gy / BandRows])
                    if (s.RowSpan(gy) is (int from, int to))
                        for (int gx = Math.Max(from, x0); gx < Math.Min(to, x0 + width); gx++) owner[gx - x0] = s;
            for (int x = 0; x < width; x++)
            {
                int i = y * width + x;
                var top = owner[x];
                var kind = top?.Kind ?? Kind.Grass;
                var (r, g, b) = Paint(kind, top, x0 + x, gy);
                red[i] = r; green[i] = g; blue[i] = b;
                classes[i] = ClassOf(kind);
            }
        }
    }

    /// <summary>The whole scene rendered at once (small scenes only).</summary>
    public (byte[] Red, byte[] Green, byte[] Blue, byte[] Classes) RenderAll()
    {
        int n = Width * Height;
        var (r, g, b, c) = (new byte[n], new byte[n], new byte[n], new byte[n]);
        Render(0, 0, Width, Height, r, g, b, c);
        return (r, g, b, c);
    }

    /// <summary>
    /// The "noBoundary" variant: pixels within <paramref name="radius"/> of a different class get
    /// <paramref name="ignore"/> (Potsdam's eroded labels paint them black).
    /// </summary>
    public static byte[] EraseBoundaries(ReadOnlySpan<byte> classes, int width, int height, int radius, byte ignore)
    {
        var result = classes.ToArray();
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                byte c = classes[y * width + x];
                for (int dy = -radius; dy <= radius && result[y * width + x] != ignore; dy++)
                    for (int dx = -radius; dx <= radius; dx++)
                    {
                        int yy = y + dy, xx = x + dx;
                        if (yy < 0 || yy >= height || xx < 0 || xx >= width) continue;
                        if (classes[yy * width + xx] != c) { result[y * width + x] = ignore; break; }
                    }
            }
        return result;
    }

    static byte ClassOf(Kind k) => k switch
    {
        Kind.Road or Kind.Yard => 0,
        Kind.Building => 1,
        Kind.Grass => 2,
        Kind.Tree => 3,
        Kind.Car => 4,
        _ => 5,
    };

    (byte, byte, byte) Paint(Kind kind, Shape? s, int x, int y)
    {
        double fine = Noise(x, y, 0), coarse = Smooth(x, y, 24, 1), blob = Smooth(x, y, 4, 2);
        (double r, double g, double b) c = kind switch
        {
            Kind.Grass => (105 + 12 * coarse + 10 * fine, 160 + 15 * coarse + 10 * fine, 70 + 8 * fine),
            Kind.Tree => (30 + 18 * blob, 80 + 30 * blob + 6 * fine, 30 + 12 * blob),
            Kind.Road or Kind.Yard => Grey(s!.Tone + 6 * fine + 4 * coarse),
            Kind.Building => Roof(s!, x, y, fine),
            Kind.Car => (s!.Color.R + 8 * fine, s.Color.G + 8 * fine, s.Color.B + 8 * fine),
            _ => (150 + 20 * blob, 115 + 15 * blob, 80 + 10 * fine),
        };
        return (Clamp(c.r), Clamp(c.g), Clamp(c.b));
    }

    static (double, double, double) Grey(double v) => (v, v, v + 4);

    static (double, double, double) Roof(Shape s, int x, int y, double fine)
    {
        // a dark ridge along the long axis and darker eaves make roofs read as buildings
        bool wide = s.Right - s.Left >= s.Bottom - s.Top;
        double centre = wide ? (s.Top + s.Bottom) / 2.0 : (s.Left + s.Right) / 2.0;
        double shade = Math.Abs((wide ? y : x) - centre) < 1.5 ? 0.7
            : Math.Min(Math.Min(x - s.Left, s.Right - 1 - x), Math.Min(y - s.Top, s.Bottom - 1 - y)) < 2 ? 0.8 : 1.0;
        return (shade * (s.Color.R + 6 * fine), shade * (s.Color.G + 6 * fine), shade * (s.Color.B + 6 * fine));
    }

    static byte Clamp(double v) => (byte)Math.Clamp((int)Math.Round(v), 0, 255);

    // integer hash noise in [-1, 1]; value noise on a cell grid for textures larger than a pixel
    double Noise(int x, int y, uint salt)
    {
        uint h = (uint)x * 374761393u + (uint)y * 668265263u + seed + salt * 2246822519u;
        h = (h ^ (h >> 13)) * 1274126177u;
        h ^= h >> 16;
        return h / (double)uint.MaxValue * 2 - 1;
    }

    double Smooth(int x, int y, int cell, uint salt)
    {
        int cx = Math.DivRem(x, cell, out int rx), cy = Math.DivRem(y, cell, out int ry);
        double fx = (double)rx / cell, fy = (double)ry / cell;
        double top = Lerp(Noise(cx, cy, salt), Noise(cx + 1, cy, salt), fx);
        double bottom = Lerp(Noise(cx, cy + 1, salt), Noise(cx + 1, cy + 1, salt), fx);
        return Lerp(top, bottom, fy);
    }

    static double Lerp(double a, double b, double t) => a + (b - a) * t;

    static List<(int Pos, int Width)> RoadLines(int extent, Random rng)
    {
        var lines = new List<(int, int)>();
        for (int pos = rng.Next(40, 140); pos < extent - 20; pos += rng.Next(150, 260))
            lines.Add((pos, rng.Next(18, 30)));
        return lines;
    }

    static List<(int From, int To)> Edges(List<(int Pos, int Width)> roads, int extent)
    {
        var spans = new List<(int, int)>();
        int start = 0;
        foreach (var (pos, w) in roads) { if (pos > start) spans.Add((start, pos)); start = pos + w; }
        if (start < extent) spans.Add((start, extent));
        return spans;
    }

    static void FillBlock(int x0, int y0, int x1, int y1, Random rng, Action<Shape> add)
    {
        int w = x1 - x0, h = y1 - y0;
        if (w < 20 || h < 20) return;
        if (rng.NextDouble() < 0.35)
        {
            // paved yard (impervious) with a few parked cars
            int px = x0 + rng.Next(4, Math.Max(5, w / 3)), py = y0 + rng.Next(4, Math.Max(5, h / 3));
            var yard = Shape.Rect(px, py, Math.Min(x1 - 4, px + rng.Next(40, 100)), Math.Min(y1 - 4, py + rng.Next(40, 100)), Kind.Yard, rng);
            add(yard);
            for (int i = rng.Next(2, 7); i > 0; i--) PlaceCar(yard, rng, add, horizontal: rng.Next(2) == 0);
        }
        int buildings = rng.Next(1, 5);
        for (int i = 0; i < buildings; i++)
        {
            int bw = rng.Next(30, Math.Max(31, Math.Min(110, w - 10))), bh = rng.Next(30, Math.Max(31, Math.Min(110, h - 10)));
            if (bw >= w - 6 || bh >= h - 6) continue;
            int bx = x0 + rng.Next(4, w - bw - 2), by = y0 + rng.Next(4, h - bh - 2);
            add(Shape.Rect(bx, by, bx + bw, by + bh, Kind.Building, rng));
        }
        for (int i = w * h / 2500; i > 0; i--)
        {
            int r = rng.Next(6, 18);
            add(Shape.Disc(x0 + rng.Next(w), y0 + rng.Next(h), r, Kind.Tree));
        }
        if (rng.NextDouble() < 0.4)
        {
            int cx = x0 + rng.Next(w), cy = y0 + rng.Next(h);
            add(Shape.Rect(cx, cy, Math.Min(x1, cx + rng.Next(8, 24)), Math.Min(y1, cy + rng.Next(8, 24)), Kind.Clutter, rng));
        }
    }

    static void PlaceCars(Shape road, Random rng, Action<Shape> add)
    {
        bool horizontal = road.Right - road.Left > road.Bottom - road.Top;
        int length = horizontal ? road.Right - road.Left : road.Bottom - road.Top;
        for (int i = length / 70; i > 0; i--) PlaceCar(road, rng, add, horizontal);
    }

    static void PlaceCar(Shape area, Random rng, Action<Shape> add, bool horizontal)
    {
        int len = rng.Next(20, 29), wid = rng.Next(11, 15);
        int cw = horizontal ? len : wid, ch = horizontal ? wid : len;
        if (area.Right - area.Left < cw + 2 || area.Bottom - area.Top < ch + 2) return;
        int x = rng.Next(area.Left + 1, area.Right - cw), y = rng.Next(area.Top + 1, area.Bottom - ch);
        add(Shape.Rect(x, y, x + cw, y + ch, Kind.Car, rng));
    }

    enum Kind { Grass, Road, Yard, Building, Tree, Car, Clutter }

    sealed record Shape(Kind Kind, int Left, int Top, int Right, int Bottom, bool Round, (int R, int G, int B) Color, double Tone)
    {
        public int Order { get; init; }

        /// <summary>The columns [from, to) this shape covers on row y, or null.</summary>
        public (int, int)? RowSpan(int y)
        {
            if (y < Top || y >= Bottom) return null;
            if (!Round) return (Left, Right);
            double r = (Right - Left) / 2.0, dy = y + 0.5 - (Top + r);
            if (dy * dy > r * r) return null;
            double half = Math.Sqrt(r * r - dy * dy), cx = Left + r;
            int from = (int)Math.Ceiling(cx - half - 0.5), to = (int)Math.Floor(cx + half - 0.5) + 1;
            return from < to ? (from, to) : null;
        }

        public static Shape Rect(int l, int t, int r, int b, Kind kind, Random rng) =>
            new(kind, l, t, r, b, false, ColorFor(kind, rng), 130 + rng.Next(-12, 20));

        public static Shape Disc(int cx, int cy, int radius, Kind kind) =>
            new(kind, cx - radius, cy - radius, cx + radius, cy + radius, true, (0, 0, 0), 0);

        static (int, int, int) ColorFor(Kind kind, Random rng) => kind switch
        {
            // terracotta, brick, brown and plum roofs: none of them grey like the roads
            Kind.Building => rng.Next(4) switch { 0 => (190, 85, 60), 1 => (150, 55, 45), 2 => (120, 80, 60), _ => (110, 60, 100) },
            Kind.Car => rng.Next(5) switch { 0 => (220, 40, 40), 1 => (40, 60, 220), 2 => (245, 245, 245), 3 => (25, 25, 30), _ => (235, 205, 40) },
            _ => (0, 0, 0),
        };
    }
}
