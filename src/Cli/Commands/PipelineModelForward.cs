using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Segmentation;
using GeoDense.Torch;
using GeoDense.Torch.Checkpoints;

namespace GeoDense.Cli.Commands;

/// <summary>
/// `geodense model forward --pipeline P.yaml --weights W --input IN.safetensors --output OUT.safetensors` for
/// segmentation pipelines: runs the whole model on tensor `input` and writes `logits` and `aux_logits`, both
/// resized to the input size (SPEC §6). Called by the `model forward` command when --pipeline is given.
/// </summary>
public static class PipelineModelForward
{
    public static int Run(FileInfo pipelineFile, FileInfo weights, FileInfo inputFile, FileInfo outputFile, int? threads)
    {
        var config = PipelineOptions.Load<SegmentationPipeline>(pipelineFile);
        var device = PipelineOptions.Device(config, threads);
        using var model = SegmentationModels.Create(config);
        SegmentationWeights.Load(model, weights.FullName);
        model.To(device);
        model.Eval();
        using var scope = TorchRuntime.NewScope();
        var tensors = TensorCheckpoints.LoadTensors(inputFile.FullName);
        if (!tensors.TryGetValue("input", out var input))
            throw new UserInputException($"{inputFile}: no tensor named `input` (found {string.Join(", ", tensors.Keys)})");
        using var inference = TorchRuntime.InferenceMode();
        using var logits = model.ForwardBoth(input.Float().To(device));
        var outputs = new List<KeyValuePair<string, Tensor>> { new("logits", logits.Decode.Cpu()) };
        if (logits.Auxiliary is { } aux) outputs.Add(new("aux_logits", aux.Cpu()));
        TensorCheckpoints.SaveSafetensors(outputFile.FullName, outputs);
        Console.WriteLine($"{outputFile}: logits {string.Join("x", logits.Decode.Shape)}");
        return 0;
    }
}
