using GeoDense.Geo;
using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;
using GeoDense.Torch;

namespace GeoDense.Tasks.ChangeDetection;

/// <summary>
/// Runs a change model on a batch of paired windows: raw band values of both dates in, normalised as the pipeline says
/// (<see cref="ChangeModels.Normalize"/>, as `model forward` does), the probability of change per pixel out (softmax
/// of the two logits, class 1), N x h x w. Call it from the thread that owns inference.
/// </summary>
public sealed class ChangeTileInference(ChangeForward forward, ChangePipeline pipeline, Device device)
{
    readonly BatchShapeWatch shapes = new(device);

    public void ChangeProbabilityInto(PairedTileBatch batch, Span<float> destination)
    {
        var (before, after) = (batch.Before, batch.After);
        if ((before.Channels, before.Height, before.Width) != (after.Channels, after.Height, after.Width))
            throw new ArgumentException($"paired windows differ: {before.Channels}x{before.Height}x{before.Width} and {after.Channels}x{after.Height}x{after.Width}");
        shapes.Next(before.Count, before.Height, before.Width);
        using var scope = TorchRuntime.NewScope();
        using var inference = TorchRuntime.InferenceMode();
        var logits = forward(Input(before), Input(after));
        long[] expected = [before.Count, 2, before.Height, before.Width];
        if (!logits.Shape.SequenceEqual(expected))
            throw new InvalidOperationException($"the change model returned logits [{string.Join(", ", logits.Shape)}]; expected [{string.Join(", ", expected)}]");
        var changed = Functional.Softmax(logits, 1).Select(1, 1);
        changed.Cpu().Contiguous().CopyTo(destination[..(before.Count * before.Height * before.Width)]);
    }

    Tensor Input(TileBatch batch) =>
        ChangeModels.Normalize(Tensor.FromSpan<float>(batch.Data, [batch.Count, batch.Channels, batch.Height, batch.Width]).To(device), pipeline);
}
