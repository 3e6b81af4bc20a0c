namespace GeoDense.Tasks.Tests.Pipelines;

/// <summary>Pipeline texts shared by the pipeline tests, and where a key sits in them (for `file:line:column` checks).</summary>
internal static class PipelineYaml
{
    /// <summary>SPEC §6's example, one key per line where the tests point at keys.</summary>
    public const string Segmentation = """
        task: segmentation
        model:
          backbone: lemevit-small
          head: upernet
          classes: [impervious_surface, building, low_vegetation, tree, car, clutter]
          ignore_index: 5
        input:  { bands: [1, 2, 3], mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375] }
        tiling: { size: 512, stride: 384, scales: [1.0], blend: cosine }
        output: { formats: [cog, geojson, png] }
        train:
          data: { format: potsdam, root: data/potsdam }
          iterations: 80000
          batch_size: 8
          optimizer: { type: adamw, lr: 0.0004, weight_decay: 0.05 }
          schedule: { type: poly, warmup_iters: 1500, power: 1.0 }
        device: auto
        """;

    /// <summary>"line:column" (1-based) of the first <paramref name="key"/> on the first line containing <paramref name="lineHolding"/>.</summary>
    public static string Place(string yaml, string lineHolding, string key)
    {
        var lines = yaml.Split('\n');
        int line = Array.FindIndex(lines, l => l.Contains(lineHolding));
        Assert.True(line >= 0, $"no line holds '{lineHolding}'");
        int column = lines[line].IndexOf(key + ":", StringComparison.Ordinal);
        Assert.True(column >= 0, $"line {line + 1} has no key '{key}'");
        return $"{line + 1}:{column + 1}";
    }

    /// <summary><paramref name="yaml"/> with one piece of text replaced; fails when the text is not there (the test would prove nothing).</summary>
    public static string With(this string yaml, string text, string replacement)
    {
        Assert.Contains(text, yaml);
        return yaml.Replace(text, replacement);
    }
}
