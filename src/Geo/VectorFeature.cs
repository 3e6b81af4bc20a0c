using NetTopologySuite.Geometries;

namespace GeoDense.Geo;

/// <summary>A geometry in map coordinates (the raster's CRS) with its class and, for detections, a score.</summary>
public sealed record VectorFeature(Geometry Geometry, int ClassId, string? ClassName = null, double? Score = null);
