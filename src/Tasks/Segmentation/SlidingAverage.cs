namespace GeoDense.Tasks.Segmentation;

/// <summary>
/// mmseg's slide inference, streamed: logits of overlapping windows are summed per pixel with a count,
/// and rows are handed out (averaged) as soon as no later window can touch them. Windows must arrive in
/// grid order (rows of windows top to bottom), so memory holds one window-height band of rows, never the image.
/// </summary>
public sealed class SlidingAverage(int width, int height, int channels, int windowHeight)
{
    readonly float[] sum = new float[(long)channels * windowHeight * width is var n && n < int.MaxValue ? (int)n
        : throw new ArgumentException($"a {width}-pixel wide band of {windowHeight} rows x {channels} channels is too large")];
    readonly int[] count = new int[windowHeight * width];
    int origin;   // image row held at band row 0; rows above it are already handed out

    public int Width => width;
    public int Channels => channels;

    /// <summary>Adds one window's logits (channels x h x w, row-major) whose top-left pixel is (x, y).</summary>
    public void Add(int x, int y, int w, int h, ReadOnlySpan<float> logits, Action<int, float[]> emitRow)
    {
        if (logits.Length != channels * h * w) throw new ArgumentException($"expected {channels}x{h}x{w} logits, got {logits.Length}");
        if (y < origin) throw new InvalidOperationException($"window at row {y} arrived after rows up to {origin} were emitted");
        if (h > windowHeight) throw new ArgumentException($"window of {h} rows exceeds the band of {windowHeight}");
        EmitUntil(y, emitRow);   // a window starting lower means every row above it is final
        int plane = windowHeight * width;
        for (int c = 0; c < channels; c++)
            for (int r = 0; r < h; r++)
            {
                var src = logits.Slice((c * h + r) * w, w);
                var dst = sum.AsSpan(c * plane + (y - origin + r) * width + x, w);
                for (int i = 0; i < w; i++) dst[i] += src[i];
            }
        for (int r = 0; r < h; r++)
        {
            var cnt = count.AsSpan((y - origin + r) * width + x, w);
            for (int i = 0; i < w; i++) cnt[i]++;
        }
    }

    /// <summary>Hands out every remaining row (call once all windows were added).</summary>
    public void Finish(Action<int, float[]> emitRow) => EmitUntil(height, emitRow);

    /// <summary>Emits rows [origin, row) as channels x width averaged logits and shifts the band up.</summary>
    void EmitUntil(int row, Action<int, float[]> emitRow)
    {
        int rows = Math.Min(row, height) - origin;
        if (rows <= 0) return;
        int plane = windowHeight * width;
        var line = new float[channels * width];
        for (int r = 0; r < rows; r++)
        {
            for (int i = 0; i < width; i++)
            {
                int k = count[r * width + i];
                float scale = k == 0 ? 0 : 1f / k;
                for (int c = 0; c < channels; c++) line[c * width + i] = sum[c * plane + r * width + i] * scale;
            }
            emitRow(origin + r, line);
        }
        int keep = windowHeight - rows;
        for (int c = 0; c < channels; c++)
        {
            var band = sum.AsSpan(c * plane, plane);
            if (keep > 0) band.Slice(rows * width, keep * width).CopyTo(band);
            band.Slice(Math.Max(keep, 0) * width).Clear();
        }
        if (keep > 0) count.AsSpan(rows * width, keep * width).CopyTo(count);
        count.AsSpan(Math.Max(keep, 0) * width).Clear();
        origin += rows;
    }

    /// <summary>Index of the largest of <paramref name="channels"/> values per pixel of a channels x width row.</summary>
    public static void Argmax(ReadOnlySpan<float> row, int channels, Span<byte> classes)
    {
        int width = classes.Length;
        for (int i = 0; i < width; i++)
        {
            int best = 0; float top = row[i];
            for (int c = 1; c < channels; c++)
                if (row[c * width + i] > top) { top = row[c * width + i]; best = c; }
            classes[i] = (byte)best;
        }
    }
}
