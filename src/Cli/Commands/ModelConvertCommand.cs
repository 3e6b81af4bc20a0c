using System.CommandLine;
using GeoDense.Tasks.Inference;
using GeoDense.Backbones;
using GeoDense.Torch;
using GeoDense.Torch.Checkpoints;

namespace GeoDense.Cli.Commands;

/// <summary>
/// `geodense model convert --arch A --weights IN.pth --output OUT.safetensors`: strict import of a reference
/// checkpoint (every key must match --arch), written as safetensors in the model's key order with the config
/// JSON in the metadata. A checkpoint with a `head` becomes a classifier, one without a backbone.
/// </summary>
public static class ModelConvertCommand
{
    public static Command Create()
    {
        var arch = ModelOptions.Arch();
        var weights = new Option<FileInfo>("--weights") { Description = "Reference checkpoint (.pth: bare, model/state_dict/state_dict_ema, backbone./module. prefixes).", Required = true };
        var output = new Option<FileInfo>("--output") { Description = "Safetensors file to write.", Required = true };
        var command = new Command("convert", "Convert a reference checkpoint to GeoDense safetensors (strict).") { arch, weights, output };
        command.SetAction(parse => Run(parse.GetValue(arch)!, parse.GetValue(weights)!, parse.GetValue(output)!));
        return command;
    }

    private static int Run(string archName, FileInfo weightsFile, FileInfo outputFile)
    {
        var arch = ModelOptions.ResolveArch(archName);
        // checked before the checkpoint is read: a folder or unwritable path is the user's, not a failed rename
        OutputFolder.PrepareFile(outputFile.FullName, ("--weights", weightsFile.FullName));
        var stateDict = arch.ReadWeights(weightsFile.FullName);
        var classes = BackboneCatalog.HeadClasses(stateDict);
        var config = classes is { } c ? arch.With(c, arch.InChannels) : arch;
        using var model = config.CreateModel(classes);
        config.Load(model, stateDict, weightsFile.ToString(), strict: true);

        var tensors = model.StateDict().Select(e => new KeyValuePair<string, TensorData>(e.Key, ModelOptions.ToData(e.Value))).ToList();
        var extra = new Dictionary<string, string>
        {
            ["geodense.contents"] = classes is null ? "backbone" : "classifier",
            ["geodense.source"] = weightsFile.Name,
        };
        Safetensors.Write(outputFile.FullName, tensors, GeoDenseMetadata.Create(config.ToJson(), extra));
        Console.WriteLine($"{outputFile}: {config.Name} {(classes is { } k ? $"classifier ({k} classes)" : "backbone")}, " +
                          $"{tensors.Count} tensors, {model.ParameterCount():N0} parameters");
        return 0;
    }
}
