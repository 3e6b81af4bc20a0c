namespace GeoDense.Cli.Commands;

/// <summary>
/// A one-line progress bar on stderr: count, rate and ETA. Redrawn in place on a terminal, printed every
/// few seconds when stderr is redirected (logs stay readable).
/// </summary>
public sealed class PipelineProgress(string label, string unit)
{
    readonly bool interactive = !Console.IsErrorRedirected;
    DateTime lastDraw = DateTime.MinValue;

    public void Report(long done, long total, double perSecond, string? extra = null)
    {
        var now = DateTime.UtcNow;
        bool finished = done >= total;
        if (!finished && (now - lastDraw).TotalSeconds < (interactive ? 0.2 : 5)) return;
        lastDraw = now;
        const int width = 28;
        int filled = total == 0 ? width : (int)(width * Math.Min(1.0, (double)done / total));
        var eta = perSecond > 0 ? TimeSpan.FromSeconds((total - done) / perSecond) : TimeSpan.Zero;
        var line = $"{label} [{new string('#', filled)}{new string('.', width - filled)}] {done}/{total} {unit}  "
                   + $"{perSecond:F1} {unit}/s  ETA {eta:hh\\:mm\\:ss}{(extra is null ? "" : "  " + extra)}";
        if (interactive) Console.Error.Write("\r" + line.PadRight(Console.WindowWidth > 0 ? Math.Min(Console.WindowWidth - 1, 160) : 100));
        else Console.Error.WriteLine(line);
        if (finished && interactive) Console.Error.WriteLine();
    }
}
