using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace GeoDense.Tasks.Pipelines;

/// <summary>A pipeline file that cannot be used; the message names the file, the place and the fix.</summary>
public sealed class PipelineInputException(string message, Exception? inner = null) : InputException(message, inner);

public static class PipelineFile
{
    static readonly IDeserializer Reader = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .Build();

    static readonly ISerializer Writer = new SerializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull)
        .Build();

    public static PipelineConfig Load(string path)
    {
        if (!File.Exists(path)) throw new PipelineInputException($"{path}: pipeline file not found");
        var config = Parse(File.ReadAllText(path), path);
        return config;
    }

    public static PipelineConfig Parse(string yaml, string source = "<pipeline>")
    {
        PipelineConfig? config;
        try { config = Reader.Deserialize<PipelineConfig>(yaml); }
        catch (YamlException e)
        {
            var detail = e.InnerException?.Message ?? e.Message;
            // YamlDotNet names the position, not the key: quote the line so the user sees which key is wrong.
            var lines = yaml.Split('\n');
            var line = e.Start.Line >= 1 && e.Start.Line <= lines.Length ? lines[e.Start.Line - 1].Trim() : "";
            var where = line.Length > 0 ? $" (at '{line}')" : "";
            throw new PipelineInputException($"{source}:{e.Start.Line}:{e.Start.Column}: {detail}{where}", e);
        }
        if (config is null) throw new PipelineInputException($"{source}: the pipeline file is empty");
        Validate(config, source);
        return config;
    }

    public static string Serialize(PipelineConfig config) => Writer.Serialize(config);

    static void Validate(PipelineConfig c, string source)
    {
        void Require(bool ok, string message) { if (!ok) throw new PipelineInputException($"{source}: {message}"); }
        Require(c.Task.Length > 0, "`task` is missing (segmentation | detection | change | classification)");
        Require(c.Input.Bands.Count > 0, "`input.bands` is empty");
        Require(c.Input.Mean.Count == c.Input.Bands.Count && c.Input.Std.Count == c.Input.Bands.Count,
            $"`input.mean` and `input.std` need one value per band ({c.Input.Bands.Count} bands)");
        Require(c.Input.Std.All(s => s > 0), "`input.std` values must be positive");
        Require(c.Tiling.Size > 0 && c.Tiling.Stride > 0 && c.Tiling.Stride <= c.Tiling.Size,
            "`tiling` needs 0 < stride <= size");
        Require(c.Tiling.Blend is "cosine" or "linear" or "average" or "crop", $"`tiling.blend` is '{c.Tiling.Blend}'; use cosine, linear, average or crop");
        Require(c.Tiling.BatchSize > 0, "`tiling.batch_size` must be positive");
        if (c.Task == "segmentation")
        {
            Require(c.Model.Classes.Count > 0, "`model.classes` is empty");
            Require(c.Model.IgnoreIndex >= c.Model.Classes.Count - 1 && c.Model.IgnoreIndex <= 255,
                "`model.ignore_index` must be the last class (it is then not predicted) or a value past the classes, at most 255");
        }
        if (c.Train is { } t)
        {
            Require(t.Iterations > 0 && t.BatchSize > 0, "`train.iterations` and `train.batch_size` must be positive");
            Require(t.Optimizer.Type == "adamw", $"`train.optimizer.type` '{t.Optimizer.Type}' is not supported; use adamw");
            Require(t.Schedule.Type is "poly" or "cosine", $"`train.schedule.type` '{t.Schedule.Type}' is not supported; use poly or cosine");
            Require(t.Augment.RatioRange.Count == 2 && t.Augment.RatioRange[0] > 0 && t.Augment.RatioRange[0] <= t.Augment.RatioRange[1],
                "`train.augment.ratio_range` needs two values lo <= hi");
        }
    }
}
