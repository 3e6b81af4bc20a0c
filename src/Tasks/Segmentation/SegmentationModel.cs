using GeoDense.Heads.UperNet;
using GeoDense.Torch;
using GeoDense.Torch.NN;

namespace GeoDense.Tasks.Segmentation;

/// <summary>Logits of both heads; the auxiliary head exists only when configured.</summary>
public sealed record SegmentationLogits(Tensor Decode, Tensor? Auxiliary) : IDisposable
{
    public void Dispose() { Decode.Dispose(); Auxiliary?.Dispose(); }
}

/// <summary>
/// mmseg's EncoderDecoder: a dense backbone (features at strides 4/8/16/32) under `backbone.`, the UperHead
/// under `decode_head.` and the optional FCN auxiliary head under `auxiliary_head.`, so checkpoints trained
/// with the reference segmentation code load as they are.
/// </summary>
public sealed class SegmentationModel : Module
{
    readonly IDenseBackbone features;

    /// <summary>The backbone as registered under `backbone.` (for loading its weights alone).</summary>
    public Module Backbone { get; }
    public UperHead DecodeHead { get; }
    public FcnHead? AuxiliaryHead { get; }
    public bool AlignCorners => DecodeHead.Config.AlignCorners;

    /// <param name="backbone">a <see cref="Module"/>, registered as `backbone`</param>
    public SegmentationModel(IDenseBackbone backbone, UperHeadConfig decode, FcnHeadConfig? auxiliary)
    {
        features = backbone;
        Backbone = RegisterModule("backbone", backbone as Module
            ?? throw new ArgumentException($"{backbone.GetType().Name} is not a Module, so its weights cannot be registered", nameof(backbone)));
        DecodeHead = RegisterModule("decode_head", new UperHead(decode));
        if (auxiliary is not null) AuxiliaryHead = RegisterModule("auxiliary_head", new FcnHead(auxiliary));
    }

    public int NumClasses => DecodeHead.NumClasses;

    /// <summary>Head-resolution logits (decode: stride 4, auxiliary: stride 16), for training losses.</summary>
    public SegmentationLogits ForwardHeads(Tensor image, bool withAuxiliary)
    {
        using var scope = TorchRuntime.NewScope();
        var maps = features.Forward(image);
        var decode = DecodeHead.Forward(maps).MoveToOuter();
        var aux = withAuxiliary && AuxiliaryHead is not null ? AuxiliaryHead.Forward(maps).MoveToOuter() : null;
        return new SegmentationLogits(decode, aux);
    }

    /// <summary>Decode logits resized to the image size (mmseg encode_decode).</summary>
    public Tensor Forward(Tensor image)
    {
        using var scope = TorchRuntime.NewScope();
        using var logits = ForwardHeads(image, withAuxiliary: false);
        return ResizeToImage(logits.Decode, image).MoveToOuter();
    }

    /// <summary>Both heads' logits resized to the image size (`model forward --pipeline`).</summary>
    public SegmentationLogits ForwardBoth(Tensor image)
    {
        using var scope = TorchRuntime.NewScope();
        using var logits = ForwardHeads(image, withAuxiliary: true);
        return new SegmentationLogits(ResizeToImage(logits.Decode, image).MoveToOuter(),
            logits.Auxiliary is { } a ? ResizeToImage(a, image).MoveToOuter() : null);
    }

    Tensor ResizeToImage(Tensor logits, Tensor image)
    {
        var s = image.Shape;
        return Functional.Interpolate(logits, (s[^2], s[^1]), mode: InterpolationMode.Bilinear, alignCorners: AlignCorners);
    }
}
