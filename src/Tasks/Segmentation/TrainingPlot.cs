namespace GeoDense.Tasks.Segmentation;

/// <summary>
/// Draws the training curves (loss on the left, validation mIoU on the right) into an RGB raster, so the
/// trainer can write a PNG through the Geo writers without any plotting library. Each panel has a frame,
/// four grid lines, the axis range in a 3x5 pixel font and its curve.
/// </summary>
public static class TrainingPlot
{
    public const int Width = 960, Height = 360;
    const int Margin = 36, Gap = 40;

    /// <summary>Returns band-sequential R, G, B planes of Width x Height.</summary>
    public static byte[] Render(IReadOnlyList<(int Iteration, double Value)> loss, IReadOnlyList<(int Iteration, double Value)> miou)
    {
        var canvas = new Canvas(Width, Height);
        canvas.Fill(255, 255, 255);
        int panelWidth = (Width - 2 * Margin - Gap) / 2;
        int maxIter = Math.Max(1, Math.Max(loss.Count > 0 ? loss[^1].Iteration : 0, miou.Count > 0 ? miou[^1].Iteration : 0));
        double maxLoss = loss.Count > 0 ? Math.Max(1e-6, loss.Max(p => p.Value)) : 1;
        Panel(canvas, Margin, "LOSS", loss, maxIter, 0, maxLoss, (200, 60, 40));
        Panel(canvas, Margin + panelWidth + Gap, "MIOU", miou, maxIter, 0, 1, (40, 90, 200));
        return canvas.Pixels;

        void Panel(Canvas c, int left, string title, IReadOnlyList<(int Iteration, double Value)> series,
                   int xMax, double yMin, double yMax, (byte, byte, byte) colour)
        {
            int top = Margin, bottom = Height - Margin, right = left + panelWidth;
            for (int k = 1; k < 4; k++)
            {
                int y = bottom - k * (bottom - top) / 4;
                c.Line(left, y, right, y, (225, 225, 225));
            }
            c.Rect(left, top, right, bottom, (90, 90, 90));
            c.Text(left, top - 12, title, (0, 0, 0));
            c.Text(left - 2, bottom + 6, "0", (90, 90, 90));
            c.Text(right - 6 * 4, bottom + 6, xMax.ToString(), (90, 90, 90));
            c.Text(left + 4, top + 4, Format(yMax), (90, 90, 90));
            (int X, int Y) At((int Iteration, double Value) p) =>
                (left + (int)Math.Round((double)p.Iteration / xMax * (right - left)),
                 bottom - (int)Math.Round(Math.Clamp((p.Value - yMin) / (yMax - yMin), 0, 1) * (bottom - top)));
            for (int i = 1; i < series.Count; i++)
            {
                var (x0, y0) = At(series[i - 1]); var (x1, y1) = At(series[i]);
                c.Line(x0, y0, x1, y1, colour);
                c.Line(x0, y0 + 1, x1, y1 + 1, colour);
            }
            foreach (var p in series.Count < 40 ? series : []) { var (x, y) = At(p); c.Rect(x - 1, y - 1, x + 1, y + 1, colour); }
        }
    }

    static string Format(double v) => v >= 10 ? v.ToString("F0") : v.ToString("F2", System.Globalization.CultureInfo.InvariantCulture);

    sealed class Canvas(int width, int height)
    {
        public byte[] Pixels { get; } = new byte[3 * width * height];

        public void Fill(byte r, byte g, byte b)
        {
            Array.Fill(Pixels, r, 0, width * height);
            Array.Fill(Pixels, g, width * height, width * height);
            Array.Fill(Pixels, b, 2 * width * height, width * height);
        }

        public void Set(int x, int y, (byte R, byte G, byte B) c)
        {
            if (x < 0 || y < 0 || x >= width || y >= height) return;
            int i = y * width + x;
            Pixels[i] = c.R; Pixels[width * height + i] = c.G; Pixels[2 * width * height + i] = c.B;
        }

        public void Line(int x0, int y0, int x1, int y1, (byte, byte, byte) c)
        {
            // Bresenham
            int dx = Math.Abs(x1 - x0), dy = -Math.Abs(y1 - y0), sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1, err = dx + dy;
            while (true)
            {
                Set(x0, y0, c);
                if (x0 == x1 && y0 == y1) return;
                int e2 = 2 * err;
                if (e2 >= dy) { err += dy; x0 += sx; }
                if (e2 <= dx) { err += dx; y0 += sy; }
            }
        }

        public void Rect(int x0, int y0, int x1, int y1, (byte, byte, byte) c)
        {
            Line(x0, y0, x1, y0, c); Line(x1, y0, x1, y1, c); Line(x1, y1, x0, y1, c); Line(x0, y1, x0, y0, c);
        }

        public void Text(int x, int y, string text, (byte, byte, byte) c)
        {
            foreach (var ch in text.ToUpperInvariant())
            {
                if (Font.TryGetValue(ch, out var rows))
                    for (int r = 0; r < 5; r++)
                        for (int col = 0; col < 3; col++)
                            if ((rows[r] >> (2 - col) & 1) != 0)
                                for (int s = 0; s < 4; s++) Set(x + 2 * col + s % 2, y + 2 * r + s / 2, c);
                x += 8;
            }
        }
    }

    // 3x5 glyphs, one byte per row (bit 2 = left column)
    static readonly Dictionary<char, byte[]> Font = new()
    {
        ['0'] = [7, 5, 5, 5, 7], ['1'] = [2, 6, 2, 2, 7], ['2'] = [7, 1, 7, 4, 7], ['3'] = [7, 1, 7, 1, 7],
        ['4'] = [5, 5, 7, 1, 1], ['5'] = [7, 4, 7, 1, 7], ['6'] = [7, 4, 7, 5, 7], ['7'] = [7, 1, 1, 1, 1],
        ['8'] = [7, 5, 7, 5, 7], ['9'] = [7, 5, 7, 1, 7], ['.'] = [0, 0, 0, 0, 2],
        ['L'] = [4, 4, 4, 4, 7], ['O'] = [7, 5, 5, 5, 7], ['S'] = [7, 4, 7, 1, 7], ['M'] = [5, 7, 7, 5, 5],
        ['I'] = [7, 2, 2, 2, 7], ['U'] = [5, 5, 5, 5, 7],
    };
}
