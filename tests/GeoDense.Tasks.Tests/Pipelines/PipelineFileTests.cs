using GeoDense.Tasks.Pipelines;

namespace GeoDense.Tasks.Tests.Pipelines;

public class PipelineFileTests
{
    [Fact]
    public void Spec_example_parses_into_the_segmentation_record()
    {
        var c = PipelineFile.Parse<SegmentationPipeline>(PipelineYaml.Segmentation, "p.yaml");
        Assert.Equal("segmentation", c.Task);
        Assert.Equal("p.yaml", c.Source);
        Assert.Equal(6, c.Model.Classes.Count);
        Assert.Equal(5, c.Model.ScoredClassCount());
        Assert.Equal(512, c.Model.Channels);                       // not in the file: the reference default
        Assert.Equal(384, c.Tiling.Stride);
        Assert.Equal(4, c.Tiling.BatchSize);
        Assert.Equal(0.0004, c.Train!.Optimizer.Lr);
        Assert.Equal(1500, c.Train.Schedule.WarmupIters);
        Assert.Equal("potsdam", c.Train.Data.Format);
        Assert.Equal(512, c.Train.Augment.CropSize);
        Assert.Equal("runs/segmentation", c.Train.WorkDir);
        Assert.Equal(58.395f, c.Input.Std[0]);
    }

    [Fact]
    public void Load_returns_the_record_of_the_files_task()
    {
        var path = Path.Combine(Path.GetTempPath(), $"pipeline-{Guid.NewGuid():N}.yaml");
        try
        {
            File.WriteAllText(path, "task: change\nmodel: { backbone: lemevit-tiny, head: bit }\n");
            var pipeline = PipelineFile.Load(path);
            Assert.IsType<ChangePipeline>(pipeline);
            Assert.Equal(path, pipeline.Source);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Load_of_a_task_names_the_file_and_both_tasks_when_the_task_differs()
    {
        var path = Path.Combine(Path.GetTempPath(), $"pipeline-{Guid.NewGuid():N}.yaml");
        try
        {
            File.WriteAllText(path, "task: classification\nmodel: { backbone: lemevit-tiny, head: linear, classes: [a, b] }\n");
            Assert.IsType<ClassificationPipeline>(PipelineFile.Load<ClassificationPipeline>(path));
            var e = Assert.Throws<PipelineInputException>(() => PipelineFile.Load<SegmentationPipeline>(path));
            Assert.Equal($"{path}: pipeline task is 'classification', this command needs 'segmentation'", e.Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var e = Assert.Throws<PipelineInputException>(() => PipelineFile.Load("/no/such/p.yaml"));
        Assert.Equal("/no/such/p.yaml: pipeline file not found", e.Message);
    }

    [Fact]
    public void Detection_pipeline_gets_the_reference_test_settings_and_dota_windows()
    {
        var c = PipelineFile.Parse<DetectionPipeline>("""
            task: detection
            model:
              backbone: lemevit-small
              head: oriented-rcnn
              classes: [large-vehicle, swimming-pool, helicopter]
              rcnn: { nms_iou: 0.2 }
            """);
        Assert.Equal((1024, 824), (c.Tiling.Size, c.Tiling.Stride));
        Assert.Equal(256, c.Model.FpnChannels);
        Assert.Equal((2000, 0.8, 2000), (c.Model.Rpn.PreNmsTop, c.Model.Rpn.NmsIou, c.Model.Rpn.MaxProposals));
        Assert.Equal((0.05, 0.2, 2000), (c.Model.Rcnn.ScoreThreshold, c.Model.Rcnn.NmsIou, c.Model.Rcnn.MaxPerImage));
        Assert.Equal(0.5, c.Model.MergeNmsIou);
        Assert.Equal(["geojson"], c.Output.Formats);
        Assert.Null(c.Train);
    }

    [Fact]
    public void Detection_train_section_holds_the_reference_1x_recipe()
    {
        var c = PipelineFile.Parse<DetectionPipeline>("""
            task: detection
            model: { backbone: lemevit-small, head: oriented-rcnn, classes: [plane] }
            train:
              data: { format: dota, root: data/dota/train }
              iterations: 12000
              schedule: { steps: [8000, 11000] }
            """);
        var t = c.Train!;
        Assert.Equal((16, 1e-3, 0.05), (t.BatchSize, t.Optimizer.Lr, t.Optimizer.WeightDecay));
        Assert.Equal(("step", 500, 1e-3), (t.Schedule.Type, t.Schedule.WarmupIters, t.Schedule.WarmupRatio));
        Assert.Equal([8000, 11000], t.Schedule.Steps);
        Assert.Equal(35, t.GradClipNorm);
        Assert.Equal((0.5, 0.5), (t.Augment.HorizontalFlip, t.Augment.VerticalFlip));
    }

    [Fact]
    public void Change_pipeline_gets_bit_defaults_and_raw_pixel_input()
    {
        var c = PipelineFile.Parse<ChangePipeline>("""
            task: change
            model: { backbone: lemevit-small, head: bit }
            train:
              data: { format: cdd, root: data/cdd }
            """);
        Assert.Equal(["unchanged", "changed"], c.Model.Classes);
        Assert.Equal((4, 1, 8, 8, 64, 32), (c.Model.TokenLen, c.Model.EncDepth, c.Model.DecDepth, c.Model.Heads, c.Model.DimHead, c.Model.Channels));
        Assert.Equal([0f, 0f, 0f], c.Input.Mean);
        Assert.Equal([1f, 1f, 1f], c.Input.Std);
        Assert.Equal(256, c.Tiling.Size);
        Assert.Equal((2.4e-4, 0.01, 16), (c.Train!.Optimizer.Lr, c.Train.Optimizer.WeightDecay, c.Train.BatchSize));
        Assert.Equal(0.75, c.Train.Augment.Rotate90);
    }

    [Fact]
    public void Classification_pipeline_reads_its_crop_size_and_writes_no_outputs()
    {
        var c = PipelineFile.Parse<ClassificationPipeline>("""
            task: classification
            model: { backbone: lemevit-tiny, head: linear, classes: [forest, river] }
            train:
              data: { format: folder, root: data/train }
              augment: { crop_size: 192 }
            """);
        Assert.Equal(["forest", "river"], c.Model.Classes);
        Assert.Equal(192, c.Train!.Augment.CropSize);
        Assert.Equal("cosine", c.Train.Schedule.Type);
        Assert.Empty(c.Output.Formats);
    }

    [Theory]
    [InlineData(PipelineYaml.Segmentation)]
    [InlineData("task: detection\nmodel: { backbone: lemevit-base, head: oriented-rcnn, classes: [plane, ship], rpn: { nms_iou: 0.7 } }\ntrain:\n  data: { format: dota, root: d }\n  schedule: { steps: [100] }\n  pretrained: w.pth\n")]
    [InlineData("task: change\nmodel: { backbone: lemevit-nano, head: bit, token_len: 6 }\ninput: { bands: [3, 2, 1], mean: [1.5, 2, 3], std: [1e-3, 1, 1] }\n")]
    public void Serialised_pipeline_reads_back_the_same(string yaml)
    {
        var pipeline = PipelineFile.Parse(yaml);
        var text = PipelineFile.Serialize(pipeline);
        var back = PipelineFile.Parse(text);
        Assert.Equal(pipeline.GetType(), back.GetType());
        Assert.Equal(text, PipelineFile.Serialize(back));
        Assert.StartsWith($"task: {pipeline.Task}\n", text);
        Assert.DoesNotContain("source", text);
    }

    [Fact]
    public void Serialised_pipeline_keeps_the_values_of_the_file()
    {
        var c = PipelineFile.Parse<SegmentationPipeline>(PipelineYaml.Segmentation);
        var back = PipelineFile.Parse<SegmentationPipeline>(PipelineFile.Serialize(c));
        Assert.Equal(c.Model.Classes, back.Model.Classes);
        Assert.Equal(c.Input.Mean, back.Input.Mean);
        Assert.Equal(c.Train!.Optimizer.Lr, back.Train!.Optimizer.Lr);
        Assert.Equal(c.Train.Schedule.WarmupRatio, back.Train.Schedule.WarmupRatio);
    }

    [Fact]
    public void Every_shipped_pipeline_loads()
    {
        var root = AppContext.BaseDirectory;
        for (var dir = new DirectoryInfo(root); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GeoDense.sln"))) { root = dir.FullName; break; }
        // worker.yaml (SPEC §6) configures the worker service; it is not a pipeline
        var files = Directory.GetFiles(Path.Combine(root, "pipelines"), "*.yaml").Where(f => Path.GetFileName(f) != "worker.yaml").ToList();
        Assert.True(files.Count >= 3, $"found {files.Count} pipelines under {root}/pipelines");
        foreach (var file in files)
        {
            var pipeline = PipelineFile.Load(file);
            Assert.Equal(PipelineFile.Serialize(pipeline), PipelineFile.Serialize(PipelineFile.Parse(PipelineFile.Serialize(pipeline))));
        }
    }
}
