using GeoDense.Backbones;
using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Segmentation;
using GeoDense.Torch;
using GeoDense.Torch.Checkpoints;

namespace GeoDense.Cli.Commands;

/// <summary>
/// `geodense model forward --pipeline P.yaml --weights W --input IN.safetensors --output OUT.safetensors` for
/// segmentation pipelines (change pipelines: <see cref="ChangeModelForward"/>): runs the whole model on tensor `input` and writes `logits` and `aux_logits`, both
/// resized to the input size (SPEC §6). Called by the `model forward` command when --pipeline is given.
/// </summary>
public static class PipelineModelForward
{
    public static int Run(FileInfo pipelineFile, FileInfo weights, FileInfo inputFile, FileInfo outputFile, int? threads)
    {
        if (PipelineFile.Load(pipelineFile.FullName) is ChangePipeline change)
            return ChangeModelForward.Run(change, pipelineFile, weights, inputFile, outputFile, threads);
        var config = PipelineOptions.Load<SegmentationPipeline>(pipelineFile);
        var output = OutputFolder.PrepareFile(outputFile.FullName,
            ("--weights", weights.FullName), ("--input", inputFile.FullName), ("--pipeline", pipelineFile.FullName));
        var device = ComputeDevice.Resolve(config.Device, threads);
        using var session = SegmentationModels.Load(config, pipelineFile.FullName, weights.FullName, device);
        using var scope = TorchRuntime.NewScope();
        var tensors = TensorCheckpoints.LoadTensors(inputFile.FullName);
        if (!tensors.TryGetValue("input", out var input))
            throw new UserInputException($"{inputFile}: no tensor named `input` (found {string.Join(", ", tensors.Keys)})");
        if (input.Dim != 4 || input.Shape[1] != config.Input.Bands.Count)
            throw new UserInputException($"{inputFile}: `input` is [{string.Join(", ", input.Shape)}]; the pipeline needs [N, {config.Input.Bands.Count}, H, W]");
        using var inference = TorchRuntime.InferenceMode();
        SegmentationLogits logits;
        try { logits = session.Model.ForwardBoth(input.Float().To(device)); }
        catch (InputTooSmallException e) { throw new UserInputException($"{inputFile}: {e.Message}"); }
        using var disposeLogits = logits;
        var outputs = new List<KeyValuePair<string, Tensor>> { new("logits", logits.Decode.Cpu()) };
        if (logits.Auxiliary is { } aux) outputs.Add(new("aux_logits", aux.Cpu()));
        TensorCheckpoints.SaveSafetensors(output, outputs);
        Console.WriteLine($"{outputFile}: logits {string.Join("x", logits.Decode.Shape)}");
        return 0;
    }
}
