using GeoDense.Tasks.Pipelines;
using GeoDense.Torch;
using GeoDense.Torch.Checkpoints;
using GeoDense.Torch.NN;

namespace GeoDense.Tasks.Inference;

/// <summary>How a task builds and describes its model, for <see cref="InferenceSession{TModel}.Load"/>.</summary>
public interface IModelFactory<TModel, in TPipeline> where TModel : Module where TPipeline : Pipeline
{
    TModel Create(TPipeline pipeline);
    ModelSignature Signature(TPipeline pipeline);

    /// <summary>
    /// The architecture weights without an embedded pipeline hold, read from their tensor shapes in the terms of
    /// <see cref="ModelSignature.Architecture"/>; null when the shapes do not say.
    /// </summary>
    string? ArchitectureOf(IReadOnlyDictionary<string, TensorData> state) => null;
}

/// <summary>
/// The one way every command and the worker get a model to run: pipeline + weights -> model on its device, in eval
/// mode. The weights' own metadata (the pipeline they were trained with, the training input's profile) is checked
/// against the pipeline first, so a mismatch is one line saying what differs; only then are tensors loaded, and a
/// key mismatch is summarised in one line with a shortened list after it.
/// </summary>
public sealed class InferenceSession<TModel> : IDisposable where TModel : Module
{
    public const string PipelineKey = "geodense.pipeline";

    public TModel Model { get; }
    public Device Device { get; }
    /// <summary>The arithmetic the model was readied for (the pipeline's `precision`).</summary>
    public Precision Precision { get; }
    /// <summary>What the weights were trained on, when they say.</summary>
    public InputProfile? TrainedOn { get; }
    /// <summary>Things the user should know that do not stop the run (one line each).</summary>
    public IReadOnlyList<string> Warnings { get; }

    InferenceSession(TModel model, Device device, Precision precision, InputProfile? trainedOn, IReadOnlyList<string> warnings) =>
        (Model, Device, Precision, TrainedOn, Warnings) = (model, device, precision, trainedOn, warnings);

    public static InferenceSession<TModel> Load<TPipeline>(TPipeline pipeline, string pipelineSource, string weights, Device device,
        IModelFactory<TModel, TPipeline> factory) where TPipeline : Pipeline
    {
        if (Directory.Exists(weights)) throw new PipelineInputException($"{weights}: is a folder; --weights needs a weights file (.safetensors or .pth)");
        if (!File.Exists(weights)) throw new PipelineInputException($"{weights}: weights file not found");
        var warnings = new List<string>();
        var metadata = ReadMetadata(weights);
        InputProfile? profile = InputProfile.FromMetadata(metadata);
        TPipeline? trained = null;
        if (metadata.TryGetValue(PipelineKey, out var trainedYaml))
        {
            // weights outlive pipeline-file versions: an embedded pipeline this version cannot read leaves the tensor check
            try { trained = PipelineFile.Parse<TPipeline>(trainedYaml, $"{weights} (embedded pipeline)"); }
            catch (PipelineInputException e) { warnings.Add($"{weights}: its embedded pipeline is not readable here ({e.Message.Split('\n')[0]}); checking the tensors only"); }
        }
        if (trained is not null)
        {
            var have = factory.Signature(trained);
            var want = factory.Signature(pipeline);
            var conflicts = have.Conflicts(want);
            if (conflicts.Count > 0)
                throw new PipelineInputException($"{weights}: weights are {string.Join(", ", conflicts.Select(c => c.Weights))}; " +
                                                 $"pipeline {pipelineSource} asks {string.Join(", ", conflicts.Select(c => c.Pipeline))}");
            if (have.NormalisationDifference(want) is { } normalisation) warnings.Add($"{weights}: {normalisation}");
        }

        var precision = ComputeDevice.PrecisionOf(pipeline);
        ReducedPrecision.CheckSupported(precision, device);
        var model = factory.Create(pipeline);
        try
        {
            LoadTensors(model, weights, state => factory.ArchitectureOf(state) is { } have && have != factory.Signature(pipeline).Architecture
                ? $"{weights}: weights are {have}; pipeline {pipelineSource} asks {factory.Signature(pipeline).Architecture}" : null);
            model.To(device);
            model.Eval();
            ReducedPrecision.Prepare(model, precision, device);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        return new InferenceSession<TModel>(model, device, precision, profile, warnings);
    }

    static IReadOnlyDictionary<string, string> ReadMetadata(string weights)
    {
        if (!weights.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase)) return new Dictionary<string, string>();
        try { return Safetensors.ReadMetadata(weights); }
        catch (Exception e) { throw Unreadable(weights, e); }
    }

    /// <param name="architectureConflict">the one line naming what differs, when the shapes tell which model the weights are for</param>
    static void LoadTensors(Module model, string weights, Func<IReadOnlyDictionary<string, TensorData>, string?> architectureConflict)
    {
        OrderedDictionary<string, TensorData> data;
        try { data = Checkpoint.LoadStateDict(weights); }
        catch (Exception e) { throw Unreadable(weights, e); }
        using var scope = TorchRuntime.NewScope();
        var tensors = data.ToDictionary(kv => kv.Key, kv => kv.Value.ToTensor());
        try { model.LoadStateDict(tensors, strict: true); }
        catch (StateDictMismatchException e)
        {
            var r = e.Report;
            static string Few(IEnumerable<string> items, int count)
            {
                var list = items.ToList();
                return string.Join(", ", list.Take(5)) + (count > 5 ? $", ... ({count - 5} more)" : "");
            }
            var lines = new List<string>
            {
                architectureConflict(data) ??
                $"{weights}: weights do not fit the pipeline's model: {r.MissingKeys.Count} missing, {r.UnexpectedKeys.Count} unexpected, " +
                $"{r.ShapeMismatches.Count} wrong-shaped tensors (trained for another backbone, head or class count?)",
            };
            if (r.MissingKeys.Count > 0) lines.Add($"  missing: {Few(r.MissingKeys, r.MissingKeys.Count)}");
            if (r.UnexpectedKeys.Count > 0) lines.Add($"  unexpected: {Few(r.UnexpectedKeys, r.UnexpectedKeys.Count)}");
            if (r.ShapeMismatches.Count > 0) lines.Add($"  shapes: {Few(r.ShapeMismatches.Select(m => m.ToString()), r.ShapeMismatches.Count)}");
            throw new PipelineInputException(string.Join(Environment.NewLine, lines));
        }
    }

    /// <summary>
    /// One line naming the weights once: a checkpoint reader's own input message already starts with the path and says
    /// what to do, so only its problem is kept; anything else is a reader failure on a damaged file.
    /// </summary>
    static PipelineInputException Unreadable(string weights, Exception e)
    {
        var problem = FirstLine(e.Message);
        if (e is InputException)
        {
            var prefix = $"{weights}: ";
            return new PipelineInputException($"{weights}: cannot read weights: {(problem.StartsWith(prefix, StringComparison.Ordinal) ? problem[prefix.Length..] : problem)}", e);
        }
        return new PipelineInputException($"{weights}: cannot read weights ({problem}); is the file complete?", e);
    }

    static string FirstLine(string message) => message.Split('\n')[0].Trim();

    public void Dispose() => Model.Dispose();
}
