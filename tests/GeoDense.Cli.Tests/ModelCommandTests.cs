using GeoDense.Torch.Checkpoints;

namespace GeoDense.Cli.Tests;

/// <summary>`geodense model ...` end to end, as a user runs it (a child process), on the reference fixtures.</summary>
public class ModelCommandTests
{
    private static readonly string NanoFixture = Path.Combine(GeodenseProcess.RepoRoot, "tests", "fixtures", "lemevit-nano");

    private static (int ExitCode, string Out, string Err) Geodense(params string[] args) => GeodenseProcess.Run(args);

    private static string TempFile(string suffix) => Path.Combine(Path.GetTempPath(), $"geodense-model-{Guid.NewGuid():N}{suffix}");

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
    public void Forward_writes_logits_and_features_equal_to_the_reference()
    {
        var output = TempFile(".safetensors");
        try
        {
            var io = Path.Combine(NanoFixture, "io.safetensors");
            var (code, stdout, stderr) = Geodense("model", "forward", "--arch", "lemevit-nano", "--weights",
                Path.Combine(NanoFixture, "weights_wrapped.pth"), "--input", io, "--output", output);
            Assert.True(code == 0, stderr);
            Assert.Contains("logits [2, 51]", stdout);
            var expected = Safetensors.Read(io).Tensors;
            var actual = Safetensors.Read(output);
            foreach (var name in new[] { "logits", "feature1", "feature2", "feature3", "feature4" })
                Assert.InRange(RelativeError(actual.Tensors[name], expected[name]), 0, 1e-4);
            Assert.Contains("lemevit-nano", GeoDenseMetadata.ConfigJson(actual.Metadata));
        }
        finally { File.Delete(output); }
    }

    [Fact]
    public void Convert_is_strict_and_its_output_runs_like_the_original()
    {
        var converted = TempFile(".safetensors");
        var output = TempFile(".safetensors");
        try
        {
            var (code, stdout, stderr) = Geodense("model", "convert", "--arch", "lemevit-nano", "--weights",
                Path.Combine(NanoFixture, "weights.pth"), "--output", converted);
            Assert.True(code == 0, stderr);
            Assert.Contains("classifier (51 classes), 165 tensors, 767,635 parameters", stdout);
            var metadata = Safetensors.ReadMetadata(converted);
            Assert.Contains("\"num_classes\":51", GeoDenseMetadata.ConfigJson(metadata));

            (code, _, stderr) = Geodense("model", "forward", "--arch", "lemevit-nano", "--weights", converted,
                "--input", Path.Combine(NanoFixture, "io.safetensors"), "--output", output);
            Assert.True(code == 0, stderr);
            var expected = Safetensors.Read(Path.Combine(NanoFixture, "io.safetensors")).Tensors;
            Assert.InRange(RelativeError(Safetensors.Read(output).Tensors["logits"], expected["logits"]), 0, 1e-4);

            // the stored config guards against running the file as another architecture
            (code, _, stderr) = Geodense("model", "forward", "--arch", "lemevit-tiny", "--weights", converted,
                "--input", Path.Combine(NanoFixture, "io.safetensors"), "--output", output);
            Assert.Equal(2, code);
            Assert.Contains("these weights are for lemevit-nano", stderr);
        }
        finally
        {
            File.Delete(converted);
            File.Delete(output);
        }
    }

    [Fact]
    public void Convert_with_the_wrong_arch_exits_2_listing_the_mismatches_and_writes_nothing()
    {
        var output = TempFile(".safetensors");
        var (code, _, stderr) = Geodense("model", "convert", "--arch", "lemevit-tiny", "--weights",
            Path.Combine(NanoFixture, "weights.pth"), "--output", output);
        Assert.Equal(2, code);
        Assert.Contains("weights.pth: weights are lemevit-nano; --arch asks lemevit-tiny", stderr);
        Assert.Contains("missing keys", stderr);
        Assert.Contains("shape mismatches", stderr);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Forward_without_an_input_tensor_exits_2_naming_what_the_file_has()
    {
        var input = TempFile(".safetensors");
        var output = TempFile(".safetensors");
        try
        {
            Safetensors.Write(input, [new("image", TensorData.FromArray(GeoDense.Torch.ScalarType.Float32, [1], new float[] { 1 }))]);
            var (code, _, stderr) = Geodense("model", "forward", "--arch", "lemevit-nano", "--weights",
                Path.Combine(NanoFixture, "weights.pth"), "--input", input, "--output", output);
            Assert.Equal(2, code);
            Assert.Contains("has no tensor named 'input' (it has: image)", stderr);
            Assert.False(File.Exists(output));
        }
        finally { File.Delete(input); }
    }

    [Fact]
    public void Summary_prints_the_reference_parameter_count_and_macs()
    {
        var (code, stdout, stderr) = Geodense("model", "summary", "--arch", "lemevit-tiny", "--num-classes", "51", "--size", "224");
        Assert.True(code == 0, stderr);
        Assert.Contains("8,331,187", stdout);
        Assert.Contains("stage 3      S     8      192       14x14", stdout);
        Assert.Contains("lemevit-tiny: 8.33M parameters", stdout);
    }

    [Fact]
    public void Bench_ends_with_an_img_per_second_line()
    {
        var (code, stdout, stderr) = Geodense("model", "bench", "--arch", "lemevit-nano", "--batch", "2", "--size", "64", "--seconds", "0.2", "--threads", "1");
        Assert.True(code == 0, stderr);
        var last = stdout.TrimEnd().Split('\n')[^1];
        Assert.Matches(@"^lemevit-nano batch=2 64x64 threads=1: [0-9.]+ img/s$", last);
        Assert.Matches(@"(?m)^[1-9][0-9]* passes: fastest [0-9.]+ ms \([0-9.]+ img/s\), median [0-9.]+ ms$", stdout);
    }
}
