using GeoDense.Tasks.ChangeDetection;
using GeoDense.Torch.Checkpoints;

namespace GeoDense.Cli.Tests;

/// <summary>The change-detection model through the CLI: `model forward --pipeline` parity, `train change`, `eval change`.</summary>
public class ChangeCommandTests
{
    static readonly string Fixtures = Path.Combine(GeodenseProcess.RepoRoot, "tests", "fixtures");

    public static TheoryData<string> BitFixtures()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(Fixtures, "bit-*").Order()) data.Add(Path.GetFileName(dir));
        return data;
    }

    static string Variant(string fixture) =>
        System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures, fixture, "meta.json"))).RootElement.GetProperty("variant").GetString()!;

    [Theory]
    [MemberData(nameof(BitFixtures))]
    public void Model_forward_on_a_change_pipeline_matches_the_reference(string fixture)
    {
        var dir = Directory.CreateTempSubdirectory("change-forward").FullName;
        try
        {
            var pipeline = Path.Combine(dir, "change.yaml");
            File.WriteAllText(pipeline, $"task: change\nmodel: {{ backbone: lemevit-{Variant(fixture)}, head: bit }}\n");
            var io = Path.Combine(Fixtures, fixture, "io.safetensors");
            var output = Path.Combine(dir, "out.safetensors");
            var (code, stdout, stderr) = GeodenseProcess.Run("model", "forward", "--pipeline", pipeline, "--weights",
                Path.Combine(Fixtures, fixture, "weights.pth"), "--input", io, "--output", output);
            Assert.True(code == 0, stderr);
            Assert.Contains("logits", stdout);
            var expected = Safetensors.Read(io).Tensors["logits"];
            var actual = Safetensors.Read(output).Tensors["logits"];
            Assert.Equal(expected.Shape, actual.Shape);
            var e = expected.AsSpan<float>();
            var a = actual.AsSpan<float>();
            double diff = 0, scale = 0;
            for (int i = 0; i < e.Length; i++) { diff = Math.Max(diff, Math.Abs(a[i] - e[i])); scale = Math.Max(scale, Math.Abs(e[i])); }
            Assert.InRange(diff / scale, 0, 1e-4);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Model_forward_without_an_after_tensor_is_one_line_and_exit_2()
    {
        var dir = Directory.CreateTempSubdirectory("change-forward").FullName;
        try
        {
            var pipeline = Path.Combine(dir, "change.yaml");
            File.WriteAllText(pipeline, "task: change\nmodel: { backbone: lemevit-nano, head: bit }\n");
            var lemevitInput = Path.Combine(Fixtures, "lemevit-nano", "io.safetensors");   // holds `input`, not before/after
            var output = Path.Combine(dir, "out.safetensors");
            var (code, _, stderr) = GeodenseProcess.Run("model", "forward", "--pipeline", pipeline, "--weights",
                Path.Combine(Fixtures, "bit-nano", "weights.pth"), "--input", lemevitInput, "--output", output);
            Assert.Equal(2, code);
            Assert.Contains("no tensor named `before`", stderr);
            Assert.DoesNotContain("   at ", stderr);
            Assert.False(File.Exists(output));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Train_then_eval_change_on_cdd_format_pairs()
    {
        var dir = Directory.CreateTempSubdirectory("change-train").FullName;
        try
        {
            string train = Path.Combine(dir, "cdd", "train"), val = Path.Combine(dir, "cdd", "val");
            SyntheticChangePairs.WriteCdd(train, count: 4, size: 32, seed: 5, extension: "jpg");
            SyntheticChangePairs.WriteCdd(val, count: 2, size: 32, seed: 6, extension: "jpg");
            var pipeline = Path.Combine(dir, "change.yaml");
            File.WriteAllText(pipeline, $$"""
                task: change
                model: { backbone: lemevit-nano, head: bit }
                train:
                  data: { format: cdd, root: {{train}} }
                  val: { format: cdd, root: {{val}} }
                  iterations: 3
                  batch_size: 2
                  checkpoint_every: 3
                  validate_every: 3
                  work_dir: {{Path.Combine(dir, "run")}}
                device: cpu
                """);
            var (code, stdout, stderr) = GeodenseProcess.Run("train", "change", "--pipeline", pipeline, "--threads", "1");
            Assert.True(code == 0, stderr);
            Assert.Contains("reference protocol", stdout);
            var weights = Path.Combine(dir, "run", "latest.safetensors");
            Assert.True(File.Exists(weights));
            Assert.True(File.Exists(Path.Combine(dir, "run", "checkpoints", "iter_000003.safetensors")));

            var metricsFile = Path.Combine(dir, "eval.json");
            (code, stdout, stderr) = GeodenseProcess.Run("eval", "change", "--pipeline", pipeline, "--weights", weights, "--data", val,
                "--output", metricsFile, "--threads", "1");
            Assert.True(code == 0, stderr);
            Assert.Contains("F1", stdout);
            var json = File.ReadAllText(metricsFile);
            Assert.Contains("\"batch_mean_f1\"", json);
            Assert.Contains("\"iou\"", json);

            (code, _, stderr) = GeodenseProcess.Run("eval", "change", "--pipeline", pipeline, "--weights", weights, "--data", Path.Combine(dir, "cdd"));
            Assert.Equal(2, code);
            Assert.Contains("point the data root at one split", stderr);
        }
        finally { Directory.Delete(dir, true); }
    }
}
