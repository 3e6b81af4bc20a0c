namespace GeoDense.Torch.Checkpoints;

/// <summary>Finds the state dict inside a loaded checkpoint and normalises its keys (see <see cref="StateDictOptions"/>).</summary>
public static class StateDicts
{
    /// <param name="source">Names the checkpoint in error messages (usually its path).</param>
    public static OrderedDictionary<string, TensorData> Extract(string source, object? checkpoint, StateDictOptions options)
    {
        var current = checkpoint as OrderedDictionary<object, object?>
            ?? throw CheckpointInputException.For(source,
                $"checkpoint holds a {Describe(checkpoint)}, not a dict; expected a state dict or a dict wrapping one");
        var path = new List<string>();
        while (!IsTensorDict(current))
        {
            var wrapper = options.WrapperKeys.FirstOrDefault(k => current.TryGetValue(k, out var v) && v is OrderedDictionary<object, object?>);
            if (wrapper is null)
                throw CheckpointInputException.For(source,
                    $"no state dict found{(path.Count > 0 ? $" under '{string.Join("/", path)}'" : "")}: keys are [{string.Join(", ", current.Keys.Take(12))}" +
                    $"{(current.Count > 12 ? ", ..." : "")}]; expected tensors or one of [{string.Join(", ", options.WrapperKeys)}]");
            path.Add(wrapper);
            current = (OrderedDictionary<object, object?>)current[wrapper]!;
        }

        var tensors = new OrderedDictionary<string, TensorData>(current.Count);
        foreach (var (key, value) in current)
            tensors.Add((string)key, (TensorData)value!);
        return Normalize(source, tensors, options);
    }

    public static OrderedDictionary<string, TensorData> Normalize(string source, OrderedDictionary<string, TensorData> stateDict, StateDictOptions options)
    {
        var result = new OrderedDictionary<string, TensorData>();
        foreach (var (original, key) in MapKeys(source, stateDict.Keys, options))
            result.Add(key, stateDict[original]);
        return result;
    }

    /// <summary>
    /// The kept keys as (original, normalised) pairs in their original order; lets a lazy reader load
    /// only the tensors that survive selection.
    /// </summary>
    public static IReadOnlyList<(string Original, string Key)> MapKeys(string source, IEnumerable<string> keys, StateDictOptions options)
    {
        var entries = keys.Select(k => (Original: k, Key: StripAll(k, options.StripPrefixes))).ToList();

        if (options.SelectPrefix is { Length: > 0 } select && entries.Any(e => e.Key.StartsWith(select, StringComparison.Ordinal)))
            entries = entries.Where(e => e.Key.StartsWith(select, StringComparison.Ordinal))
                .Select(e => (e.Original, e.Key[select.Length..])).ToList();

        entries.RemoveAll(e => options.DropPrefixes.Any(p => e.Key.StartsWith(p, StringComparison.Ordinal)));

        var seen = new HashSet<string>();
        foreach (var (_, key) in entries)
            if (!seen.Add(key))
                throw CheckpointInputException.For(source,
                    $"two tensors map to the key '{key}' after removing prefixes [{string.Join(", ", options.StripPrefixes)}]");
        if (entries.Count == 0)
            throw CheckpointInputException.For(source, "the selected state dict is empty");
        return entries;
    }

    private static bool IsTensorDict(OrderedDictionary<object, object?> dict) =>
        dict.Count > 0 && dict.All(e => e.Key is string && e.Value is TensorData);

    private static string StripAll(string key, IReadOnlyList<string> prefixes)
    {
        foreach (var prefix in prefixes)
            if (prefix.Length > 0 && key.StartsWith(prefix, StringComparison.Ordinal))
                key = key[prefix.Length..];
        return key;
    }

    private static string Describe(object? value) => value?.GetType().Name ?? "None";
}
