using System.Globalization;
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
            if (fields.Score && f.Score is { } score) WriteReal("score", score);
            if (fields.Area && f.Area is { } area) WriteReal("area", area);
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

    /// <summary>
    /// A real-valued attribute keeps a decimal point when it is whole (1231.0, as GDAL writes it): readers infer a
    /// field's type from its values, and a file whose areas all happen to be whole would otherwise read as integers.
    /// </summary>
    private void WriteReal(string name, double value)
    {
        json.WritePropertyName(name);
        if (!double.IsFinite(value))
        {
            json.WriteNullValue();
            return;
        }
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        json.WriteRawValue(text.Contains('.') || text.Contains('E') ? text : text + ".0", skipInputValidation: true);
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
