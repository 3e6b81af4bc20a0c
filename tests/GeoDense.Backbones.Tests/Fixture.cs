using System.Text.Json;
using GeoDense.Torch;
using GeoDense.Torch.Checkpoints;

namespace GeoDense.Backbones.Tests;

/// <summary>A parity fixture made by shared/tools/reference/make_lemevit_fixture.py from the reference code.</summary>
public sealed class Fixture
{
    /// <summary>Every fixture directory under TestData (tests/fixtures/lemevit-nano*, any folder with a meta.json): drop in another one made by
    /// make_lemevit_fixture.py (any variant, seed or size) and every parity test runs on it too.</summary>
    public static readonly string[] Names = System.IO.Directory.GetDirectories(Path.Combine(AppContext.BaseDirectory, "TestData"))
        .Where(d => File.Exists(Path.Combine(d, "meta.json"))).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal).ToArray();

    public string Directory { get; }
    public LeMeViTConfig Config { get; }
    public OrderedDictionary<string, TensorData> Io { get; }

    private Fixture(string name)
    {
        Directory = Path.Combine(AppContext.BaseDirectory, "TestData", name);
        using var meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, "meta.json")));
        var root = meta.RootElement;
        var config = root.GetProperty("config");
        // Built from the fixture's own description, so any variant/seed/size the reference produced is checked.
        Config = new LeMeViTConfig
        {
            Name = "fixture-" + root.GetProperty("variant").GetString(),
            Depths = config.GetProperty("depth").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            Dims = config.GetProperty("embed_dim").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            HeadDim = config.GetProperty("head_dim").GetInt32(),
            MetaTokens = config.GetProperty("queries_len").GetInt32(),
            NumClasses = root.GetProperty("num_classes").GetInt32(),
        };
        Io = Safetensors.Read(Path.Combine(Directory, "io.safetensors")).Tensors;
    }

    private static readonly Dictionary<string, Fixture> Cache = [];

    public static Fixture Get(string name)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(name, out var fixture)) Cache[name] = fixture = new Fixture(name);
            return fixture;
        }
    }

    public string PathOf(string name) => Path.Combine(Directory, name);
    public bool Has(string name) => File.Exists(PathOf(name));

    public Tensor Tensor(string name)
    {
        var data = Io[name];
        return GeoDense.Torch.Tensor.FromBytes(data.DType, data.Shape, data.Data.Span);
    }

    /// <summary>max |actual − expected| / max |expected|, the acceptance measure.</summary>
    public static double RelativeError(Tensor actual, Tensor expected)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        using var scope = TorchRuntime.NewScope();
        var diff = actual.Sub(expected).Abs().Max().Item<float>();
        var scale = expected.Abs().Max().Item<float>();
        return diff / scale;
    }
}
