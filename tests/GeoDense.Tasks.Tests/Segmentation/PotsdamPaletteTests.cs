using GeoDense.Tasks.Segmentation;

namespace GeoDense.Tasks.Tests.Segmentation;

public class PotsdamPaletteTests
{
    [Fact]
    public void Decodes_every_potsdam_colour_and_ignores_black_boundaries_and_odd_colours()
    {
        byte[] r = [255, 0, 0, 0, 255, 255, 0, 254];
        byte[] g = [255, 0, 255, 255, 255, 0, 0, 255];
        byte[] b = [255, 255, 255, 0, 0, 0, 0, 255];
        var classes = new byte[8];
        PotsdamPalette.Decode(r, g, b, classes, ignore: 5);
        Assert.Equal(new byte[] { 0, 1, 2, 3, 4, 5, 5, 5 }, classes);
    }

    [Fact]
    public void Encode_inverts_decode()
    {
        byte[] classes = [0, 1, 2, 3, 4, 5];
        var (r, g, b) = (new byte[6], new byte[6], new byte[6]);
        PotsdamPalette.Encode(classes, r, g, b);
        var back = new byte[6];
        PotsdamPalette.Decode(r, g, b, back, ignore: 255);
        Assert.Equal(classes, back);
    }
}
