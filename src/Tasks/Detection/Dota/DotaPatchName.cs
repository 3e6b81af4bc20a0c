using System.Globalization;
using System.Text.RegularExpressions;

namespace GeoDense.Tasks.Detection.Dota;

/// <summary>
/// DOTA_devkit's patch name `{image}__{rate}__{left}___{up}` (<see cref="Geo.GridWindow.DotaPatchName"/> writes it):
/// left/up are the patch corner in the image rescaled by rate, so a patch point p is the image point (p + corner) / rate.
/// </summary>
public sealed partial record DotaPatchName(string Image, double Rate, int Left, int Up)
{
    public static DotaPatchName? TryParse(string patch)
    {
        var m = Pattern().Match(patch);
        if (!m.Success) return null;
        var rate = double.Parse(m.Groups["rate"].Value, CultureInfo.InvariantCulture);
        if (!(rate > 0)) return null;
        return new DotaPatchName(m.Groups["image"].Value, rate,
            int.Parse(m.Groups["left"].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups["up"].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>A quadrilateral in patch pixels, in image pixels.</summary>
    public Quad ToImage(Quad patchPolygon) => patchPolygon.Transform(1 / Rate, Left / Rate, 1 / Rate, Up / Rate);

    [GeneratedRegex(@"^(?<image>.+)__(?<rate>\d+(\.\d+)?)__(?<left>\d+)___(?<up>\d+)$")]
    private static partial Regex Pattern();
}
