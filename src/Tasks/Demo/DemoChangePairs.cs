using GeoDense.Geo;

namespace GeoDense.Tasks.Demo;

/// <summary>
/// Training pairs for the demo's change model, cut from demo areas of other seeds than the one the demo scores (same
/// generator: buildings demolished and built, date 2 under another sun) and written in CDD's layout (`A/`, `B/`, `OUT/`
/// PNGs, masks 0/255). Every crop with a change is kept, and as many without one: most of a town does not change.
/// </summary>
public static class DemoChangePairs
{
    /// <returns>how many pairs were written</returns>
    public static int WriteCdd(string root, IEnumerable<int> seeds, int areaSize, int crop)
    {
        foreach (var d in new[] { "A", "B", "OUT" }) Directory.CreateDirectory(Path.Combine(root, d));
        int written = 0;
        foreach (var seed in seeds)
        {
            var images = new DemoArea(areaSize, areaSize, FieldRows: 0, seed).Render();
            var crops = new List<(int X, int Y, bool Changed)>();
            for (int y = 0; y + crop <= areaSize; y += crop)
                for (int x = 0; x + crop <= areaSize; x += crop)
                    crops.Add((x, y, Enumerable.Range(y, crop).Any(r => images.Change.AsSpan(r * areaSize + x, crop).Contains((byte)1))));
            int changed = crops.Count(c => c.Changed);
            foreach (var (x, y, _) in crops.Where(c => c.Changed).Concat(crops.Where(c => !c.Changed).Take(Math.Max(changed, 1))))
            {
                var name = $"{written++:D5}.png";
                Write(Path.Combine(root, "A", name), Crop(images.Date1, 3, areaSize, x, y, crop), 3, crop);
                Write(Path.Combine(root, "B", name), Crop(images.Date2, 3, areaSize, x, y, crop), 3, crop);
                Write(Path.Combine(root, "OUT", name), Crop(images.Change, 1, areaSize, x, y, crop).Select(v => v == 1 ? (byte)255 : (byte)0).ToArray(), 1, crop);
            }
        }
        return written;
    }

    static byte[] Crop(byte[] planes, int bands, int size, int x, int y, int crop)
    {
        var result = new byte[bands * crop * crop];
        for (int b = 0; b < bands; b++)
            for (int r = 0; r < crop; r++)
                planes.AsSpan(b * size * size + (y + r) * size + x, crop).CopyTo(result.AsSpan(b * crop * crop + r * crop));
        return result;
    }

    static void Write(string path, byte[] planes, int bands, int size)
    {
        using var memory = Raster.CreateInMemory(new RasterSpec(size, size, bands, RasterDataType.Byte));
        memory.Write<byte>(PixelWindow.Full(size, size), Enumerable.Range(1, bands).ToArray(), planes);
        RasterWriter.WriteCopy(memory, path, "PNG", null);
    }
}
