using System.CommandLine;
using System.Globalization;
using GeoDense.Tasks.ChangeDetection;
using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;

namespace GeoDense.Cli.Commands;

/// <summary>
/// `geodense change`: change maps between two acquisition dates (probability, binary map, polygons, preview, summary),
/// for one `--before`/`--after` pair or a `--pairs` list, with one progress view over all pairs. Finished pairs are
/// recorded in the output folder's <see cref="BatchJournal"/>, so the same command run again after a crash redoes only
/// the pairs that were not finished.
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
        var run = new RunOptions();
        var command = new Command("change", "Change maps between two acquisition dates with a change-detection pipeline.")
            { pipeline, weights, before, after, pairs, output };
        foreach (var option in run.All) command.Options.Add(option);
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var pipelineFile = parse.GetValue(pipeline)!;
            var config = run.Apply(PipelineOptions.Load<ChangePipeline>(pipelineFile), parse);
            // everything the user typed is checked before the model loads: paths, the output folder, and that each pair overlaps
            var list = Pairs(parse.GetValue(before), parse.GetValue(after), parse.GetValue(pairs));
            var folder = OutputFolder.Prepare(parse.GetValue(output)!);
            ChangeMapPredictor.CheckOutputsSpareInputs(config, list, folder);
            var prepared = ChangeMapPredictor.PrepareAll(config, list);
            try
            {
                var device = run.Resolve(config, parse);
                using var session = ChangeModels.Load(config, pipelineFile.FullName, parse.GetValue(weights)!.FullName, device);
                foreach (var warning in session.Warnings) Console.Error.WriteLine($"warning: {warning}");
                var predictor = new ChangeMapPredictor(config, session.Model.Forward, session.Device);
                using var journal = BatchJournal.Open(folder,
                    JobFingerprint.Of("change", pipelineFile.FullName, parse.GetValue(weights)!.FullName, RunOptions.Fingerprint(config, device)),
                    line => Console.Error.WriteLine($"note: {line}"));
                var progress = new BatchProgress("tiles", prepared.Select(p => ($"{Path.GetFileName(p.Pair.Before)} -> {Path.GetFileName(p.Pair.After)}", p.Windows.Count)).ToList(), $"{list.Count} pair(s)");
                var results = new List<ChangeMapOutputs>();
                foreach (var (pair, index) in prepared.Select((p, i) => (p, i)))
                {
                    if (journal.Finished(pair.Pair.OutputStem, pair.Pair.Before, pair.Pair.After) is not null)
                    {
                        // finished by an earlier run of this command (same pipeline, weights and dates): kept as it is
                        results.Add(Earlier(config, folder, pair.Pair));
                        progress.Skip(index);
                        Console.WriteLine($"{pair.Pair.Before} -> {pair.Pair.After}: finished in an earlier run -> {results[^1].ChangeMap}");
                        continue;
                    }
                    ChangeMapOutputs result;
                    try { result = predictor.Predict(pair, folder, progress.Input(index), Interruption.Token); }
                    catch (OperationCanceledException) when (Interruption.Token.IsCancellationRequested)
                    {
                        throw new OperationCanceledException($"{progress.InputsDone} of {list.Count} pair(s) done; {pair.Pair.Before} -> {pair.Pair.After} stopped, its outputs not written");
                    }
                    journal.MarkFinished(pair.Pair.OutputStem, [pair.Pair.Before, pair.Pair.After],
                        result.Polygons.Prepend(result.Probabilities).Prepend(result.ChangeMap).Append(result.Preview).Append(result.Summary).OfType<string>());
                    progress.Finished(index, result.Tiles);
                    results.Add(result);
                    Report(pair.Pair, result);
                }
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

    /// <summary>The outputs of a pair an earlier run finished, with the statistics its summary holds.</summary>
    static ChangeMapOutputs Earlier(ChangePipeline config, string folder, ChangeMapPair pair)
    {
        var (map, probabilities, polygons, preview, summary) = ChangeMapPredictor.OutputPaths(config, folder, pair.OutputStem);
        return new ChangeMapOutputs(map, probabilities, polygons, preview, summary, ChangeSummary.Read(summary), 0, 0);
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
