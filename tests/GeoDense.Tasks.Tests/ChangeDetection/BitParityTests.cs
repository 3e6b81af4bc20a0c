using System.Text.Json;
using GeoDense.Tasks.ChangeDetection;
using GeoDense.Tasks.Pipelines;
using GeoDense.Torch;
using GeoDense.Torch.Checkpoints;

namespace GeoDense.Tasks.Tests.ChangeDetection;

/// <summary>
/// The siamese LeMeViT + BIT against fixtures the reference change-detection code made
/// (shared/tools/reference/make_bit_fixture.py; every tests/fixtures/bit-* folder is checked): the bare reference
/// state dict loads strictly through <see cref="ChangeModels.Load"/>, its keys come in our state dict's order, and
/// (before, after) -> logits match within 1e-4 relative.
/// </summary>
public class BitParityTests
{
    static string Data => Path.Combine(AppContext.BaseDirectory, "TestData");

    public static TheoryData<string> Fixtures()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(Data, "bit-*").Order()) data.Add(Path.GetFileName(dir));
        return data;
    }

    internal static ChangePipeline PipelineFor(string fixture)
    {
        using var meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(Data, fixture, "meta.json")));
        var variant = meta.RootElement.GetProperty("variant").GetString();
        return PipelineFile.Parse<ChangePipeline>($"task: change\nmodel: {{ backbone: lemevit-{variant}, head: bit }}\n", $"{fixture}.yaml");
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Reference_checkpoint_loads_strictly_and_logits_match(string fixture)
    {
        var weights = Path.Combine(Data, fixture, "weights.pth");
        using var session = ChangeModels.Load(PipelineFor(fixture), $"{fixture}.yaml", weights, Device.Cpu);
        Assert.Equal(Checkpoint.LoadStateDict(weights).Keys, session.Model.StateDict().Keys);

        using var scope = TorchRuntime.NewScope();
        var io = Fixture.Tensors(Safetensors.Read(Path.Combine(Data, fixture, "io.safetensors")).Tensors);
        using var inference = TorchRuntime.InferenceMode();
        var logits = session.Model.Forward(io["before"], io["after"]);
        Fixture.AssertClose(io["logits"], logits, 1e-4);
    }

    [Fact]
    public void Data_parallel_prefixes_are_removed()
    {
        var weights = Path.Combine(Data, "bit-nano", "weights.pth");
        var prefixed = Path.Combine(Path.GetTempPath(), $"bit-module-{Guid.NewGuid():N}.safetensors");
        try
        {
            using (var scope = TorchRuntime.NewScope())
            {
                var state = Checkpoint.LoadStateDict(weights).Select(kv => new KeyValuePair<string, Tensor>("module." + kv.Key, kv.Value.ToTensor()));
                TensorCheckpoints.SaveSafetensors(prefixed, state.ToList());
            }
            using var session = ChangeModels.Load(PipelineFor("bit-nano"), "bit-nano.yaml", prefixed, Device.Cpu);
            using var scope2 = TorchRuntime.NewScope();
            var io = Fixture.Tensors(Safetensors.Read(Path.Combine(Data, "bit-nano", "io.safetensors")).Tensors);
            using var inference = TorchRuntime.InferenceMode();
            Fixture.AssertClose(io["logits"], session.Model.Forward(io["before"], io["after"]), 1e-4);
        }
        finally { File.Delete(prefixed); }
    }

    [Fact]
    public void Weights_for_another_variant_are_named_in_one_line()
    {
        var pipeline = PipelineFile.Parse<ChangePipeline>("task: change\nmodel: { backbone: lemevit-tiny, head: bit }\n", "tiny.yaml");
        var e = Assert.Throws<PipelineInputException>(() => ChangeModels.Load(pipeline, "tiny.yaml", Path.Combine(Data, "bit-nano", "weights.pth"), Device.Cpu));
        Assert.StartsWith($"{Path.Combine(Data, "bit-nano", "weights.pth")}: weights are lemevit-nano + bit(32, 4 tokens, enc 1, dec 8); pipeline tiny.yaml asks lemevit-tiny + bit(32, 4 tokens, enc 1, dec 8)",
            e.Message);
    }
}
