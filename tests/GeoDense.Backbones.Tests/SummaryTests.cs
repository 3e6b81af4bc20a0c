namespace GeoDense.Backbones.Tests;

public class SummaryTests
{
    [Theory]
    [InlineData("lemevit-nano")]
    [InlineData("lemevit-tiny")]
    [InlineData("lemevit-small")]
    [InlineData("lemevit-base")]
    public void Parameters_per_stage_add_up_to_the_model(string arch)
    {
        var config = LeMeViTConfig.TryFromArch(arch)! with { NumClasses = 51 };
        using var classifier = new LeMeViTClassifier(config);
        Assert.Equal(classifier.ParameterCount(), LeMeViTSummary.Compute(config, 224, 224).Sum(r => r.Parameters));
        using var backbone = new LeMeViTBackbone(config);
        Assert.Equal(backbone.ParameterCount(), LeMeViTSummary.Compute(config, 224, 224, withHead: false).Sum(r => r.Parameters));
    }

    [Fact]
    public void Macs_follow_the_token_counts()
    {
        var rows = LeMeViTSummary.Compute(LeMeViTConfig.Tiny, 224, 224);
        Assert.Equal(new long[] { 56, 56, 28, 14, 7 }, rows.Take(5).Select(r => r.Height));
        // stage 4 of tiny: 2 standard blocks on 49 image tokens and 16 meta tokens, C = 320, MLP 1280;
        // downsampling 3x3 conv 192->320 at 7x7; meta stem 192->768->320 on 16 tokens.
        long Sa(long t) => t * 3 * 320 * 320 + 2 * t * t * 320 + t * 320 * 320 + t * 2 * 320 * 1280 + 0;
        long block = 320 * 9 * 49 + Sa(49) + Sa(16);
        long expected = 320L * 192 * 9 * 49 + 16L * (192 * 768 + 768 * 320) + 2 * block;
        Assert.Equal(expected, rows[4].Macs);
        // odd sizes round up like the stride-2 convolutions
        Assert.Equal(new long[] { 25, 25, 13, 7, 4 }, LeMeViTSummary.Compute(LeMeViTConfig.Tiny, 100, 97).Take(5).Select(r => r.Height));
    }
}
