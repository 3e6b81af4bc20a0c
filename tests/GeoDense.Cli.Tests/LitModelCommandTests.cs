using GeoDense.Torch.Checkpoints;

namespace GeoDense.Cli.Tests;

/// <summary>`geodense model ... --arch lit-*` end to end on the LIT reference fixture (tests/fixtures/lit-nano).</summary>
public class LitModelCommandTests
{
    private static readonly string Fixture = Path.Combine(GeodenseProcess.RepoRoot, "tests", "fixtures", "lit-nano");

    private static string TempFile(string suffix) => Path.Combine(Path.GetTempPath(), $"geodense-lit-{Guid.NewGuid():N}{suffix}");

    private static double RelativeError(TensorData actual, TensorData expected)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var a = actual.AsSpan<float>();
        var e = expected.AsSpan<float>();
        double diff = 0, scale = 0;
        for (var i = 0; i < e.Length; i++)
        {
            diff = Math.Max(diff, Math.Abs(a[i] - e[i]));
            scale = Math.Max(scale, Math.Abs(e[i]));
        }
        return diff / scale;
    }

    [Fact]
    public void Forward_writes_the_reference_dense_features_for_an_input_that_is_not_a_multiple_of_32()
    {
        var output = TempFile(".safetensors");
        try
        {
            var io = Path.Combine(Fixture, "io.safetensors");
            var (code, stdout, stderr) = GeodenseProcess.Run("model", "forward", "--arch", "lit-nano", "--weights",
                Path.Combine(Fixture, "weights_dense.pth"), "--input", io, "--output", output);
            Assert.True(code == 0, stderr);
            Assert.DoesNotContain("logits", stdout);
            var expected = Safetensors.Read(io).Tensors;
            var actual = Safetensors.Read(output);
            foreach (var name in new[] { "feature1", "feature2", "feature3", "feature4" })
                Assert.InRange(RelativeError(actual.Tensors[name], expected[name]), 0, 1e-4);
            Assert.Contains("lit-nano", GeoDenseMetadata.ConfigJson(actual.Metadata));
        }
        finally { File.Delete(output); }
    }

    [Fact]
    public void Convert_keeps_an_imagenet_style_checkpoint_as_a_classifier()
    {
        var converted = TempFile(".safetensors");
        try
        {
            var (code, stdout, stderr) = GeodenseProcess.Run("model", "convert", "--arch", "lit-nano", "--weights",
                Path.Combine(Fixture, "weights.pth"), "--output", converted);
            Assert.True(code == 0, stderr);
            Assert.Contains("lit-nano classifier (10 classes)", stdout);
            Assert.Contains("308,616 parameters", stdout);   // the reference classifier's count (meta.json)
            // the wrong family is one line and exit 2, nothing written
            var other = TempFile(".safetensors");
            var (bad, _, err) = GeodenseProcess.Run("model", "convert", "--arch", "lit-ti-nano", "--weights",
                Path.Combine(Fixture, "weights.pth"), "--output", other);
            Assert.Equal(2, bad);
            Assert.Contains("does not match lit-ti-nano", err);
            Assert.False(File.Exists(other));
        }
        finally { File.Delete(converted); }
    }

    [Fact]
    public void Summary_and_bench_know_the_paper_variants()
    {
        var (code, stdout, stderr) = GeodenseProcess.Run("model", "summary", "--arch", "lit-s");
        Assert.True(code == 0, stderr);
        Assert.Contains("lit-s: 27.97M parameters", stdout);
        Assert.Contains("stage 3      A     6      384       14x14   11,001,488          -", stdout);   // attention stage, no MAC count
        (code, stdout, stderr) = GeodenseProcess.Run("model", "bench", "--arch", "lit-nano", "--batch", "1", "--size", "64", "--seconds", "0.2", "--threads", "1");
        Assert.True(code == 0, stderr);
        Assert.Matches(@"lit-nano batch=1 64x64 threads=1: [0-9.]+ img/s", stdout.Trim().Split('\n')[^1]);
        (code, _, stderr) = GeodenseProcess.Run("model", "summary", "--arch", "lit-xl");
        Assert.Equal(2, code);
        Assert.Contains("lit-ti, lit-s, lit-m, lit-b", stderr);
    }
}
