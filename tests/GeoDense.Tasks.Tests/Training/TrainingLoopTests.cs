using System.Text.Json.Serialization;
using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Training;
using GeoDense.Torch;
using GeoDense.Torch.NN;
using GeoDense.Torch.Optim;
using GeoDense.Torch.Schedules;

namespace GeoDense.Tasks.Tests.Training;

/// <summary>The loop's own promises, on a tiny regression task with no randomness beyond the batch counter.</summary>
public sealed class TrainingLoopTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("loop-").FullName;

    public void Dispose() => Directory.Delete(root, true);

    public sealed record FitMetrics(double Error) : ITrainingMetrics
    {
        [JsonIgnore]
        public IReadOnlyList<KeyValuePair<string, double>> Scalars => [new("error", Error)];
    }

    /// <summary>Fits y = 2a - b + 0.5 with one linear layer; batch i comes from (seed, i) only.</summary>
    sealed class FitTask : ITrainingTask<FitMetrics>
    {
        readonly Linear model = new(2, 1);
        public Func<CancellationToken, FitMetrics>? OnValidate { get; init; }
        public FitTask()
        {
            // fixed start: libtorch's generator is process-wide, and tests in other classes draw from it concurrently
            using (TorchRuntime.NoGrad())
            {
                Init.Zeros_(model.Weight);
                Init.Zeros_(model.Bias!);
            }
            Optimizer = new AdamW(model.Parameters(), 0.05);
        }
        public Module Model => model;
        public Optimizer Optimizer { get; }
        public IReadOnlyList<string> LossNames { get; } = ["loss"];
        public bool CanValidate => true;
        public IReadOnlyDictionary<string, string> WeightsMetadata { get; } = new Dictionary<string, string> { ["test"] = "fit" };

        static (Tensor X, Tensor Y) Batch(Random random)
        {
            var x = new float[16];
            for (int i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 2 - 1);
            var y = Enumerable.Range(0, 8).Select(n => 2 * x[2 * n] - x[2 * n + 1] + 0.5f).ToArray();
            return (Tensor.FromArray(x, 8, 2), Tensor.FromArray(y, 8, 1));
        }

        public IReadOnlyList<double> Step(long iteration, double learningRate)
        {
            using var scope = TorchRuntime.NewScope();
            var (x, y) = Batch(new CounterRandom(1, TrainingStream.DataOrder, iteration));
            var loss = Functional.MseLoss(model.Forward(x), y);
            Optimizer.ZeroGrad();
            loss.Backward();
            Optimizer.SetLearningRate(learningRate);
            Optimizer.Step();
            return [loss.Item<float>()];
        }

        public FitMetrics Validate(CancellationToken cancellationToken)
        {
            if (OnValidate is not null) return OnValidate(cancellationToken);
            using var scope = TorchRuntime.NewScope();
            using var noGrad = TorchRuntime.NoGrad();
            var (x, y) = Batch(new CounterRandom(2, TrainingStream.DataOrder, 0));
            return new FitMetrics(Functional.MseLoss(model.Forward(x), y).Item<float>());
        }

        public void Dispose()
        {
            Optimizer.Dispose();
            model.Dispose();
        }
    }

    static readonly TrainingPlan Plan = new(Iterations: 12, CheckpointEvery: 4, ValidateEvery: 4, LogEvery: 1, Seed: 3);

    TrainingLoop Loop(string name, TrainingPlan? plan = null) => new(Path.Combine(root, name), plan ?? Plan, new CosineLr(0.2, 12, 0, 2, 1e-2));

    static float[] Weights(string path)
    {
        using var scope = TorchRuntime.NewScope();
        return GeoDense.Torch.Checkpoints.TensorCheckpoints.LoadTensors(path).Values.SelectMany(t => t.Flatten().ToArray<float>()).ToArray();
    }

    [Fact]
    public void A_run_learns_checkpoints_validates_and_logs_on_plan()
    {
        var result = Loop("run").Run(() => new FitTask(), resume: false);
        Assert.Equal(["iter_000004", "iter_000008", "iter_000012"],
            Directory.GetFiles(Path.Combine(root, "run", "checkpoints"), "*.optim.safetensors").Select(f => Path.GetFileName(f)[..11]).Order());
        Assert.Equal(13, File.ReadAllLines(Path.Combine(root, "run", "log.csv")).Length);
        var val = File.ReadAllLines(Path.Combine(root, "run", "val.csv"));
        Assert.Equal("iteration,error", val[0]);
        Assert.Equal(["3", "7", "11"], val.Skip(1).Select(l => l.Split(',')[0]));
        double first = double.Parse(val[1].Split(',')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(result.Validation!.Error < 0.5 * first, $"validation error {first} -> {result.Validation.Error}");
        Assert.True(File.Exists(Path.Combine(root, "run", "curves.png")));
        Assert.Equal("fit", GeoDense.Torch.Checkpoints.Safetensors.ReadMetadata(result.Weights)["test"]);
    }

    [Fact]
    public void A_validation_cut_short_by_cancellation_runs_on_resume_and_the_weights_match()
    {
        var straight = Loop("straight").Run(() => new FitTask(), resume: false);

        using var cancel = new CancellationTokenSource();
        // the second validation (after iteration 8) is interrupted: the checkpoint after 8 is saved without it
        int validations = 0;
        var interrupted = Assert.Throws<TrainingInterruptedException>(() => Loop("cut").Run(() => new FitTask
        {
            OnValidate = token =>
            {
                if (++validations == 2) { cancel.Cancel(); token.ThrowIfCancellationRequested(); }
                return new FitMetrics(1);
            },
        }, resume: false, cancel.Token));
        Assert.Contains("after iteration 8 of 12", interrupted.Message);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(root, "cut", "val.csv")).Length);   // header + the first validation

        var resumed = Loop("cut").Run(() => new FitTask(), resume: true);
        Assert.Equal(4, File.ReadAllLines(Path.Combine(root, "cut", "val.csv")).Length);   // the cut one ran on resume, then the last
        Assert.Equal(Weights(straight.Weights), Weights(resumed.Weights));
        Assert.Equal(straight.Validation!.Error, resumed.Validation!.Error);
    }

    [Fact]
    public void Torn_log_lines_from_a_crash_are_dropped_on_resume()
    {
        Loop("torn", Plan with { Iterations = 8 }).Run(() => new FitTask(), resume: false);
        var dir = Path.Combine(root, "torn");
        foreach (var extra in new[] { "iter_000008.safetensors", "iter_000008.optim.safetensors", "latest.safetensors" })
            File.Delete(Path.Combine(dir, extra.StartsWith("iter", StringComparison.Ordinal) ? Path.Combine("checkpoints", extra) : extra));
        File.AppendAllText(Path.Combine(dir, "log.csv"), "5");
        File.AppendAllText(Path.Combine(dir, "val.jsonl"), "{\"iteration\": 3, \"metr");
        File.AppendAllText(Path.Combine(dir, "val.csv"), "3");

        var result = Loop("torn", Plan with { Iterations = 8 }).Run(() => new FitTask(), resume: true);
        Assert.NotNull(result.Validation);
        Assert.Equal(Enumerable.Range(0, 8), File.ReadLines(Path.Combine(dir, "log.csv")).Skip(1).Select(l => int.Parse(l.Split(',')[0])));
        Assert.All(File.ReadLines(Path.Combine(dir, "val.csv")).Skip(1), l => Assert.Equal(2, l.Split(',').Length));
    }

    [Fact]
    public void Resuming_a_model_the_pipeline_no_longer_describes_is_one_clear_error()
    {
        Loop("changed", Plan with { Iterations = 4 }).Run(() => new FitTask(), resume: false);
        var e = Assert.Throws<PipelineInputException>(() =>
            Loop("changed", Plan with { Iterations = 8 }).Run(() => new WiderFitTask(), resume: true));
        Assert.Contains("the checkpoint does not fit the pipeline's model", e.Message);
        Assert.Contains("wrong-shaped", e.Message);
    }

    [Fact]
    public void Resuming_with_fewer_iterations_than_the_checkpoint_is_refused()
    {
        Loop("shorter", Plan with { Iterations = 8 }).Run(() => new FitTask(), resume: false);
        var e = Assert.Throws<PipelineInputException>(() => Loop("shorter", Plan with { Iterations = 4 }).Run(() => new FitTask(), resume: true));
        Assert.Contains("past train.iterations 4", e.Message);
    }

    /// <summary>The same task with a wider input, as if the pipeline's bands had changed since the run started.</summary>
    sealed class WiderFitTask : ITrainingTask<FitMetrics>
    {
        readonly Linear model = new(3, 1);
        public WiderFitTask() => Optimizer = new AdamW(model.Parameters());
        public Module Model => model;
        public Optimizer Optimizer { get; }
        public IReadOnlyList<string> LossNames { get; } = ["loss"];
        public bool CanValidate => false;
        public IReadOnlyDictionary<string, string> WeightsMetadata { get; } = new Dictionary<string, string>();
        public IReadOnlyList<double> Step(long iteration, double learningRate) => [0];
        public FitMetrics Validate(CancellationToken cancellationToken) => new(0);
        public void Dispose() { Optimizer.Dispose(); model.Dispose(); }
    }
}
