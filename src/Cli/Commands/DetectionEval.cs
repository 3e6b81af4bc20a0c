using GeoDense.Tasks.Detection.Dota;
using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Training;

namespace GeoDense.Cli.Commands;

/// <summary>`geodense eval detection --submission DIR_OR_ZIP --labels DIR`: DOTA_devkit's Task1 scoring of any submission.</summary>
public static class DetectionEval
{
    public static int Run(string? submission, string? labels, string? classList, string? output)
    {
        if (submission is null || labels is null)
            throw new UserInputException("eval detection: give --submission (a folder or zip of Task1_<class>.txt) and --labels (the DOTA label folder)");
        var jsonPath = output is null ? null : OutputFolder.PrepareFile(output, ("--submission", submission));
        var truth = DotaLabelFile.ReadFolder(labels);
        var results = Task1Submission.Read(submission);
        var classes = Classes(classList, results.Keys);
        var evaluation = DotaEvaluation.Evaluate(truth, results, classes);
        Console.WriteLine(evaluation.ToTable());
        if (jsonPath is not null)
        {
            MetricsJson.Write(jsonPath, new
            {
                Map = evaluation.MeanAp,
                Classes = evaluation.Classes.ToDictionary(c => c.ClassName, c => new { c.Ap, c.Positives, c.Detections, c.TruePositives }),
            });
            Console.WriteLine($"metrics: {jsonPath}");
        }
        return 0;
    }

    /// <summary>
    /// `--classes a,b,c`; otherwise DOTA v1.0's 15 (the official evaluation's list) when the submission holds only
    /// DOTA classes, else the submission's own classes (a dataset of other classes).
    /// </summary>
    static IReadOnlyList<string> Classes(string? classList, IEnumerable<string> submitted)
    {
        if (classList is not null)
        {
            var given = classList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (given.Length == 0) throw new UserInputException("--classes: give class names separated by commas");
            return given;
        }
        var present = submitted.ToList();
        return present.All(DotaClasses.V1.Contains) ? DotaClasses.V1 : present.Order(StringComparer.Ordinal).ToList();
    }
}
