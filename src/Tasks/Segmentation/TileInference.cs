using System.Buffers;
using GeoDense.Torch;

namespace GeoDense.Tasks.Segmentation;

/// <summary>
/// Runs a segmentation model on a batch of equally sized windows: raw band values in (N x C x h x w),
/// per-window scores out (N x classes x h x w, resized to the window). Normalises with the pipeline's
/// mean/std. Call it from the thread that owns inference (grad and inference modes are per thread).
/// </summary>
public sealed class TileInference(SegmentationModel model, float[] mean, float[] std, Device device, Precision precision = Precision.Fp32)
{
    public int Classes => model.NumClasses;

    readonly BatchShapeWatch shapes = new(device);

    /// <summary>Logits (mmseg's slide inference averages these).</summary>
    public float[] Run(ReadOnlySpan<float> raw, int count, int bands, int height, int width) =>
        Forward(raw, count, bands, height, width, softmax: false);

    /// <summary>Class probabilities (softmax of the logits): what the mosaic stitcher blends.</summary>
    public float[] Softmax(ReadOnlySpan<float> raw, int count, int bands, int height, int width)
    {
        var scores = new float[count * Classes * height * width];
        Forward(raw, count, bands, height, width, softmax: true, scores);
        return scores;
    }

    /// <summary><see cref="Softmax"/> into a caller's buffer (the mosaic predictor recycles them).</summary>
    public void SoftmaxInto(ReadOnlySpan<float> raw, int count, int bands, int height, int width, Span<float> destination) =>
        Forward(raw, count, bands, height, width, softmax: true, destination);

    float[] Forward(ReadOnlySpan<float> raw, int count, int bands, int height, int width, bool softmax)
    {
        var scores = new float[count * Classes * height * width];
        Forward(raw, count, bands, height, width, softmax, scores);
        return scores;
    }

    void Forward(ReadOnlySpan<float> raw, int count, int bands, int height, int width, bool softmax, Span<float> destination)
    {
        int plane = height * width;
        if (raw.Length != count * bands * plane)
            throw new ArgumentException($"{raw.Length} values for {count} windows of {bands}x{height}x{width}");
        var batch = ArrayPool<float>.Shared.Rent(raw.Length);
        for (int n = 0; n < count; n++)
            for (int b = 0; b < bands; b++)
            {
                float m = mean[b], inv = 1f / std[b];
                int offset = (n * bands + b) * plane;
                var from = raw.Slice(offset, plane);
                var to = batch.AsSpan(offset, plane);
                for (int i = 0; i < plane; i++) to[i] = (from[i] - m) * inv;
            }
        shapes.Next(count, height, width);
        using var scope = TorchRuntime.NewScope();
        using var inference = TorchRuntime.InferenceMode();
        var input = Tensor.FromSpan<float>(batch.AsSpan(0, raw.Length), [count, bands, height, width]).To(device);
        ArrayPool<float>.Shared.Return(batch);
        Tensor scores;
        using (ReducedPrecision.Scope(precision, device)) scores = model.Forward(input);
        if (scores.DType != ScalarType.Float32) scores = scores.To(ScalarType.Float32);
        if (softmax) scores = Functional.Softmax(scores, 1);
        scores.Cpu().Contiguous().CopyTo(destination[..(count * Classes * height * width)]);
    }
}
