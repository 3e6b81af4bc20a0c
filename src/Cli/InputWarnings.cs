using GeoDense.Geo;

namespace GeoDense.Cli;

/// <summary>Warnings about inputs that are usable but lose something (SPEC §8), given before any work starts.</summary>
public static class InputWarnings
{
    /// <summary>"&lt;file&gt;: no georeference; outputs are in pixel space" for each input with neither geotransform nor GCPs.</summary>
    public static void WarnIfNotGeoreferenced(IEnumerable<string> files)
    {
        foreach (var file in files)
        {
            using var raster = Raster.Open(file);
            // printed by CliWarnings, which also drops the stitcher's repeat of the same message
            raster.WarnIfNotGeoreferenced();
        }
    }
}
