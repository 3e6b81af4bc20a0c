using YamlDotNet.Core;

namespace GeoDense.Tasks.Pipelines;

/// <summary>Reads and writes pipeline files (SPEC §6) strictly: see <see cref="PipelineReader"/> and the section records' checks.</summary>
public static class PipelineFile
{
    public static IReadOnlyList<string> Tasks { get; } = ["segmentation", "detection", "change", "classification"];

    /// <summary>The pipeline in <paramref name="path"/>, as the record of its `task`.</summary>
    public static Pipeline Load(string path)
    {
        CheckExists(path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>The pipeline in <paramref name="path"/>, which must be of the task a command needs.</summary>
    public static T Load<T>(string path) where T : Pipeline
    {
        CheckExists(path);
        return Expect<T>(Parse(File.ReadAllText(path), path, Create<T>().Task));
    }

    /// <param name="expectedTask">the task a command needs: a file of another task is reported as that, not as a list
    /// of keys the other task does not have</param>
    static void CheckExists(string path)
    {
        if (Directory.Exists(path)) throw new PipelineInputException($"{path}: is a folder; --pipeline needs a pipeline file (.yaml)");
        if (!File.Exists(path)) throw new PipelineInputException($"{path}: pipeline file not found");
    }

    public static Pipeline Parse(string yaml, string source = "<pipeline>", string? expectedTask = null)
    {
        YamlNode? root;
        try { root = YamlTree.Read(yaml); }
        catch (YamlException e)
        {
            var detail = e.InnerException is YamlException inner ? inner.Message : e.Message;
            // YamlDotNet names the position, not the key: quote the line so the user sees which key is wrong.
            var lines = yaml.Split('\n');
            var line = e.Start.Line >= 1 && e.Start.Line <= lines.Length ? lines[e.Start.Line - 1].Trim() : "";
            var where = line.Length > 0 ? $" (at '{line}')" : "";
            throw new PipelineInputException($"{source}:{e.Start.Line}:{e.Start.Column}: {detail}{where}", e);
        }
        if (root is null or YamlScalar { IsNull: true }) throw new PipelineInputException($"{source}: the pipeline file is empty");
        if (root is not YamlMapping mapping)
            throw new PipelineInputException($"{source}:{root.Start.Line}:{root.Start.Column}: a pipeline file is a set of sections (task, model, input, ...)");

        var problems = new PipelineProblems(source, yaml);
        var task = mapping.Entries.FirstOrDefault(e => e.Key.Value == "task");
        if (task.Key is null)
            throw new PipelineInputException($"{source}: missing key 'task' ({string.Join(" | ", Tasks)})");
        if (expectedTask is not null && (task.Value as YamlScalar)?.Value is { } named && named != expectedTask && Tasks.Contains(named))
            throw new PipelineInputException($"{source}: pipeline task is '{named}', this command needs '{expectedTask}'");
        Pipeline pipeline = (task.Value as YamlScalar)?.Value switch
        {
            "segmentation" => Create<SegmentationPipeline>(),
            "detection" => Create<DetectionPipeline>(),
            "change" => Create<ChangePipeline>(),
            "classification" => Create<ClassificationPipeline>(),
            var other => throw new PipelineInputException(
                $"{source}:{task.Value.Start.Line}:{task.Value.Start.Column}: task is '{other}'; expected one of {string.Join(", ", Tasks)}"),
        };
        new PipelineReader(problems).Fill(pipeline, mapping, "", "task");
        problems.ThrowIfAny();
        pipeline.Check(problems);
        problems.ThrowIfAny();
        return pipeline with { Source = source };
    }

    /// <summary>Pipeline text that must be of the task <typeparamref name="T"/>.</summary>
    public static T Parse<T>(string yaml, string source = "<pipeline>") where T : Pipeline => Expect<T>(Parse(yaml, source, Create<T>().Task));

    /// <summary>YAML that <see cref="Parse"/> reads back into an equal pipeline (weights metadata carry it).</summary>
    public static string Serialize(Pipeline pipeline) => PipelineWriter.Write(pipeline);

    static T Expect<T>(Pipeline pipeline) where T : Pipeline => pipeline as T
        ?? throw new PipelineInputException($"{pipeline.Source}: pipeline task is '{pipeline.Task}', this command needs '{Create<T>().Task}'");

    // The reader sets the required sections; a record made here only holds the defaults until then.
    static T Create<T>() where T : Pipeline => (T)Activator.CreateInstance(typeof(T))!;
}
