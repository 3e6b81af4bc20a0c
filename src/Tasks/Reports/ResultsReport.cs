using GeoDense.Geo;

namespace GeoDense.Tasks.Reports;

/// <summary>
/// What a run's results page shows: each input on a map with its output layers, legends, metrics and previews.
/// Every file in the output folder is linked whether or not a layer names it. <see cref="ResultsPage"/> writes it.
/// </summary>
public sealed record ResultsReport(string Title, string Task)
{
    /// <summary>A line under the title: the pipeline, the weights, when.</summary>
    public string Subtitle { get; init; } = "";
    public List<PageInput> Inputs { get; } = [];
    public List<PageLegend> Legends { get; } = [];
    public List<PageTable> Tables { get; } = [];
    public List<PageFigure> Previews { get; } = [];
}

/// <summary>
/// One input and its layers, all in the input's coordinate system (<paramref name="Extent"/> = minX, minY, maxX, maxY).
/// <paramref name="PixelSpace"/>: the raster has no georeference; coordinates are columns and rows.
/// </summary>
public sealed record PageInput(string Name, string? Crs, bool PixelSpace, double[] Extent, IReadOnlyList<PageLayer> Layers);

/// <summary>
/// A map layer: an image (<paramref name="Src"/> a PNG relative to the output folder, stretched over the input's
/// extent) or vectors (<paramref name="Features"/> a GeoJSON FeatureCollection, coloured by the property
/// <paramref name="ColorBy"/> through <paramref name="Colors"/>). <paramref name="Note"/> says why a layer is empty.
/// </summary>
public sealed record PageLayer(string Name, string Type)
{
    public string? Src { get; init; }
    /// <summary>Where an image lies (minX, minY, maxX, maxY) when it is not the input's whole extent.</summary>
    public double[]? Extent { get; init; }
    public System.Text.Json.Nodes.JsonNode? Features { get; init; }
    public string? ColorBy { get; init; }
    public IReadOnlyDictionary<string, string>? Colors { get; init; }
    public string? Color { get; init; }
    public double Opacity { get; init; } = 1;
    public bool Visible { get; init; } = true;
    public string? Note { get; init; }
}

public sealed record PageLegend(string Title, IReadOnlyList<PageLegendEntry> Entries);

public sealed record PageLegendEntry(string Name, Rgb Color)
{
    public string Hex => $"#{Color.R:x2}{Color.G:x2}{Color.B:x2}";
}

/// <summary>A table of numbers (metrics against known truth, a change summary); cells are preformatted text.</summary>
public sealed record PageTable(string Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>A picture already in the output folder (a PNG preview with its legend), shown below the map.</summary>
public sealed record PageFigure(string Caption, string Path);
