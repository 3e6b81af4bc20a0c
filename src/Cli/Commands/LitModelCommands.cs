using System.Diagnostics;
using GeoDense.Backbones;
using GeoDense.Tasks.Inference;
using GeoDense.Torch;
using GeoDense.Torch.Checkpoints;

namespace GeoDense.Cli.Commands;

/// <summary>
/// The `model forward|convert|summary|bench` commands for a LIT --arch (docs/lit.md). Same options, outputs and
/// messages as for LeMeViT; only the model family differs (its module trees have nothing in common).
/// </summary>
internal static class LitModelCommands
{
    private static OrderedDictionary<string, TensorData> ReadWeights(FileInfo weights, LitConfig arch)
    {
        if (Directory.Exists(weights.FullName)) throw new CheckpointInputException($"{weights}: is a folder; give a weights file (.pth or .safetensors)");
        if (!weights.Exists) throw new CheckpointInputException($"{weights}: weights file not found");
        if (CheckpointFormats.Detect(weights.FullName) == CheckpointFormat.Safetensors
            && GeoDenseMetadata.ConfigJson(Safetensors.ReadMetadata(weights.FullName)) is { } json
            && !json.Contains($"\"name\":\"{arch.Name}\"", StringComparison.OrdinalIgnoreCase))
            throw new CheckpointInputException($"{weights}: these weights were not written for --arch {arch.Name}");
        return Checkpoint.LoadStateDict(weights.FullName, LeMeViTWeights.ReferenceLayout);
    }

    public static int Forward(LitConfig arch, FileInfo weightsFile, FileInfo inputFile, FileInfo outputFile, int? numClasses)
    {
        OutputFolder.PrepareFile(outputFile.FullName, ("--weights", weightsFile.FullName), ("--input", inputFile.FullName));
        var stateDict = ReadWeights(weightsFile, arch);
        var headClasses = LitWeights.HeadClasses(stateDict);
        if (numClasses is { } k && headClasses is { } h && k != h)
            throw new UserInputException($"{weightsFile}: the head has {h} classes, not --num-classes {k}");
        var classes = numClasses ?? headClasses;

        using var scope = TorchRuntime.NewScope();
        var outputs = new List<KeyValuePair<string, TensorData>>();
        using (var inference = TorchRuntime.InferenceMode())
        {
            var x = ModelOptions.ReadTensor(inputFile, "input");
            if (x.DType != ScalarType.Float32) x = x.Float();
            try
            {
                if (classes is { } c)
                {
                    using var classifier = LitBackbone.Create(arch with { NumClasses = c }, classifier: true);
                    // a dense (mmdet/mmseg) checkpoint has output norms a classifier lacks: only a checkpoint with a head must fit exactly
                    var report = LitWeights.Load(classifier, stateDict, weightsFile.ToString(), strict: headClasses is not null);
                    if (report.Kept.Any(key => key.StartsWith("head.", StringComparison.Ordinal)))
                        Console.Error.WriteLine("warning: the weights have no classification head; logits come from an untrained head");
                    classifier.Eval();
                    outputs.Add(new("logits", ModelOptions.ToData(classifier.Classify(x))));
                }
                // the dense features come from the dense backbone (its own keys: LIT-S/M/B adds output norms)
                using var dense = LitBackbone.Create(arch);
                var denseReport = LitWeights.Load(dense, stateDict, weightsFile.ToString());
                if (denseReport.Kept.Count > 0)
                    Console.Error.WriteLine($"note: {string.Join(", ", denseReport.Kept)} are not in the weights (an ImageNet checkpoint); the features use their initial values");
                dense.Eval();
                var features = dense.Forward(x);
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

    public static int Convert(LitConfig arch, FileInfo weightsFile, FileInfo outputFile)
    {
        OutputFolder.PrepareFile(outputFile.FullName, ("--weights", weightsFile.FullName));
        var stateDict = ReadWeights(weightsFile, arch);
        var classes = LitWeights.HeadClasses(stateDict);
        var config = classes is { } c ? arch with { NumClasses = c } : arch;
        using var model = LitBackbone.Create(config, classifier: classes is not null);
        LitWeights.Load(model, stateDict, weightsFile.ToString(), strict: true);
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

    /// <summary>Parameters per stage (patch embedding / token merging into the stage, its blocks) and the feature map sizes.</summary>
    public static int Summary(LitConfig arch, int h, int w, int classes)
    {
        var config = arch with { NumClasses = classes };
        using var model = LitBackbone.Create(config, classifier: true);
        Console.WriteLine($"{config.Name}  input {h}x{w}  classes {classes}");
        Console.WriteLine($"{"part",-8} {"depth",5} {"channels",8} {"map",11} {"params",12}");
        var parameters = model.NamedParameters().ToList();
        long Count(Func<string, bool> belongs) => parameters.Where(p => belongs(p.Key)).Sum(p => p.Value.Numel);
        var (mh, mw) = config.Layout == LitLayout.Tiny ? (h / 4, w / 4) : ((h + 3) / 4, (w + 3) / 4);
        long total = 0;
        for (var i = 0; i < LitConfig.StageCount; i++)
        {
            var stage = i;
            var count = config.Layout == LitLayout.Tiny
                ? Count(k => k.StartsWith($"patch_embed{stage + 1}.") || k.StartsWith($"block{stage + 1}.") || k == $"pos_embed{stage + 1}")
                : Count(k => (stage == 0 && k.StartsWith("patch_embed.")) || k.StartsWith($"layers.{stage}.blocks.") || (stage > 0 && k.StartsWith($"layers.{stage - 1}.downsample.")));
            total += count;
            Console.WriteLine($"{"stage" + (i + 1),-8} {config.Depths[i],5} {config.Dims[i],8} {$"{mh}x{mw}",11} {count,12:N0}");
            (mh, mw) = (mh / 2, mw / 2);
        }
        var head = model.ParameterCount() - total;
        Console.WriteLine($"{"head",-8} {"",5} {classes,8} {"-",11} {head,12:N0}");
        Console.WriteLine($"{config.Name}: {model.ParameterCount() / 1e6:F2}M parameters");
        return 0;
    }

    public static int Bench(LitConfig arch, int batch, string sizeText, int h, int w, double seconds, bool dense)
    {
        var config = arch with { NumClasses = 1000 };
        using var model = LitBackbone.Create(config, classifier: !dense);
        model.Eval();
        using var inference = TorchRuntime.InferenceMode();
        using var input = Tensor.Randn(batch, config.InChannels, h, w);
        void Pass()
        {
            using var scope = TorchRuntime.NewScope();
            if (dense) model.Forward(input);
            else model.Classify(input);
        }

        var stop = Interruption.Token;
        try { for (var i = 0; i < 2; i++) Pass(); }
        catch (InputTooSmallException e) { throw new UserInputException($"--size {sizeText}: {e.Message}"); }
        Console.Error.WriteLine($"timing {config.Name} for {seconds:0.###} s");
        var clock = Stopwatch.StartNew();
        var passes = 0;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            if (stop.IsCancellationRequested) throw new OperationCanceledException($"model bench stopped after {passes} timed pass(es)", stop);
            Pass();
            passes++;
        }
        var rate = passes * batch / clock.Elapsed.TotalSeconds;
        Console.WriteLine($"{config.Name}{(dense ? " dense" : "")} batch={batch} {h}x{w} threads={TorchRuntime.GetNumThreads()}: {rate:F2} img/s");
        return 0;
    }
}
