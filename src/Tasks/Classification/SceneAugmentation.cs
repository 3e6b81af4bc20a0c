using GeoDense.Torch;
using F = GeoDense.Torch.Functional;

namespace GeoDense.Tasks.Classification;

/// <summary>
/// DeiT-style training views adapted to aerial scenes, which have no "up": a random resized crop
/// (area fraction <see cref="MinScale"/>..1, aspect 3/4..4/3), horizontal and vertical flips and a random
/// multiple of 90° rotation, then normalisation. Evaluation resizes the whole scene. Images are
/// [C, H, W] tensors; outputs [C, Size, Size].
/// </summary>
public sealed record SceneAugmentation(int Size, float[] Mean, float[] Std, double MinScale = 0.35, bool Rotate90 = true, bool Flip = true)
{
    public Tensor Train(SceneImage image, Random random)
    {
        using var scope = TorchRuntime.NewScope();
        var (top, left, h, w) = RandomCrop(image.Height, image.Width, random);
        var x = ToTensor(image).Narrow(2, top, h).Narrow(3, left, w);
        x = F.Interpolate(x, (Size, Size), mode: InterpolationMode.Bilinear);
        if (Flip && random.NextDouble() < 0.5) x = x.Flip(3);
        if (Flip && random.NextDouble() < 0.5) x = x.Flip(2);
        if (Rotate90)
        {
            var quarterTurns = random.Next(4);
            if (quarterTurns % 2 == 1) x = x.Transpose(2, 3);     // a transpose plus a flip is a 90° turn
            if (quarterTurns >= 2) x = x.Flip(2, 3);
            else if (quarterTurns == 1) x = x.Flip(3);
        }
        return Normalize(x).Squeeze(0).MoveToOuter();
    }

    public Tensor Eval(SceneImage image)
    {
        using var scope = TorchRuntime.NewScope();
        var x = F.Interpolate(ToTensor(image), (Size, Size), mode: InterpolationMode.Bilinear);
        return Normalize(x).Squeeze(0).MoveToOuter();
    }

    /// <summary>torchvision's RandomResizedCrop sampling (10 tries, then the central crop).</summary>
    private (int Top, int Left, int Height, int Width) RandomCrop(int height, int width, Random random)
    {
        var area = (double)height * width;
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var target = area * (MinScale + (1 - MinScale) * random.NextDouble());
            var logRatio = Math.Log(3.0 / 4) + (Math.Log(4.0 / 3) - Math.Log(3.0 / 4)) * random.NextDouble();
            var ratio = Math.Exp(logRatio);
            var w = (int)Math.Round(Math.Sqrt(target * ratio));
            var h = (int)Math.Round(Math.Sqrt(target / ratio));
            if (w > 0 && h > 0 && w <= width && h <= height)
                return (random.Next(height - h + 1), random.Next(width - w + 1), h, w);
        }
        var side = Math.Min(height, width);
        return ((height - side) / 2, (width - side) / 2, side, side);
    }

    private static Tensor ToTensor(SceneImage image) => Tensor.FromArray(image.Pixels, 1, image.Bands, image.Height, image.Width);

    private Tensor Normalize(Tensor x)
    {
        var channels = x.Shape[1];
        if (Mean.Length != channels || Std.Length != channels)
            throw new ClassificationInputException($"normalisation has {Mean.Length} means and {Std.Length} stds for {channels} bands");
        var mean = Tensor.FromArray(Mean, 1, channels, 1, 1);
        var std = Tensor.FromArray(Std, 1, channels, 1, 1);
        return x.Sub(mean).Div(std);
    }
}
