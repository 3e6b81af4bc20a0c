using GeoDense.Torch.Checkpoints;

namespace GeoDense.Torch.Tests.Checkpoints;

public class StateDictTests
{
    private static TensorData Scalar(float value) => TensorData.FromArray(ScalarType.Float32, [], [value]);

    private static OrderedDictionary<object, object?> Dict(params (string Key, object? Value)[] items)
    {
        var dict = new OrderedDictionary<object, object?>();
        foreach (var (key, value) in items) dict.Add(key, value);
        return dict;
    }

    private static float ValueOf(OrderedDictionary<string, TensorData> sd, string key) => sd[key].AsSpan<float>()[0];

    [Fact]
    public void RegularWeightsWinOverEmaByDefaultAndEmaWhenAsked()
    {
        var checkpoint = Dict(
            ("state_dict_ema", Dict(("w", Scalar(2)))),
            ("state_dict", Dict(("w", Scalar(1)))),
            ("optimizer", Dict(("state", Dict()))));

        Assert.Equal(1f, ValueOf(StateDicts.Extract("ckpt", checkpoint, StateDictOptions.Default), "w"));
        var ema = StateDictOptions.Default with { WrapperKeys = StateDictOptions.EmaFirstWrappers };
        Assert.Equal(2f, ValueOf(StateDicts.Extract("ckpt", checkpoint, ema), "w"));
    }

    [Fact]
    public void StateDictIsPreferredOverModelAndNestedWrappersAreFollowed()
    {
        var both = Dict(("model", Dict(("w", Scalar(1)))), ("state_dict", Dict(("w", Scalar(3)))));
        Assert.Equal(3f, ValueOf(StateDicts.Extract("ckpt", both, StateDictOptions.Default), "w"));

        var nested = Dict(("model", Dict(("state_dict", Dict(("w", Scalar(4)))))), ("epoch", 9L));
        Assert.Equal(4f, ValueOf(StateDicts.Extract("ckpt", nested, StateDictOptions.Default), "w"));
    }

    [Fact]
    public void ModuleAndSelectedPrefixesAreStrippedInOrder()
    {
        var checkpoint = Dict(("state_dict", Dict(
            ("module.backbone.stem.weight", Scalar(1)),
            ("module.backbone.head.weight", Scalar(2)),
            ("module.decode_head.conv_seg.weight", Scalar(3)),
            ("module.auxiliary_head.conv_seg.weight", Scalar(4)))));

        var backbone = StateDicts.Extract("ckpt", checkpoint, StateDictOptions.Backbone with { DropPrefixes = ["head."] });
        Assert.Equal(["stem.weight"], backbone.Keys);

        var all = StateDicts.Extract("ckpt", checkpoint, StateDictOptions.Default);
        Assert.Equal(["backbone.stem.weight", "backbone.head.weight", "decode_head.conv_seg.weight", "auxiliary_head.conv_seg.weight"], all.Keys);
    }

    [Fact]
    public void KeysCollidingAfterStrippingAreAnError()
    {
        var checkpoint = Dict(("module.w", Scalar(1)), ("w", Scalar(2)));
        var e = Assert.Throws<CheckpointInputException>(() => StateDicts.Extract("ckpt.pth", checkpoint, StateDictOptions.Default));
        Assert.Contains("'w'", e.Message);
    }

    [Fact]
    public void NonDictCheckpointIsAnError()
    {
        var e = Assert.Throws<CheckpointInputException>(() => StateDicts.Extract("ckpt.pth", new List<object?>(), StateDictOptions.Default));
        Assert.StartsWith("ckpt.pth: ", e.Message);
    }
}
