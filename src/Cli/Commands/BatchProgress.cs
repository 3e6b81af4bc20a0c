using System.Diagnostics;
using GeoDense.Geo;
using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;

namespace GeoDense.Cli.Commands;

/// <summary>
/// The progress view of a job over several inputs, drawn as one <see cref="PipelineProgress"/> line: the whole job's
/// tiles (done/total over the inputs this run processes, the rate since the model was ready, the ETA), then how many
/// inputs are done and the one in progress with its own tiles, rate and ETA. Until an input starts, its tiles are
/// its grid's count (<see cref="Planned"/>: windows found all nodata are dropped when it starts), so the total is
/// exact from the last input's start on. One input is shown as a plain bar named after it.
/// </summary>
public sealed class BatchProgress
{
    readonly PipelineProgress bar;
    readonly string unit;
    readonly IReadOnlyList<string> names;
    readonly int[] tiles;
    readonly bool[] done;
    readonly Stopwatch clock = Stopwatch.StartNew();
    long tilesOfFinished;

    /// <param name="inputs">every input of the job, with its planned tile count</param>
    /// <param name="label">the bar's name (default: the input's file name, or "N inputs")</param>
    public BatchProgress(string unit, IReadOnlyList<(string Name, int Tiles)> inputs, string? label = null)
    {
        this.unit = unit;
        names = inputs.Select(i => i.Name).ToList();
        tiles = inputs.Select(i => i.Tiles).ToArray();
        done = new bool[inputs.Count];
        bar = new PipelineProgress(label ?? (inputs.Count == 1 ? inputs[0].Name : $"{inputs.Count} inputs"), unit);
    }

    /// <summary>The windows of <paramref name="input"/>'s grid under <paramref name="tiling"/>; reads only the raster's header.</summary>
    public static int Planned(string input, TilingSection tiling)
    {
        using var raster = Raster.Open(input);
        return WindowGrid.Create(raster.Width, raster.Height, new GridOptions(tiling.Size, tiling.Stride, tiling.Scales)).Count;
    }

    public int InputsDone => done.Count(d => d);

    /// <summary>Input <paramref name="index"/> was finished by an earlier run: done, with nothing left to process.</summary>
    public void Skip(int index)
    {
        tiles[index] = 0;
        done[index] = true;
    }

    /// <summary>Where input <paramref name="index"/>'s inference stands, as the task reports it.</summary>
    public Action<InferenceProgress> Input(int index) => p =>
    {
        tiles[index] = p.Total;
        long doneNow = tilesOfFinished + p.Done;
        double rate = doneNow / Math.Max(1e-9, clock.Elapsed.TotalSeconds);
        var extra = names.Count == 1 ? null
            : $"{InputsDone}/{names.Count} inputs done · {names[index]} {p.Done}/{p.Total} {unit} {p.TilesPerSecond:F1} {unit}/s ETA {p.Eta ?? TimeSpan.Zero:hh\\:mm\\:ss}";
        bar.Report(doneNow, tiles.Sum(t => (long)t), rate, extra);
    };

    /// <summary>Input <paramref name="index"/> is finished, with all its outputs, after <paramref name="tilesRun"/> tiles.</summary>
    public void Finished(int index, int tilesRun)
    {
        tiles[index] = tilesRun;
        tilesOfFinished += tilesRun;
        done[index] = true;
    }
}
