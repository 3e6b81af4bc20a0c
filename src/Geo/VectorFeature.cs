using NetTopologySuite.Geometries;

namespace GeoDense.Geo;

/// <summary>
/// A geometry in map coordinates (the raster's CRS) with its class and, for detections, a score; <see cref="Area"/>
/// (in squared map units) is written as an `area` attribute when set (change polygons).
/// </summary>
public sealed record VectorFeature(Geometry Geometry, int ClassId, string? ClassName = null, double? Score = null, double? Area = null);
