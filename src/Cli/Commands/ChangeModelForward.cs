using GeoDense.Backbones;
using GeoDense.Tasks.ChangeDetection;
using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;
using GeoDense.Torch;
using GeoDense.Torch.Checkpoints;

namespace GeoDense.Cli.Commands;

/// <summary>
/// `geodense model forward --pipeline P.yaml` for change pipelines: reads tensors `before` and `after` [N, bands, H, W],
/// normalises them as the pipeline says (the reference setting is mean 0 / std 1: fed as given) and writes `logits`
/// [N, 2, H, W] (SPEC §6).
/// </summary>
public static class ChangeModelForward
{
    public static int Run(ChangePipeline config, FileInfo pipelineFile, FileInfo weights, FileInfo inputFile, FileInfo outputFile, int? threads)
    {
        var output = OutputFolder.PrepareFile(outputFile.FullName,
            ("--weights", weights.FullName), ("--input", inputFile.FullName), ("--pipeline", pipelineFile.FullName));
        var device = ComputeDevice.Resolve(config.Device, threads);
        using var session = ChangeModels.Load(config, pipelineFile.FullName, weights.FullName, device);
        using var scope = TorchRuntime.NewScope();
        var tensors = TensorCheckpoints.LoadTensors(inputFile.FullName);
        Tensor Date(string name)
        {
            if (!tensors.TryGetValue(name, out var t))
                throw new UserInputException($"{inputFile}: no tensor named `{name}` (found {string.Join(", ", tensors.Keys)}); a change model needs `before` and `after`");
            if (t.Dim != 4 || t.Shape[1] != config.Input.Bands.Count)
                throw new UserInputException($"{inputFile}: `{name}` is [{string.Join(", ", t.Shape)}]; the pipeline needs [N, {config.Input.Bands.Count}, H, W]");
            return ChangeModels.Normalize(t.Float().To(device), config);
        }
        var before = Date("before");
        var after = Date("after");
        if (!before.Shape.AsSpan().SequenceEqual(after.Shape))
            throw new UserInputException($"{inputFile}: `before` is [{string.Join(", ", before.Shape)}] but `after` is [{string.Join(", ", after.Shape)}]; the dates must match");
        using var inference = TorchRuntime.InferenceMode();
        Tensor logits;
        try { logits = session.Model.Forward(before, after).Cpu(); }
        catch (InputTooSmallException e) { throw new UserInputException($"{inputFile}: {e.Message}"); }
        TensorCheckpoints.SaveSafetensors(output, [new("logits", logits)]);
        Console.WriteLine($"{outputFile}: logits {string.Join("x", logits.Shape)}");
        return 0;
    }
}
