using GeoDense.IO;
using GeoDense.Tasks.Pipelines;

namespace GeoDense.Cli.Commands.Demo;

/// <summary>
/// One of the demo's models: trained in `training/TASK/` (checkpoints, logs, curves) and kept as
/// `models/TASK/pipeline.yaml` + `weights.safetensors`, the pair `geodense segment|detect|change` take.
/// </summary>
public sealed class DemoModel(string demoFolder, string task)
{
    public string Folder { get; } = Path.Combine(demoFolder, "models", task);
    public string PipelinePath => Path.Combine(Folder, "pipeline.yaml");
    public string WeightsPath => Path.Combine(Folder, "weights.safetensors");
    public string WorkDir { get; } = Path.Combine(demoFolder, "training", task);

    /// <summary>Weights of an earlier run can serve when they were trained with this very pipeline (a --smoke run's do not serve a full one).</summary>
    public bool CanReuse(Pipeline pipeline) =>
        File.Exists(WeightsPath) && File.Exists(PipelinePath) && File.ReadAllText(PipelinePath) == PipelineFile.Serialize(pipeline);

    /// <summary>Clears the work folder before training (the demo owns it).</summary>
    public void StartTraining()
    {
        if (Directory.Exists(WorkDir)) Directory.Delete(WorkDir, recursive: true);
    }

    /// <summary>Keeps the trained weights with their pipeline; the pipeline is written last, so its presence means both are whole.</summary>
    public void Keep(Pipeline pipeline, string trainedWeights)
    {
        Directory.CreateDirectory(Folder);
        if (File.Exists(PipelinePath)) File.Delete(PipelinePath);
        AtomicFile.Write(WeightsPath, stream => { using var source = File.OpenRead(trainedWeights); source.CopyTo(stream); });
        AtomicFile.WriteAllText(PipelinePath, PipelineFile.Serialize(pipeline));
    }

    /// <summary>The path as the user would type it from the working directory.</summary>
    public static string Shown(string path) => Path.GetRelativePath(Environment.CurrentDirectory, path);

    /// <summary>pipelines/NAME (found above the working directory or the build), where the demo's settings live.</summary>
    public static string FindPipeline(string name)
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "pipelines", name))) return Path.Combine(dir.FullName, "pipelines", name);
        throw new UserInputException($"pipelines/{name} not found above {Environment.CurrentDirectory}; run the demo from the repository");
    }
}
