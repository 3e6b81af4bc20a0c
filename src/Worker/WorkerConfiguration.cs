using Microsoft.Extensions.Configuration;
using YamlDotNet.RepresentationModel;

namespace GeoDense.Worker;

/// <summary>
/// worker.yaml into the configuration system: nested keys become `a:b`, snake_case becomes the option's name
/// (`max_active_jobs` binds <see cref="WorkerOptions.MaxActiveJobs"/>), lists become `a:0`, `a:1`.
/// </summary>
public static class WorkerConfiguration
{
    public static IConfigurationBuilder AddWorkerYaml(this IConfigurationBuilder builder, string path)
    {
        if (!File.Exists(path)) throw new WorkerConfigException($"{path}: worker configuration file not found");
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new WorkerConfigException($"{path}:{e.Start.Line}:{e.Start.Column}: {e.Message}");
        }
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (stream.Documents.Count > 0) Flatten(stream.Documents[0].RootNode, "", values);
        return builder.AddInMemoryCollection(values);
    }

    static void Flatten(YamlNode node, string prefix, Dictionary<string, string?> values)
    {
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                {
                    var name = ((YamlScalarNode)key).Value!.Replace("_", "");
                    Flatten(value, prefix.Length == 0 ? name : $"{prefix}:{name}", values);
                }
                break;
            case YamlSequenceNode list:
                for (int i = 0; i < list.Children.Count; i++) Flatten(list.Children[i], $"{prefix}:{i}", values);
                break;
            case YamlScalarNode scalar:
                values[prefix] = scalar.Value;
                break;
        }
    }
}

/// <summary>A worker configuration that cannot be used (exit 2 from `geodense worker`).</summary>
public sealed class WorkerConfigException(string message) : InputException(message);
