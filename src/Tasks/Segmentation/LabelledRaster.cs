namespace GeoDense.Tasks.Segmentation;

/// <summary>How a label raster stores classes.</summary>
public enum LabelCoding
{
    /// <summary>Three bands, Potsdam's RGB colours (unknown colours and black boundaries are ignored).</summary>
    PotsdamRgb,
    /// <summary>One band of class indices (values past the classes are ignored).</summary>
    ClassIndex,
}

/// <summary>An image raster and its label raster, on the same pixel grid.</summary>
public sealed record LabelledRaster(string Image, string Label, LabelCoding Coding);
