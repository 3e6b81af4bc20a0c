using SkiaSharp;

namespace GeoDense.Geo;

/// <summary>
/// The typeface for text in pictures (legends, plot labels). Picked by family name, never Skia's default: on a
/// Linux without fonts the default typeface has no glyphs and text comes out blank, which nobody notices. The
/// setup script installs fonts-dejavu-core; the file paths cover a font manager that does not scan the system.
/// </summary>
public static class PreviewFont
{
    static readonly string[] Families = ["DejaVu Sans", "Liberation Sans", "Noto Sans"];

    static readonly string[] Files =
    [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    ];

    static readonly Lazy<(SKTypeface Typeface, string? File)> Found = new(() => Find(Families, Files));

    /// <summary>The typeface; throws (naming the package to install) when none of the families is on this machine.</summary>
    public static SKTypeface Typeface => Found.Value.Typeface;

    /// <summary>The chosen family, e.g. "DejaVu Sans".</summary>
    public static string FamilyName => Found.Value.Typeface.FamilyName;

    /// <summary>The font file when the family was loaded from a file rather than found by the font manager, else null.</summary>
    public static string? FilePath => Found.Value.File;

    internal static (SKTypeface Typeface, string? File) Find(IReadOnlyList<string> families, IReadOnlyList<string> files)
    {
        foreach (var family in families)
            if (SKFontManager.Default.MatchFamily(family) is { } typeface
                && typeface.FamilyName.Equals(family, StringComparison.OrdinalIgnoreCase) && HasGlyphs(typeface))
                return (typeface, null);
        foreach (var file in files)
            if (File.Exists(file) && SKTypeface.FromFile(file) is { } typeface && HasGlyphs(typeface)) return (typeface, file);
        throw new InvalidOperationException(
            $"No font for text in pictures: none of {string.Join(", ", families)} is installed. Install the Debian package fonts-dejavu-core (./geodense does).");
    }

    static bool HasGlyphs(SKTypeface typeface) => typeface.GlyphCount > 0 && typeface.ContainsGlyphs("Aa0");
}
