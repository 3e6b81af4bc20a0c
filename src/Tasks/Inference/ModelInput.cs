using System.Buffers;
using GeoDense.Torch;

namespace GeoDense.Tasks.Inference;

/// <summary>
/// The one way raw window pixels become a model's input: (value - mean) / std per band, N x C x h x w, on the model's
/// device. The tensor belongs to the caller's dispose scope.
/// </summary>
public static class ModelInput
{
    public static Tensor Normalised(ReadOnlySpan<float> raw, int count, int bands, int height, int width, float[] mean, float[] std, Device device)
    {
        int plane = height * width;
        if (raw.Length != count * bands * plane)
            throw new ArgumentException($"{raw.Length} values for {count} windows of {bands}x{height}x{width}");
        if (mean.Length != bands || std.Length != bands)
            throw new ArgumentException($"{bands} bands but {mean.Length} means and {std.Length} standard deviations");
        var batch = ArrayPool<float>.Shared.Rent(raw.Length);
        try
        {
            for (int n = 0; n < count; n++)
                for (int b = 0; b < bands; b++)
                {
                    float m = mean[b], inv = 1f / std[b];
                    int offset = (n * bands + b) * plane;
                    var from = raw.Slice(offset, plane);
                    var to = batch.AsSpan(offset, plane);
                    for (int i = 0; i < plane; i++) to[i] = (from[i] - m) * inv;
                }
            return Tensor.FromSpan<float>(batch.AsSpan(0, raw.Length), [count, bands, height, width]).To(device);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(batch);
        }
    }
}
