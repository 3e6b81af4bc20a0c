using GeoDense.Heads.UperNet;
using GeoDense.Torch;
using GeoDense.Torch.Checkpoints;

namespace GeoDense.Tasks.Tests.Heads;

/// <summary>
/// UperHead + FCNHead against tests/reference/upernet_ref.py (mmseg's logic re-derived in python3-torch):
/// same keys, same eval-mode outputs within 1e-4 relative.
/// </summary>
public class UperNetParityTests
{
    static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "TestData", "upernet");

    internal static UperHeadConfig DecodeConfig => new([32, 64, 96, 128], NumClasses: 5, Channels: 32);
    internal static FcnHeadConfig AuxConfig => new(96, NumClasses: 5, Channels: 16, InIndex: 2);

    [Fact]
    public void State_dict_keys_and_order_match_mmseg()
    {
        using var decode = new UperHead(DecodeConfig);
        using var aux = new FcnHead(AuxConfig);
        var ours = decode.StateDict().Keys.Select(k => "decode_head." + k)
            .Concat(aux.StateDict().Keys.Select(k => "auxiliary_head." + k)).ToList();
        var reference = Checkpoint.LoadStateDict(Path.Combine(Dir, "weights.pth")).Keys.ToList();
        Assert.Equal(reference, ours);
        Assert.Contains("decode_head.psp_modules.0.1.conv.weight", ours);
        Assert.Contains("decode_head.fpn_bottleneck.bn.running_mean", ours);
        Assert.Contains("auxiliary_head.convs.0.conv.weight", ours);
    }

    [Fact]
    public void Eval_outputs_match_the_reference()
    {
        using var scope = TorchRuntime.NewScope();
        var weights = Fixture.Tensors(Checkpoint.LoadStateDict(Path.Combine(Dir, "weights.pth")));
        var io = Fixture.Tensors(Safetensors.Read(Path.Combine(Dir, "io.safetensors")).Tensors);
        using var decode = new UperHead(DecodeConfig);
        using var aux = new FcnHead(AuxConfig);
        decode.LoadStateDict(Fixture.WithPrefix(weights, "decode_head."));
        aux.LoadStateDict(Fixture.WithPrefix(weights, "auxiliary_head."));
        decode.Eval(); aux.Eval();
        var features = Enumerable.Range(1, 4).Select(i => io[$"feature{i}"]).ToList();
        using var noGrad = TorchRuntime.NoGrad();
        Fixture.AssertClose(io["fpn_fused"], decode.Fuse(features), 1e-4);
        Fixture.AssertClose(io["decode_logits"], decode.Forward(features), 1e-4);
        Fixture.AssertClose(io["aux_logits"], aux.Forward(features), 1e-4);
    }
}
