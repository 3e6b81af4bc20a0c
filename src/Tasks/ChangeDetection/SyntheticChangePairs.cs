using GeoDense.Geo;
using GeoDense.Tasks.Training;

namespace GeoDense.Tasks.ChangeDetection;

/// <summary>
/// Synthetic two-date scenes for tests, the learning test and demos: textured ground with buildings; between the
/// dates some buildings are built and some demolished (the change mask is their footprints), and the whole after
/// image gets another illumination and colour cast (per-channel gain and offset) plus its own sensor noise — which
/// must NOT count as change. Deterministic in (seed, index).
/// </summary>
public static class SyntheticChangePairs
{
    /// <summary>One pair: RGB planes (band-major bytes) of both dates and the 0/1 mask.</summary>
    public sealed record Pair(byte[] Before, byte[] After, byte[] Label, int Width, int Height);

    sealed record Building(int X, int Y, int W, int H, byte R, byte G, byte B);

    public static Pair Generate(int width, int height, long seed, long index)
    {
        // a counter-based stream: the same pair on every runtime (System.Random's algorithm is not promised)
        var rng = new CounterRandom(seed, TrainingStream.DataOrder, index);
        int plane = width * height;
        var ground = Ground(width, height, rng);
        // buildings of 16..31 pixels on a 64 pixel scene (24..47 on large ones): well above the model's stride-8 decoder grid
        int side = Math.Min(width, height);
        int minSide = Math.Clamp(side / 4, 4, 24), maxSide = Math.Clamp(side / 2, minSide + 1, 48);
        Building NewBuilding()
        {
            int w = rng.Next(minSide, maxSide), h = rng.Next(minSide, maxSide);
            var (r, g, b) = rng.Next(3) switch
            {
                0 => (rng.Next(150, 230), rng.Next(60, 110), rng.Next(40, 90)),     // red tiles
                1 => (rng.Next(170, 240), rng.Next(170, 240), rng.Next(170, 240)), // light concrete
                _ => (rng.Next(60, 110), rng.Next(60, 110), rng.Next(70, 130)),     // dark roofing
            };
            return new Building(rng.Next(0, width - w), rng.Next(0, height - h), w, h, (byte)r, (byte)g, (byte)b);
        }
        var kept = Enumerable.Range(0, rng.Next(0, 3)).Select(_ => NewBuilding()).ToList();
        var demolished = Enumerable.Range(0, rng.Next(0, 3)).Select(_ => NewBuilding()).ToList();
        var built = Enumerable.Range(0, rng.Next(1, 3)).Select(_ => NewBuilding()).ToList();

        // standing buildings are drawn last: where one covers a changed footprint, both dates show it
        var before = Render(ground, width, height, [.. demolished, .. kept]);
        var after = Render(ground, width, height, [.. built, .. kept]);
        var label = new byte[plane];
        foreach (var b in demolished.Concat(built)) Fill(label, width, b, 1);
        foreach (var b in kept) Fill(label, width, b, 0);

        // global illumination and colour cast of the second date, and each date's own sensor noise
        var gain = new[] { 0.7 + 0.6 * rng.NextDouble(), 0.7 + 0.6 * rng.NextDouble(), 0.7 + 0.6 * rng.NextDouble() };
        var offset = new[] { rng.Next(-25, 26), rng.Next(-25, 26), rng.Next(-25, 26) };
        var beforeBytes = new byte[3 * plane];
        var afterBytes = new byte[3 * plane];
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < plane; i++)
            {
                beforeBytes[c * plane + i] = Clamp(before[c * plane + i] + Noise(rng));
                afterBytes[c * plane + i] = Clamp(after[c * plane + i] * gain[c] + offset[c] + Noise(rng));
            }
        return new Pair(beforeBytes, afterBytes, label, width, height);
    }

    /// <summary>Soft fields: a base colour per scene, large blotches and fine texture.</summary>
    static float[] Ground(int width, int height, Random rng)
    {
        int plane = width * height;
        var ground = new float[3 * plane];
        var baseColour = rng.Next(2) == 0 ? new[] { 90f, 130f, 70f } : new[] { 150f, 130f, 95f };
        double fx = 2 * Math.PI / (width * (0.5 + rng.NextDouble())), fy = 2 * Math.PI / (height * (0.5 + rng.NextDouble()));
        double px = rng.NextDouble() * 6.3, py = rng.NextDouble() * 6.3;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                float blotch = (float)(18 * Math.Sin(fx * x + px) * Math.Cos(fy * y + py));
                for (int c = 0; c < 3; c++) ground[c * plane + y * width + x] = baseColour[c] + blotch + (float)(rng.NextDouble() * 16 - 8);
            }
        return ground;
    }

    static float[] Render(float[] ground, int width, int height, IEnumerable<Building> buildings)
    {
        var image = (float[])ground.Clone();
        int plane = width * height;
        foreach (var b in buildings)
            for (int y = b.Y; y < b.Y + b.H; y++)
                for (int x = b.X; x < b.X + b.W; x++)
                {
                    // a darker rim reads as the roof's edge
                    float shade = x == b.X || y == b.Y || x == b.X + b.W - 1 || y == b.Y + b.H - 1 ? 0.75f : 1f;
                    image[y * width + x] = b.R * shade;
                    image[plane + y * width + x] = b.G * shade;
                    image[2 * plane + y * width + x] = b.B * shade;
                }
        return image;
    }

    static void Fill(byte[] mask, int width, Building b, byte value)
    {
        for (int y = b.Y; y < b.Y + b.H; y++) mask.AsSpan(y * width + b.X, b.W).Fill(value);
    }

    static float Noise(Random rng) => (float)(rng.NextDouble() * 10 - 5);
    static byte Clamp(double v) => (byte)Math.Clamp(Math.Round(v), 0, 255);

    /// <summary>
    /// Writes <paramref name="count"/> pairs in CDD's distributed layout: `A/`, `B/` (images), `OUT/` (0/255 masks),
    /// equal file names `00000.{extension}`; extension png or jpg (masks follow it, as CDD's do).
    /// </summary>
    public static IReadOnlyList<ChangePair> WriteCdd(string root, int count, int size, long seed, string extension = "png", int firstIndex = 0)
    {
        var driver = extension switch { "png" => "PNG", "jpg" => "JPEG", _ => throw new ArgumentException($"extension {extension}: use png or jpg") };
        foreach (var d in new[] { "A", "B", "OUT" }) Directory.CreateDirectory(Path.Combine(root, d));
        var pairs = new List<ChangePair>();
        for (int i = 0; i < count; i++)
        {
            var pair = Generate(size, size, seed, firstIndex + i);
            string name = $"{firstIndex + i:D5}.{extension}";
            var paths = new ChangePair(Path.Combine(root, "A", name), Path.Combine(root, "B", name), Path.Combine(root, "OUT", name), ChangeLabelRule.Bright);
            WriteImage(paths.Before, pair.Before, 3, size, size, driver);
            WriteImage(paths.After, pair.After, 3, size, size, driver);
            WriteImage(paths.Label, pair.Label.Select(v => v == 1 ? (byte)255 : (byte)0).ToArray(), 1, size, size, driver);
            pairs.Add(paths);
        }
        return pairs;
    }

    static void WriteImage(string path, byte[] planes, int bands, int width, int height, string driver)
    {
        using var memory = Raster.CreateInMemory(new RasterSpec(width, height, bands, RasterDataType.Byte));
        memory.Write<byte>(new PixelWindow(0, 0, width, height), Enumerable.Range(1, bands).ToArray(), planes);
        RasterWriter.WriteCopy(memory, path, driver, driver == "JPEG" ? new Dictionary<string, string> { ["QUALITY"] = "95" } : null);
    }
}
