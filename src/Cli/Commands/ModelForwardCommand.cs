using System.CommandLine;
using GeoDense.Tasks.Inference;
using GeoDense.Backbones;
using GeoDense.Torch;
using GeoDense.Torch.Checkpoints;

namespace GeoDense.Cli.Commands;

/// <summary>
/// `geodense model forward --arch A --weights W --input IN.safetensors --output OUT.safetensors [--num-classes K]`:
/// runs the backbone on the tensor `input` and writes `logits` (when the weights have a head or
/// --num-classes is given) and `feature1..feature4`. With `--pipeline P.yaml` instead of --arch it runs the
/// pipeline's whole model (<see cref="PipelineModelForward"/>).
/// </summary>
public static class ModelForwardCommand
{
    public static Command Create()
    {
        var arch = ModelOptions.Arch(required: false);
        var pipeline = new Option<FileInfo?>("--pipeline") { Description = "Run a pipeline's whole model (segmentation) instead of a backbone." };
        var weights = new Option<FileInfo>("--weights") { Description = "Weights: a reference .pth (any wrapper) or GeoDense .safetensors.", Required = true };
        var input = new Option<FileInfo>("--input") { Description = "Safetensors file with a float tensor `input` [B, 3, H, W].", Required = true };
        var output = new Option<FileInfo>("--output") { Description = "Safetensors file to write.", Required = true };
        var classes = ModelOptions.NumClasses();
        var threads = ModelOptions.Threads();
        var device = ModelOptions.Device();
        var command = new Command("forward", "Run a backbone on a tensor: writes logits and feature1..feature4.")
        {
            arch, pipeline, weights, input, output, classes, threads, device,
        };
        command.SetAction(parse => (parse.GetValue(arch), parse.GetValue(pipeline)) switch
        {
            ({ } a, null) => Run(a, parse.GetValue(weights)!, parse.GetValue(input)!, parse.GetValue(output)!, parse.GetValue(classes), parse.GetValue(threads),
                ModelOptions.ResolveDevice(parse.GetValue(device)!)),
            (null, { } p) => PipelineModelForward.Run(p, parse.GetValue(weights)!, parse.GetValue(input)!, parse.GetValue(output)!, parse.GetValue(threads)),
            _ => throw new UserInputException("model forward: give either --arch (a backbone) or --pipeline (a pipeline's whole model)"),
        });
        return command;
    }

    private static int Run(string archName, FileInfo weightsFile, FileInfo inputFile, FileInfo outputFile, int? numClasses, int? threads, Device device)
    {
        ModelOptions.ApplyThreads(threads);
        if (numClasses is < 1) throw new UserInputException($"--num-classes must be at least 1, got {numClasses}");
        var arch = ModelOptions.ResolveArch(archName);
        OutputFolder.PrepareFile(outputFile.FullName, ("--weights", weightsFile.FullName), ("--input", inputFile.FullName));
        var stateDict = arch.ReadWeights(weightsFile.FullName);
        var headClasses = BackboneCatalog.HeadClasses(stateDict);
        if (numClasses is { } k && headClasses is { } h && k != h)
            throw new UserInputException($"{weightsFile}: the head has {h} classes, not --num-classes {k}");

        using var scope = TorchRuntime.NewScope();
        var outputs = new List<KeyValuePair<string, TensorData>>();
        using (var inference = TorchRuntime.InferenceMode())
        {
            var x = ModelOptions.ReadTensor(inputFile, "input");
            if (x.DType != ScalarType.Float32) x = x.Float();
            x = x.To(device);
            try
            {
                var (logits, features) = arch.Forward(stateDict, weightsFile.ToString(), numClasses ?? headClasses, x, device, Console.Error);
                if (logits is not null) outputs.Add(new("logits", ModelOptions.ToData(logits)));
                for (var i = 0; i < features.Count; i++) outputs.Add(new($"feature{i + 1}", ModelOptions.ToData(features[i])));
            }
            catch (Exception e) when (e is ArgumentException or InputTooSmallException)
            {
                throw new UserInputException($"{inputFile}: {e.Message}");
            }
        }
        Safetensors.Write(outputFile.FullName, outputs, GeoDenseMetadata.Create(arch.ToJson()));
        Console.WriteLine($"{outputFile}: {string.Join(", ", outputs.Select(o => $"{o.Key} [{string.Join(", ", o.Value.Shape)}]"))}");
        return 0;
    }
}
