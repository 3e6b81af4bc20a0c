using System.CommandLine;
using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Segmentation;
using GeoDense.Tasks.Training;

namespace GeoDense.Cli.Commands;

/// <summary>`geodense eval TASK --pipeline P.yaml --weights W --data DIR`: prints the metric table and writes it as JSON.</summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var task = new Argument<string>("task") { Description = "What to evaluate: segmentation, detection or change." };
        var pipeline = PipelineOptions.Pipeline();
        var weights = PipelineOptions.Weights();
        var data = new Option<string>("--data") { Description = "Dataset root, in the pipeline's data format.", Required = true };
        var output = new Option<string?>("--output") { Description = "Metrics JSON (default: next to the weights, <weights>.eval.json)." };
        var threads = PipelineOptions.Threads();
        // detection scores a submission against labels instead: the options of one task are optional for the other
        pipeline.Required = weights.Required = data.Required = false;
        var submission = new Option<string?>("--submission") { Description = "Detection without a model: Task1 results to score, a folder or zip of Task1_<class>.txt." };
        var labels = new Option<string?>("--labels") { Description = "Detection without a model: the folder of DOTA label files the submission is scored against." };
        var classes = new Option<string?>("--classes") { Description = "Detection without a model: classes to score, comma-separated (default: DOTA v1.0's 15)." };
        var command = new Command("eval", "Evaluate weights on a dataset, or score a DOTA Task1 submission.")
            { task, pipeline, weights, data, output, threads, submission, labels, classes };
        command.SetAction(parse => CliErrors.Run(() => parse.GetValue(task) switch
        {
            "segmentation" => EvalSegmentation(Required(parse.GetValue(pipeline), "--pipeline"), Required(parse.GetValue(weights), "--weights"),
                Required(parse.GetValue(data), "--data"), parse.GetValue(output), parse.GetValue(threads)),
            // a submission is scored as it is; otherwise the weights detect the data's images first
            "detection" when parse.GetValue(submission) is not null || parse.GetValue(labels) is not null =>
                DetectionEval.Run(parse.GetValue(submission), parse.GetValue(labels), parse.GetValue(classes), parse.GetValue(output)),
            "detection" => DetectionCommands.Eval(Required(parse.GetValue(pipeline), "--pipeline"), Required(parse.GetValue(weights), "--weights"),
                Required(parse.GetValue(data), "--data"), parse.GetValue(output), parse.GetValue(threads)),
            "change" => ChangeCommands.Eval(Required(parse.GetValue(pipeline), "--pipeline"), Required(parse.GetValue(weights), "--weights"),
                Required(parse.GetValue(data), "--data"), parse.GetValue(output), parse.GetValue(threads)),
            var other => throw new UserInputException($"eval: task '{other}' is not available; use segmentation, detection or change"),
        }));
        return command;
    }

    static T Required<T>(T? value, string option) where T : class =>
        value ?? throw new UserInputException($"eval: {option} is required (or, for detection, --submission and --labels)");

    static int EvalSegmentation(FileInfo pipelineFile, FileInfo weights, string data, string? output, int? threads)
    {
        var config = PipelineOptions.Load<SegmentationPipeline>(pipelineFile);
        var path = OutputFolder.PrepareFile(output ?? weights.FullName + ".eval.json",
            ("--weights", weights.FullName), ("--pipeline", pipelineFile.FullName));
        var device = ComputeDevice.Resolve(config.Device, threads);
        PipelineProgress? bar = null;
        var metrics = SegmentationEvaluator.EvaluateWeights(config, pipelineFile.FullName, weights.FullName, data, device, p =>
        {
            bar ??= new PipelineProgress(Path.GetFileName(p.Input), "tiles");
            bar.Report(p.Done, p.Total, p.TilesPerSecond);
            if (p.Done >= p.Total) bar = null;
        }, Interruption.Token);
        Console.WriteLine(metrics.ToTable());
        MetricsJson.Write(path, metrics);
        Console.WriteLine($"metrics: {path}");
        return 0;
    }
}
