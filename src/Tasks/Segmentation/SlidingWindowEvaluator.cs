using GeoDense.Geo;

namespace GeoDense.Tasks.Segmentation;

public sealed record SlidingWindowOptions(int TileSize, int Stride, int BatchSize, int[] Bands, byte IgnoreIndex, int ScoredClasses);

/// <summary>
/// The reference test protocol over whole rasters: mmseg `mode='slide'` (crop 512, stride 384, last window moved
/// back to the edge, logits averaged where windows overlap, argmax), scored against the labels in a confusion
/// matrix. Streams row bands, so whole Potsdam tiles never sit in memory as logits.
/// </summary>
public static class SlidingWindowEvaluator
{
    public static ConfusionMatrix Evaluate(TileInference inference, IReadOnlyList<LabelledRaster> rasters, SlidingWindowOptions o,
        Action<int, int>? windowsDone = null)
    {
        var matrix = new ConfusionMatrix(o.ScoredClasses);
        using var reader = new LabelledWindowReader(rasters, o.Bands, o.IgnoreIndex, o.ScoredClasses);
        for (int r = 0; r < rasters.Count; r++)
        {
            int raster = r, width = reader.Size(r).Width;
            Predict(inference, reader, raster, o,
                (y, classes) => matrix.Add(classes, reader.ReadLabels(raster, new PixelWindow(0, y, width, classes.Length / width))),
                windowsDone);
        }
        return matrix;
    }

    /// <summary>Slide inference over one raster; hands out class rows in blocks (first row, rows x width classes).</summary>
    public static void Predict(TileInference inference, LabelledWindowReader reader, int raster, SlidingWindowOptions o,
        Action<int, byte[]> rowsDone, Action<int, int>? windowsDone = null)
    {
        var (width, height) = reader.Size(raster);
        var windows = WindowGrid.Create(width, height, new GridOptions(o.TileSize, o.Stride, PadSmallRasters: false));
        int tileH = windows[0].Source.Height, tileW = windows[0].Source.Width;
        var average = new SlidingAverage(width, height, inference.Classes, tileH);
        var block = new RowBlock(width, 64, rowsDone);
        void Emit(int row, float[] logits) => block.Add(row, logits, inference.Classes);
        for (int start = 0; start < windows.Count; start += o.BatchSize)
        {
            var batch = windows.Skip(start).Take(o.BatchSize).Select(w => w.Source).ToList();
            var pixels = batch.SelectMany(w => reader.ReadImage(raster, w)).ToArray();
            var logits = inference.Run(pixels, batch.Count, o.Bands.Length, tileH, tileW);
            int per = inference.Classes * tileH * tileW;
            for (int n = 0; n < batch.Count; n++)
                average.Add(batch[n].X, batch[n].Y, tileW, tileH, logits.AsSpan(n * per, per), Emit);
            windowsDone?.Invoke(start + batch.Count, windows.Count);
        }
        average.Finish(Emit);
        block.Flush();
    }

    /// <summary>Collects argmax rows into blocks so labels are read in a few large windows, not row by row.</summary>
    sealed class RowBlock(int width, int capacity, Action<int, byte[]> done)
    {
        readonly byte[] buffer = new byte[width * capacity];
        int first = -1, count;

        public void Add(int row, float[] logits, int classes)
        {
            if (count == capacity || (count > 0 && row != first + count)) Flush();
            if (count == 0) first = row;
            SlidingAverage.Argmax(logits, classes, buffer.AsSpan(count * width, width));
            count++;
        }

        public void Flush()
        {
            if (count == 0) return;
            done(first, buffer.AsSpan(0, count * width).ToArray());
            count = 0;
        }
    }
}
