using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace GeoDense.Tasks.Pipelines;

// Pipeline files are read into this small tree before they become records, rather than deserialised straight into
// them: every key keeps its line and column for messages, and a duplicate key is caught (YamlDotNet's deserialiser
// keeps the last one silently, and its node model reports "Duplicate key" without naming it).

internal abstract record YamlNode(Mark Start);

internal sealed record YamlScalar(string Value, bool Plain, Mark Start) : YamlNode(Start)
{
    /// <summary>YAML's null: a plain `~`, `null` or nothing at all (a quoted "null" is text).</summary>
    public bool IsNull => Plain && Value is "" or "~" or "null" or "Null" or "NULL";
}

internal sealed record YamlSequence(IReadOnlyList<YamlNode> Items, Mark Start) : YamlNode(Start);

internal sealed record YamlMapping(IReadOnlyList<(YamlScalar Key, YamlNode Value)> Entries, Mark Start) : YamlNode(Start);

internal static class YamlTree
{
    /// <summary>The one document of <paramref name="yaml"/>; null when the text holds none. Syntax errors are <see cref="YamlException"/>s.</summary>
    public static YamlNode? Read(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        try
        {
            parser.Consume<StreamStart>();
            if (parser.TryConsume<StreamEnd>(out _)) return null;
            parser.Consume<DocumentStart>();
            var root = ReadNode(parser);
            parser.Consume<DocumentEnd>();
            // a second document would otherwise be ignored without a word
            if (parser.Current is DocumentStart second)
                throw new YamlException(second.Start, second.End, "a pipeline file holds one YAML document; remove the second `---`");
            return root;
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet 16.3's scanner throws this (no position) on a flow mapping left open before the next key
            var at = parser.Current?.Start ?? Mark.Empty;
            throw new YamlException(at, at, "malformed YAML after this point: is a '{' or '[' left unclosed?", e);
        }
    }

    static YamlNode ReadNode(IParser parser)
    {
        if (parser.TryConsume<Scalar>(out var scalar)) return new YamlScalar(scalar.Value, scalar.Style == ScalarStyle.Plain, scalar.Start);
        if (parser.TryConsume<SequenceStart>(out var sequence))
        {
            var items = new List<YamlNode>();
            while (!parser.TryConsume<SequenceEnd>(out _)) items.Add(ReadNode(parser));
            return new YamlSequence(items, sequence.Start);
        }
        if (parser.TryConsume<MappingStart>(out var mapping))
        {
            var entries = new List<(YamlScalar, YamlNode)>();
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var key = ReadNode(parser);
                if (key is not YamlScalar name) throw new YamlException(key.Start, key.Start, "a key must be a plain name");
                entries.Add((name, ReadNode(parser)));
            }
            return new YamlMapping(entries, mapping.Start);
        }
        var other = parser.Current!;
        if (other is AnchorAlias) throw new YamlException(other.Start, other.End, "aliases (*name) are not supported in pipeline files; write the value out");
        throw new YamlException(other.Start, other.End, $"unexpected {other.GetType().Name}");
    }
}
