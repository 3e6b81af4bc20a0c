using System.Globalization;

namespace GeoDense.Tasks.Pipelines;

/// <summary>
/// Fills section records from the YAML tree, strictly: an unknown or repeated key, a missing required key and a
/// value of the wrong type are each reported (with the valid keys of that section) instead of being skipped.
/// Keys absent from the file keep the record's defaults, so each task's record decides its own reference values.
/// </summary>
internal sealed class PipelineReader(PipelineProblems problems)
{
    /// <summary>
    /// Sets the keys of <paramref name="node"/> on <paramref name="section"/> (a fresh record, holding its defaults).
    /// <paramref name="path"/> is the section's dotted path ("" at the top); <paramref name="readElsewhere"/> are keys
    /// its caller handles (the top-level `task`).
    /// </summary>
    public void Fill(object section, YamlMapping node, string path, params string[] readElsewhere)
    {
        var keys = PipelineKeys.Of(section.GetType());
        var seen = new Dictionary<string, YamlScalar>();
        foreach (var (key, value) in node.Entries)
        {
            var name = key.Value;
            if (seen.TryGetValue(name, out var first))
            {
                problems.Structure(key.Start, $"duplicate key '{name}' in {Describe(path)} (first at line {first.Start.Line})");
                continue;
            }
            seen[name] = key;
            if (readElsewhere.Contains(name)) continue;
            var match = keys.FirstOrDefault(k => k.Name == name);
            if (match is null)
            {
                var expected = readElsewhere.Concat(keys.Select(k => k.Name));
                problems.Structure(key.Start, $"unknown key '{name}' in {Describe(path)}; expected one of {string.Join(", ", expected)}");
                continue;
            }
            var full = Join(path, name);
            problems.KeyAt(full, key.Start);
            if (Read(match.Property.PropertyType, match.Nullable, match.Property.GetValue(section), value, full) is (true, var result))
                match.Property.SetValue(section, result);
        }
        foreach (var key in keys)
        {
            if (seen.ContainsKey(key.Name)) continue;
            bool missing = key.Required || (!key.Nullable && key.Property.GetValue(section) is null);
            if (!missing) continue;
            var type = key.Property.PropertyType;
            var inside = PipelineKeys.HasRequiredKeys(type)
                ? $" (with {string.Join(", ", PipelineKeys.Of(type).Where(k => k.Required).Select(k => k.Name))})"
                : "";
            problems.Structure(node.Start, $"missing key '{key.Name}' in {Describe(path)}{inside}");
        }
    }

    (bool Ok, object? Value) Read(Type type, bool nullable, object? current, YamlNode node, string path)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (node is YamlScalar { IsNull: true } && (nullable || underlying is not null)) return (true, null);
        type = underlying ?? type;
        if (PipelineKeys.IsList(type))
        {
            if (node is not YamlSequence sequence) return Wrong(node, path, "a list such as [a, b]");
            var itemType = type.GetGenericArguments()[0];
            var list = (System.Collections.IList)Activator.CreateInstance(type)!;
            bool ok = true;
            for (int i = 0; i < sequence.Items.Count; i++)
            {
                var (itemOk, item) = Read(itemType, false, null, sequence.Items[i], $"{path}[{i}]");
                ok &= itemOk;
                if (itemOk) list.Add(item);
            }
            return (ok, list);
        }
        if (PipelineKeys.IsSection(type))
        {
            if (node is not YamlMapping mapping) return Wrong(node, path, $"a section of keys ({string.Join(", ", PipelineKeys.Of(type).Select(k => k.Name))})");
            // a section absent from the record's defaults (required, or nullable) starts from the section's own defaults
            var section = current ?? Activator.CreateInstance(type)!;
            Fill(section, mapping, path);
            return (true, section);
        }
        if (node is not YamlScalar scalar) return Wrong(node, path, type == typeof(string) ? "a single value" : Expected(type));
        var text = scalar.Value;
        var invariant = CultureInfo.InvariantCulture;
        object? parsed = type switch
        {
            _ when type == typeof(string) => text,
            _ when type == typeof(int) => int.TryParse(text, NumberStyles.AllowLeadingSign, invariant, out var i) ? i : null,
            _ when type == typeof(long) => long.TryParse(text, NumberStyles.AllowLeadingSign, invariant, out var l) ? l : null,
            _ when type == typeof(double) => double.TryParse(text, NumberStyles.Float, invariant, out var d) && double.IsFinite(d) ? d : null,
            _ when type == typeof(float) => float.TryParse(text, NumberStyles.Float, invariant, out var f) && float.IsFinite(f) ? f : null,
            _ when type == typeof(bool) => text switch { "true" or "True" or "TRUE" => true, "false" or "False" or "FALSE" => false, _ => null },
            _ => throw new InvalidOperationException($"pipeline key {path}: type {type.Name} has no YAML reading"),
        };
        return parsed is null ? Wrong(node, path, Expected(type)) : (true, parsed);
    }

    (bool, object?) Wrong(YamlNode node, string path, string expected)
    {
        var got = node switch
        {
            YamlScalar s => $"'{s.Value}'",
            YamlSequence => "a list",
            _ => "a section",
        };
        problems.Value(node.Start, $"{path}: {got} is not {expected}");
        return (false, null);
    }

    static string Expected(Type type) => type switch
    {
        _ when type == typeof(int) || type == typeof(long) => "a whole number",
        _ when type == typeof(double) || type == typeof(float) => "a number",
        _ when type == typeof(bool) => "true or false",
        _ => type.Name,
    };

    static string Describe(string path) => path.Length == 0 ? "the pipeline" : path;

    static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";
}
