namespace GeoDense.Tasks.Pipelines;

// Typed shape of a pipeline file (SPEC §6). YAML keys are the snake_case of these property names
// (`ignore_index`, `warmup_iters`); unknown keys are an error so a typo never silently becomes a default.

public sealed record PipelineConfig
{
    public string Task { get; init; } = "";
    public ModelConfig Model { get; init; } = new();
    public InputConfig Input { get; init; } = new();
    public TilingConfig Tiling { get; init; } = new();
    public OutputConfig Output { get; init; } = new();
    public TrainConfig? Train { get; init; }
    public string Device { get; init; } = "auto";
}

public sealed record ModelConfig
{
    public string Backbone { get; init; } = "lemevit-small";
    public string Head { get; init; } = "upernet";
    public List<string> Classes { get; init; } = [];
    public int IgnoreIndex { get; init; } = 255;
    /// <summary>Decode head width (mmseg `channels`, 512 in the reference config).</summary>
    public int Channels { get; init; } = 512;
    /// <summary>Auxiliary FCN head width (256 in the reference config); 0 disables the auxiliary head.</summary>
    public int AuxChannels { get; init; } = 256;
    public double AuxLossWeight { get; init; } = 0.4;
    public double Dropout { get; init; } = 0.1;

    /// <summary>Classes the head predicts and metrics score: all but an ignored last class (Potsdam: clutter).</summary>
    public int ScoredClassCount() => IgnoreIndex < Classes.Count ? IgnoreIndex : Classes.Count;
}

public sealed record InputConfig
{
    /// <summary>1-based raster band numbers fed to the model, in order.</summary>
    public List<int> Bands { get; init; } = [1, 2, 3];
    public List<float> Mean { get; init; } = [123.675f, 116.28f, 103.53f];
    public List<float> Std { get; init; } = [58.395f, 57.12f, 57.375f];
}

public sealed record TilingConfig
{
    public int Size { get; init; } = 512;
    public int Stride { get; init; } = 384;
    public List<double> Scales { get; init; } = [1.0];
    /// <summary>cosine | average | crop. `average` is mmseg's slide inference (mean of overlapping logits).</summary>
    public string Blend { get; init; } = "cosine";
    public int BatchSize { get; init; } = 4;
}

public sealed record OutputConfig
{
    /// <summary>Any of: cog (else a plain tiled geotiff), probabilities, geojson, gpkg, png.</summary>
    public List<string> Formats { get; init; } = ["cog"];
}

public sealed record TrainConfig
{
    public DataConfig Data { get; init; } = new();
    public DataConfig? Val { get; init; }
    public int Iterations { get; init; } = 80000;
    public int BatchSize { get; init; } = 8;
    public OptimizerConfig Optimizer { get; init; } = new();
    public ScheduleConfig Schedule { get; init; } = new();
    public AugmentConfig Augment { get; init; } = new();
    public int CheckpointEvery { get; init; } = 8000;
    public int ValidateEvery { get; init; } = 8000;
    public int LogEvery { get; init; } = 50;
    public string WorkDir { get; init; } = "runs/segmentation";
    public int Seed { get; init; } = 0;
    /// <summary>Optional backbone checkpoint (.pth or .safetensors) loaded before training.</summary>
    public string? Pretrained { get; init; }
}

public sealed record DataConfig
{
    /// <summary>potsdam | geotiff-pairs (and the other tasks' formats).</summary>
    public string Format { get; init; } = "potsdam";
    public string Root { get; init; } = "";
    /// <summary>Potsdam: use the eroded "noBoundary" labels (boundaries ignored).</summary>
    public bool NoBoundary { get; init; }
    /// <summary>Potsdam tile ids (e.g. 2_10) for this split; empty means every tile found.</summary>
    public List<string> Tiles { get; init; } = [];
}

public sealed record OptimizerConfig
{
    public string Type { get; init; } = "adamw";
    public double Lr { get; init; } = 4e-4;
    public double WeightDecay { get; init; } = 0.05;
    public List<double> Betas { get; init; } = [0.9, 0.999];
}

public sealed record ScheduleConfig
{
    public string Type { get; init; } = "poly";
    public int WarmupIters { get; init; } = 1500;
    public double WarmupRatio { get; init; } = 1e-6;
    public double Power { get; init; } = 1.0;
    public double MinLr { get; init; }
}

public sealed record AugmentConfig
{
    public int ResizeBase { get; init; } = 512;
    public List<double> RatioRange { get; init; } = [0.5, 2.0];
    public int CropSize { get; init; } = 512;
    public double CatMaxRatio { get; init; } = 0.75;
    public double FlipProbability { get; init; } = 0.5;
    public bool Photometric { get; init; } = true;
}
