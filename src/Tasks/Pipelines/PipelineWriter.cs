using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace GeoDense.Tasks.Pipelines;

/// <summary>
/// Writes a pipeline back as YAML that <see cref="PipelineFile.Parse"/> reads into an equal pipeline (weights files
/// carry it in their metadata). Walks the same keys as the reader; null sections are left out; lists of values are
/// written inline as in the shipped files.
/// </summary>
internal static class PipelineWriter
{
    public static string Write(Pipeline pipeline)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        var emitter = new Emitter(text);
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart(null, null, isImplicit: true));
        emitter.Emit(new MappingStart(null, null, isImplicit: true, MappingStyle.Block));
        emitter.Emit(new Scalar("task"));
        emitter.Emit(new Scalar(pipeline.Task));
        WriteKeys(emitter, pipeline);
        emitter.Emit(new MappingEnd());
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        return text.ToString();
    }

    static void WriteKeys(IEmitter emitter, object section)
    {
        foreach (var key in PipelineKeys.Of(section.GetType()))
        {
            var value = key.Property.GetValue(section);
            if (value is null) continue;
            emitter.Emit(new Scalar(key.Name));
            WriteValue(emitter, value);
        }
    }

    static void WriteValue(IEmitter emitter, object value)
    {
        switch (value)
        {
            case System.Collections.IList list:
                emitter.Emit(new SequenceStart(null, null, isImplicit: true, SequenceStyle.Flow));
                foreach (var item in list) WriteValue(emitter, item!);
                emitter.Emit(new SequenceEnd());
                break;
            case string s: emitter.Emit(new Scalar(s)); break;
            case bool b: emitter.Emit(new Scalar(b ? "true" : "false")); break;
            case double d: emitter.Emit(new Scalar(d.ToString("R", CultureInfo.InvariantCulture))); break;
            case float f: emitter.Emit(new Scalar(f.ToString("R", CultureInfo.InvariantCulture))); break;
            case IFormattable n when value.GetType().IsPrimitive: emitter.Emit(new Scalar(n.ToString(null, CultureInfo.InvariantCulture))); break;
            default:
                emitter.Emit(new MappingStart(null, null, isImplicit: true, MappingStyle.Block));
                WriteKeys(emitter, value);
                emitter.Emit(new MappingEnd());
                break;
        }
    }
}
