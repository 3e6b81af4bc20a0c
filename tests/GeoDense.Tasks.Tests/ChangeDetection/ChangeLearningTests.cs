using GeoDense.Tasks.ChangeDetection;
using GeoDense.Tasks.Pipelines;
using GeoDense.Torch;
using Xunit.Abstractions;

namespace GeoDense.Tasks.Tests.ChangeDetection;

/// <summary>
/// Proves the change pipeline learns: lemevit-nano + BIT trained for a few minutes on synthetic CDD-format pairs
/// (buildings built or demolished, plus a global illumination and colour change of the second date that is not
/// change) reaches change-class F1 >= 0.8 on held-out pairs, scored again from the trainer's weights file.
/// </summary>
[Collection(SerialCollection.Name)]
public class ChangeLearningTests(ITestOutputHelper output)
{
    internal static string Yaml(string train, string val, string workDir, int iterations) => $$"""
        task: change
        model: { backbone: lemevit-nano, head: bit }
        train:
          data: { format: cdd, root: {{train}} }
          val: { format: cdd, root: {{val}} }
          iterations: {{iterations}}
          batch_size: 8
          optimizer: { type: adamw, lr: 0.001, weight_decay: 0.01 }
          schedule: { type: poly, warmup_iters: 0, power: 1.0 }
          loss: ce_dice
          checkpoint_every: 1000000
          validate_every: 1000000
          work_dir: {{workDir}}
          seed: 3
        device: cpu
        """;

    [Fact]
    public void Nano_bit_learns_synthetic_changes_and_ignores_illumination()
    {
        var root = Directory.CreateTempSubdirectory("change-learn").FullName;
        try
        {
            string train = Path.Combine(root, "train"), val = Path.Combine(root, "val");
            SyntheticChangePairs.WriteCdd(train, count: 96, size: 64, seed: 1);
            SyntheticChangePairs.WriteCdd(val, count: 32, size: 64, seed: 2);
            var pipeline = PipelineFile.Parse<ChangePipeline>(Yaml(train, val, Path.Combine(root, "run"), iterations: 450));
            var result = new ChangeTrainer(pipeline, pipeline.Train!.WorkDir, Device.Cpu).Run(resume: false);

            var metrics = ChangeEvaluator.EvaluateWeights(pipeline, "learning.yaml", result.Weights, val, Device.Cpu);
            output.WriteLine(metrics.ToTable());
            Assert.True(metrics.F1 >= 0.8, metrics.ToTable());
            Assert.Equal(metrics.F1, result.Validation!.F1, 6);
            Assert.True(File.Exists(Path.Combine(root, "run", "curves.png")));
        }
        finally { Directory.Delete(root, true); }
    }
}
