using GeoDense.Heads.OrientedRcnn;
using GeoDense.Torch;
using GeoDense.Torch.Checkpoints;

namespace GeoDense.Tasks.Tests.Detection;

/// <summary>
/// Anchors, box conversions and both coders against tests/fixtures/oriented-rcnn/coders.safetensors, which
/// tests/reference/oriented_rcnn_ref.py computed by running OBBDetection's own source on seeded random boxes.
/// </summary>
public class CoderParityTests
{
    static readonly Dictionary<string, Tensor> Ref = Fixture.Tensors(
        Safetensors.Read(Path.Combine(AppContext.BaseDirectory, "TestData", "oriented-rcnn", "coders.safetensors")).Tensors);

    [Fact]
    public void Anchors_of_every_level_equal_mmdet_anchor_generator()
    {
        (long H, long W)[] sizes = [(5, 7), (3, 4), (2, 2), (1, 1), (1, 1)];
        for (int level = 0; level < sizes.Length; level++)
        {
            using var anchors = AnchorGenerator.Reference.GridAnchors(level, sizes[level].H, sizes[level].W);
            Fixture.AssertClose(Ref[$"anchors_level{level}"], anchors, 1e-7);
            using var valid = AnchorGenerator.Reference.ValidFlags(level, sizes[level].H, sizes[level].W, 18, 26);
            Assert.Equal(Ref[$"valid_level{level}"].ToArray<long>(), valid.Long().ToArray<long>());
        }
    }

    [Fact]
    public void Stride_4_anchors_are_centred_on_the_grid_point_with_area_32_squared()
    {
        using var anchors = AnchorGenerator.Reference.BaseAnchors(0);
        // ratio 0.5 (h/w): w = 32·√2, h = 32/√2, centred at (0, 0) — mmdet v2's center_offset 0
        var a = anchors.ToArray<float>();
        Assert.Equal(-16 * Math.Sqrt(2), a[0], 4);
        Assert.Equal(-16 / Math.Sqrt(2), a[1], 4);
        Assert.Equal(new float[] { -16, -16, 16, 16 }, a[4..8]);
    }

    [Fact]
    public void Enclosing_box_and_regularisation_equal_the_reference()
    {
        using var hbb = ObbGeometry.ObbToHbb(Ref["gt"]);
        Fixture.AssertClose(Ref["obb2hbb"], hbb, 1e-6);
        using var regular = ObbGeometry.RegularObb(Ref["raw_obb"]);
        Fixture.AssertClose(Ref["regular_obb"], regular, 1e-6);
    }

    [Fact]
    public void Obb_delta_coder_encodes_and_decodes_as_the_reference()
    {
        using var encoded = ObbDeltaCoder.Reference.Encode(Ref["proposals"], Ref["gt"]);
        Fixture.AssertClose(Ref["delta_encoded"], encoded, 1e-5);
        using var decoded = ObbDeltaCoder.Reference.Decode(Ref["proposals"], Ref["delta_deltas"]);
        Fixture.AssertClose(Ref["delta_decoded"], decoded, 1e-5);
    }

    [Fact]
    public void Midpoint_offset_coder_decodes_as_the_reference()
    {
        using var decoded = MidpointOffsetCoder.Reference.Decode(Ref["anchors_hbb"], Ref["midpoint_deltas"]);
        Fixture.AssertClose(Ref["midpoint_decoded"], decoded, 1e-5);
    }

    [Fact]
    public void Midpoint_offset_coder_encodes_as_the_reference()
    {
        using var encoded = MidpointOffsetCoder.Reference.Encode(Ref["anchors_hbb"], Ref["gt"]);
        Fixture.AssertClose(Ref["midpoint_encoded"], encoded, 1e-5);
    }

    [Fact]
    public void Obb_delta_coder_round_trips_random_boxes()
    {
        using var scope = TorchRuntime.NewScope();
        var deltas = ObbDeltaCoder.Reference.Encode(Ref["proposals"], Ref["gt"]);
        var back = ObbDeltaCoder.Reference.Decode(Ref["proposals"], deltas);
        AssertSameBoxes(Ref["gt"], back);
    }

    [Fact]
    public void Midpoint_offset_coder_round_trips_random_boxes()
    {
        using var scope = TorchRuntime.NewScope();
        var deltas = MidpointOffsetCoder.Reference.Encode(Ref["anchors_hbb"], Ref["gt"]);
        var back = MidpointOffsetCoder.Reference.Decode(Ref["anchors_hbb"], deltas);
        AssertSameBoxes(Ref["gt"], back);
    }

    /// <summary>Same centre and size to 1e-3 px, and the same angle modulo the reference's pi.</summary>
    static void AssertSameBoxes(Tensor expected, Tensor actual)
    {
        var e = expected.ToArray<float>();
        var a = actual.ToArray<float>();
        Assert.Equal(e.Length, a.Length);
        for (int i = 0; i < e.Length; i += 5)
        {
            for (int k = 0; k < 4; k++) Assert.True(Math.Abs(e[i + k] - a[i + k]) < 2e-3 * Math.Max(1, Math.Abs(e[i + k])), $"box {i / 5} value {k}: {e[i + k]} vs {a[i + k]}");
            var dTheta = Math.IEEERemainder(e[i + 4] - a[i + 4], ObbGeometry.Pi);
            Assert.True(Math.Abs(dTheta) < 1e-3, $"box {i / 5} angle: {e[i + 4]} vs {a[i + 4]}");
        }
    }
}
