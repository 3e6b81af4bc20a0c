namespace GeoDense.Tasks.Training;

// TEMPORARY: replaced by the ScottPlot TrainingCurves on merge.
static class TrainingCurvesShim
{
    public static void Write(string path, IReadOnlyList<(long Iteration, double Value)> loss, string metricName, IReadOnlyList<(long Iteration, double Value)> metric) =>
        Segmentation.PngImage.WriteRgb(path, Segmentation.TrainingPlot.Render(loss.Select(p => ((int)p.Iteration, p.Value)).ToList(),
            metric.Select(p => ((int)p.Iteration, p.Value)).ToList()), Segmentation.TrainingPlot.Width, Segmentation.TrainingPlot.Height);
}
