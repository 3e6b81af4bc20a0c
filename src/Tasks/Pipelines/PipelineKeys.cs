using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace GeoDense.Tasks.Pipelines;

/// <summary>One YAML key of a section record: the snake_case of a public init property (`IgnoreIndex` is `ignore_index`).</summary>
internal sealed record PipelineKey(string Name, PropertyInfo Property)
{
    /// <summary>A `required` member: the file must give it (no silent default for backbone, head, classes).</summary>
    // by name: ScottPlot ships its own copy of RequiredMemberAttribute, which makes the type name ambiguous here
    public bool Required => Property.GetCustomAttributes().Any(a => a.GetType().FullName == "System.Runtime.CompilerServices.RequiredMemberAttribute");

    public bool Nullable { get; } = new NullabilityInfoContext().Create(Property).WriteState == NullabilityState.Nullable;
}

/// <summary>
/// The keys of a section record, taken from its properties so that the reader, the writer and the "expected one of"
/// lists can never disagree with the records. Properties without a public setter (computed ones, `Source`) are not keys.
/// Order: declaration order, inherited keys first — except in the task records, whose own `model` and `train` come
/// before the shared sections, as SPEC §6 writes a pipeline.
/// </summary>
internal static class PipelineKeys
{
    static readonly Dictionary<Type, IReadOnlyList<PipelineKey>> Cache = [];

    public static IReadOnlyList<PipelineKey> Of(Type type)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue(type, out var keys)) return keys;
            keys = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0)
                .OrderBy(p => typeof(Pipeline).IsAssignableFrom(type) ? -Depth(p.DeclaringType!) : Depth(p.DeclaringType!))
                .ThenBy(p => p.MetadataToken)
                .Select(p => new PipelineKey(SnakeCase(p.Name), p))
                .ToList();
            return Cache[type] = keys;
        }
    }

    /// <summary>Whether a section of this type must be written in the file: it has required keys of its own.</summary>
    public static bool HasRequiredKeys(Type type) => IsSection(type) && Of(type).Any(k => k.Required);

    /// <summary>Records are sections (mappings); strings, numbers, bools and lists are values.</summary>
    public static bool IsSection(Type type) => type.IsClass && type != typeof(string) && !IsList(type);

    public static bool IsList(Type type) => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>);

    public static string SnakeCase(string name)
    {
        var text = new StringBuilder();
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0 && !char.IsUpper(name[i - 1])) text.Append('_');
            text.Append(char.ToLowerInvariant(name[i]));
        }
        return text.ToString();
    }

    static int Depth(Type type)
    {
        int depth = 0;
        for (var t = type; t is not null; t = t.BaseType) depth++;
        return depth;
    }
}
