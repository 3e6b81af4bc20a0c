using GeoDense.Geo;

namespace GeoDense.Tasks.Training;

/// <summary>
/// Hands ScottPlot the picture typeface that <see cref="PreviewFont"/> found. ScottPlot looks fonts up by family
/// name and silently falls back to Skia's default, which is blank on a Linux without fonts; a font that came from
/// a file is registered under its family name so the lookup succeeds.
/// </summary>
internal static class ScottPlotFont
{
    static readonly Lazy<string> Registered = new(() =>
    {
        if (PreviewFont.FilePath is { } file) ScottPlot.Fonts.AddFontFile(PreviewFont.FamilyName, file);
        return PreviewFont.FamilyName;
    });

    public static string Family => Registered.Value;
}
