using System.CommandLine;
using System.Globalization;
using GeoDense.Tasks.ChangeDetection;
using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;

namespace GeoDense.Cli.Commands;

/// <summary>
/// `geodense change`: change maps between two acquisition dates (probability, binary map, polygons, preview, summary),
/// for one `--before`/`--after` pair or a `--pairs` list, with one progress bar over all pairs.
/// </summary>
public static class ChangeMapCommand
{
    public static Command Create()
    {
        var pipeline = PipelineOptions.Pipeline();
        var weights = PipelineOptions.Weights();
        var before = new Option<string?>("--before") { Description = "The earlier image (its grid is the outputs' grid)." };
        var after = new Option<string?>("--after") { Description = "The later image (any CRS, resolution and extent that overlaps the earlier one)." };
        var pairs = new Option<string?>("--pairs") { Description = "A text file of 'before after' lines (paths relative to the file's folder), instead of --before/--after." };
        var output = new Option<string>("--output") { Description = "Output folder.", Required = true };
        var threads = PipelineOptions.Threads();
        var command = new Command("change", "Change maps between two acquisition dates with a change-detection pipeline.")
            { pipeline, weights, before, after, pairs, output, threads };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var pipelineFile = parse.GetValue(pipeline)!;
            var config = PipelineOptions.Load<ChangePipeline>(pipelineFile);
            // everything the user typed is checked before the model loads: paths, the output folder, and that each pair overlaps
            var list = Pairs(parse.GetValue(before), parse.GetValue(after), parse.GetValue(pairs));
            var folder = OutputFolder.Prepare(parse.GetValue(output)!);
            ChangeMapPredictor.CheckOutputsSpareInputs(config, list, folder);
            var prepared = ChangeMapPredictor.PrepareAll(config, list);
            try
            {
                var device = ComputeDevice.Resolve(config.Device, parse.GetValue(threads));
                using var session = ChangeModels.Load(config, pipelineFile.FullName, parse.GetValue(weights)!.FullName, device);
                foreach (var warning in session.Warnings) Console.Error.WriteLine($"warning: {warning}");
                var predictor = new ChangeMapPredictor(config, session.Model.Forward, session.Device);
                var bar = new PipelineProgress($"{list.Count} pair(s)", "tiles");
                IReadOnlyList<ChangeMapOutputs> results;
                try { results = predictor.PredictAll(prepared, folder, p => bar.Report(p.Done, p.Total, p.TilesPerSecond), Interruption.Token); }
                catch (OperationCanceledException) when (Interruption.Token.IsCancellationRequested)
                {
                    throw new OperationCanceledException("stopped; the pair in progress has no outputs (finished pairs keep theirs)");
                }
                foreach (var (pair, result) in list.Zip(results)) Report(pair, result);
                var page = ChangeReport.Write(config, folder, list.Zip(results).ToList(),
                    $"{pipelineFile.Name} · {parse.GetValue(weights)!.Name} · {DateTime.Now:yyyy-MM-dd HH:mm}");
                Console.WriteLine($"results page: {page}");
            }
            finally
            {
                foreach (var pair in prepared) pair.Dispose();
            }
            return 0;
        }));
        return command;
    }

    static IReadOnlyList<ChangeMapPair> Pairs(string? before, string? after, string? pairs)
    {
        if (pairs is not null)
        {
            if (before is not null || after is not null) throw new UserInputException("give either --pairs or --before and --after, not both");
            return ChangeMapPairs.ReadList(pairs);
        }
        if (before is null || after is null)
            throw new UserInputException($"{(before is null ? "--before" : "--after")} is missing: give --before and --after, or --pairs LIST");
        return ChangeMapPairs.Single(before, after);
    }

    static void Report(ChangeMapPair pair, ChangeMapOutputs result)
    {
        var s = result.Statistics;
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"{pair.Before} -> {pair.After}: {result.Tiles} tiles in {result.Seconds:F1} s, {s.Regions} change region(s), " +
                                          $"{s.ChangedArea:F1} of {s.ValidArea:F1} map units² changed ({s.ChangedFraction:P2}) -> {result.ChangeMap}"));
        foreach (var extra in result.Polygons.Prepend(result.Probabilities).Append(result.Preview).Append(result.Summary))
            if (extra is not null) Console.WriteLine($"  {extra}");
    }
}
