using System.Text;
using System.Text.Json;
using GeoDense.IO;

namespace GeoDense.Geo;

/// <summary>
/// Writes a GeoJSON FeatureCollection as features come, one feature per line, in the layout GDAL's driver uses (a
/// "name" and, for a CRS other than WGS 84, a "crs" member naming its EPSG code). Written here rather than by OGR's
/// GeoJSON driver, which builds every feature as a JSON tree in memory first: 1.4 GB for the largest polygon of a
/// 20000² class map. Numbers are written shortest-round-trip by System.Text.Json's <see cref="Utf8JsonWriter"/>.
/// </summary>
internal sealed class GeoJsonSink : VectorSink
{
    private static readonly byte[] NewLine = "\n"u8.ToArray(), Separator = ",\n"u8.ToArray();

    private readonly string finalPath;
    private readonly AtomicFile staging;
    private readonly Stream stream;
    private readonly Utf8JsonWriter json;
    private readonly VectorFields fields;
    private bool first = true;

    public GeoJsonSink(string path, VectorFields fields, SpatialReference? crs, string layerName)
    {
        finalPath = path;
        this.fields = fields;
        staging = VsiFileSystem.Begin(path);
        try
        {
            stream = Vsi.OpenWrite(staging.TemporaryPath);
        }
        catch
        {
            staging.Dispose();
            throw;
        }
        json = new Utf8JsonWriter(stream, new JsonWriterOptions { SkipValidation = true });
        var header = new StringBuilder("{\n\"type\": \"FeatureCollection\",\n");
        header.Append("\"name\": ").Append(JsonSerializer.Serialize(layerName)).Append(",\n");
        if (crs is { Epsg: { } code } && code != 4326)
            header.Append($"\"crs\": {{ \"type\": \"name\", \"properties\": {{ \"name\": \"urn:ogc:def:crs:EPSG::{code}\" }} }},\n");
        header.Append("\"features\": [\n");
        Write(() => stream.Write(Encoding.UTF8.GetBytes(header.ToString())));
    }

    public override void Add(in VectorRow feature)
    {
        var f = feature;
        Write(() =>
        {
            stream.Write(first ? [] : Separator);
            first = false;
            json.Reset(stream);
            json.WriteStartObject();
            json.WriteString("type", "Feature");
            json.WriteStartObject("properties");
            json.WriteNumber("class", f.ClassId);
            if (fields.ClassName && f.ClassName is not null) json.WriteString("class_name", f.ClassName);
            if (fields.Score && f.Score is { } score) json.WriteNumber("score", score);
            if (fields.Area && f.Area is { } area) json.WriteNumber("area", area);
            json.WriteEndObject();
            json.WritePropertyName("geometry");
            f.Geometry.WriteGeoJson(json);
            json.WriteEndObject();
            json.Flush();
        });
    }

    public override void Commit()
    {
        Write(() =>
        {
            json.Dispose();
            stream.Write(first ? [] : NewLine);
            stream.Write("]\n}\n"u8);
            stream.Dispose();
        });
        staging.Commit();
    }

    public override void Dispose()
    {
        try
        {
            json.Dispose();
            stream.Dispose();
        }
        catch (IOException)
        {
            // abandoned (a failed write, or an error elsewhere): the temporary goes with the staging below
        }
        staging.Dispose();
    }

    /// <summary>A failed write names the file the user asked for.</summary>
    private void Write(Action write)
    {
        try
        {
            write();
        }
        catch (IOException e)
        {
            throw new IOException($"Cannot write '{finalPath}': {e.Message}. Check the free space and permissions of its folder.", e);
        }
    }
}
