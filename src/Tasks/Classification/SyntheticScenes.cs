using GeoDense.Geo;

namespace GeoDense.Tasks.Classification;

/// <summary>
/// Writes a small scene-classification folder: four aerial-looking classes that stay distinguishable under
/// flips and 90° turns (water: smooth blue-green; forest: dark green crowns; urban: grey roofs on a grid;
/// farmland: straw/brown crop strips at any angle). Colours and layouts vary per scene. Mostly PNG, every
/// fourth scene a GeoTIFF, so both GDAL paths are read.
/// </summary>
public static class SyntheticScenes
{
    public static readonly string[] Classes = ["farmland", "forest", "urban", "water"];

    public static string Create(string root, int perClass, int size, int seed)
    {
        var random = new Random(seed);
        foreach (var (name, label) in Classes.Select((c, i) => (c, i)))
        {
            var dir = Path.Combine(root, name);
            Directory.CreateDirectory(dir);
            for (var i = 0; i < perClass; i++)
            {
                var planes = Draw(label, size, random);
                if (i % 4 == 3) WriteGeoTiff(Path.Combine(dir, $"{name}_{i:D3}.tif"), planes, size);
                else PngFile.WriteRgb(Path.Combine(dir, $"{name}_{i:D3}.png"), planes, size, size);
            }
        }
        return root;
    }

    private static byte[] Draw(int label, int size, Random random)
    {
        var rgb = new double[3, size, size];
        double Jitter(double v, double by) => v + (random.NextDouble() * 2 - 1) * by;
        void Fill(double r, double g, double b)
        {
            for (var y = 0; y < size; y++)
                for (var x = 0; x < size; x++)
                {
                    rgb[0, y, x] = r; rgb[1, y, x] = g; rgb[2, y, x] = b;
                }
        }
        switch (Classes[label])
        {
            case "water":
                Fill(Jitter(40, 15), Jitter(90, 20), Jitter(120, 20));
                break;
            case "forest":
                Fill(Jitter(60, 15), Jitter(90, 15), Jitter(50, 15));
                for (var k = 0; k < size * size / 40; k++)
                {
                    int cx = random.Next(size), cy = random.Next(size), r = 2 + random.Next(3);
                    var shade = Jitter(0, 20);
                    for (var y = Math.Max(0, cy - r); y < Math.Min(size, cy + r + 1); y++)
                        for (var x = Math.Max(0, cx - r); x < Math.Min(size, cx + r + 1); x++)
                            if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r)
                            {
                                rgb[0, y, x] = 30 + shade; rgb[1, y, x] = 70 + shade; rgb[2, y, x] = 30 + shade;
                            }
                }
                break;
            case "urban":
                Fill(Jitter(110, 15), Jitter(110, 15), Jitter(105, 15));
                var cell = 10 + random.Next(6);
                for (var gy = 1; gy + cell - 3 < size; gy += cell)
                    for (var gx = 1; gx + cell - 3 < size; gx += cell)
                    {
                        var roof = Jitter(170, 50);
                        for (var y = gy; y < Math.Min(size, gy + cell - 4); y++)
                            for (var x = gx; x < Math.Min(size, gx + cell - 4); x++)
                            {
                                rgb[0, y, x] = roof + 20; rgb[1, y, x] = roof; rgb[2, y, x] = roof - 10;
                            }
                    }
                break;
            default: // farmland
                var angle = random.NextDouble() * Math.PI;
                var period = 6 + random.Next(6);
                var (r1, g1, b1) = (Jitter(190, 20), Jitter(170, 20), Jitter(90, 20));
                var (r2, g2, b2) = (Jitter(130, 20), Jitter(100, 20), Jitter(60, 20));
                for (var y = 0; y < size; y++)
                    for (var x = 0; x < size; x++)
                    {
                        var strip = (int)Math.Floor((x * Math.Cos(angle) + y * Math.Sin(angle)) / period) % 2 == 0;
                        rgb[0, y, x] = strip ? r1 : r2; rgb[1, y, x] = strip ? g1 : g2; rgb[2, y, x] = strip ? b1 : b2;
                    }
                break;
        }
        var planes = new byte[3 * size * size];
        for (var c = 0; c < 3; c++)
            for (var y = 0; y < size; y++)
                for (var x = 0; x < size; x++)
                    planes[(c * size + y) * size + x] = (byte)Math.Clamp(rgb[c, y, x] + Jitter(0, 8), 0, 255);
        return planes;
    }

    private static void WriteGeoTiff(string path, byte[] planes, int size)
    {
        using var writer = RasterWriter.Create(path, new RasterSpec(size, size, 3, RasterDataType.Byte));
        writer.Write<byte>(PixelWindow.Full(size, size), [1, 2, 3], planes);
        writer.Commit();
    }
}
