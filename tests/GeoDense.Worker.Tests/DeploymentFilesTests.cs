using System.Diagnostics;
using System.Text.RegularExpressions;
using GeoDense.Worker;
using Microsoft.Extensions.Configuration;
using YamlDotNet.RepresentationModel;

namespace GeoDense.Worker.Tests;

/// <summary>
/// Static checks of the container and Kubernetes files (no Docker engine or cluster runs here; hadolint and
/// kubeconform are not installable; kubectl's dry run needs a cluster): the Dockerfile installs what ./geodense
/// installs, at the runtime libraries the setup's -dev packages pin, runs non-root with a health check; the manifests
/// wire the probes, ports, secrets and configuration the worker actually has.
/// </summary>
public sealed partial class DeploymentFilesTests
{
    static string Repo(string path) => Path.Combine(WorkerFiles.RepoRoot, path);

    /// <summary>The Dockerfile's stages: name (or index) -> its lines, `\`-continued lines joined.</summary>
    static List<(string Name, List<string> Lines)> Stages()
    {
        var text = File.ReadAllText(Repo("Dockerfile")).Replace("\\\n", " ");
        var stages = new List<(string, List<string>)>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (line.StartsWith("FROM ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                stages.Add((parts.Length >= 4 && parts[2].Equals("AS", StringComparison.OrdinalIgnoreCase) ? parts[3] : $"#{stages.Count}", []));
            }
            if (stages.Count > 0) stages[^1].Item2.Add(line);
        }
        return stages;
    }

    [GeneratedRegex(@"apt-get install[^&]*?--no-install-recommends\s+([^&]+)")]
    private static partial Regex AptInstall();

    static HashSet<string> AptPackages(IEnumerable<string> lines) => lines.SelectMany(l => AptInstall().Matches(l))
        .SelectMany(m => m.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToHashSet();

    /// <summary>./geodense's APT_PACKAGES=(...) list.</summary>
    static List<string> SetupPackages()
    {
        var line = File.ReadAllLines(Repo("geodense")).Single(l => l.StartsWith("APT_PACKAGES=(", StringComparison.Ordinal));
        return line["APT_PACKAGES=(".Length..line.IndexOf(')')].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    /// <summary>The runtime library a -dev package pins on this (Debian) machine, e.g. libgdal-dev -> libgdal32.</summary>
    static string RuntimeOf(string devPackage, string prefix)
    {
        var start = new ProcessStartInfo("dpkg-query", ["-W", "-f=${Depends}", devPackage]) { RedirectStandardOutput = true };
        using var dpkg = Process.Start(start)!;
        var depends = dpkg.StandardOutput.ReadToEnd();
        dpkg.WaitForExit();
        Assert.True(dpkg.ExitCode == 0, $"{devPackage} is not installed; ./geodense installs it");
        return depends.Split(',').Select(d => d.Trim().Split(' ')[0]).Single(d => d.StartsWith(prefix, StringComparison.Ordinal) && !d.EndsWith("-dev"));
    }

    [Fact]
    public void The_Dockerfile_installs_what_the_setup_script_installs_and_the_runtime_libraries_it_pins()
    {
        var stages = Stages();
        var build = AptPackages(stages.Single(s => s.Name == "build").Lines);
        var runtime = AptPackages(stages[^1].Lines);
        // what compiles the shim and links it; python3, gdal-bin and postgresql serve only tests and fixtures here
        foreach (var package in SetupPackages().Except(["python3", "gdal-bin", "postgresql", "fonts-dejavu-core"]))
            Assert.True(build.Contains(package), $"Dockerfile build stage lacks {package} from ./geodense's APT_PACKAGES");
        Assert.Contains(RuntimeOf("libtorch-dev", "libtorch"), runtime);
        Assert.Contains(RuntimeOf("libgdal-dev", "libgdal"), runtime);
        foreach (var package in new[] { "libopenblas0-pthread", "fonts-dejavu-core" })
            Assert.Contains(package, runtime);
        // nothing the runtime needs only to build
        Assert.DoesNotContain(runtime, p => p.EndsWith("-dev", StringComparison.Ordinal) || p is "cmake" or "g++");
    }

    [Fact]
    public void The_Dockerfile_runs_non_root_with_a_health_check_and_copies_only_from_its_stages()
    {
        var stages = Stages();
        var names = stages.Select(s => s.Name).ToHashSet();
        foreach (var line in stages.SelectMany(s => s.Lines).Where(l => l.Contains("--from=")))
            Assert.Contains(Regex.Match(line, @"--from=(\S+)").Groups[1].Value, names);
        var final = stages[^1].Lines;
        var user = final.Last(l => l.StartsWith("USER ", StringComparison.Ordinal))["USER ".Length..].Trim();
        Assert.NotEqual("root", user);
        Assert.Contains(final, l => l.Contains($"useradd --system --uid {Uid}") && l.Contains(user));
        var health = Assert.Single(final, l => l.StartsWith("HEALTHCHECK", StringComparison.Ordinal));
        var port = Regex.Match(final.Single(l => l.StartsWith("EXPOSE", StringComparison.Ordinal)), @"\d+").Value;
        Assert.Contains($"127.0.0.1:{port}/healthz", health);
        Assert.Contains(final, l => l.StartsWith("CMD", StringComparison.Ordinal) && l.Contains($"0.0.0.0:{port}"));
    }

    const string Uid = "10001";

    static List<YamlMappingNode> Documents(string file)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(Repo(file))) stream.Load(reader);
        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
    }

    static YamlNode At(YamlNode node, params string[] path)
    {
        foreach (var key in path)
            node = key.StartsWith('[') ? ((YamlSequenceNode)node).Children[int.Parse(key[1..^1])] : ((YamlMappingNode)node).Children[new YamlScalarNode(key)];
        return node;
    }

    static string Text(YamlNode node, params string[] path) => ((YamlScalarNode)At(node, path)).Value!;

    static YamlMappingNode Kind(List<YamlMappingNode> documents, string kind) => documents.Single(d => Text(d, "kind") == kind);

    [Fact]
    public void The_Kubernetes_manifests_wire_the_probes_ports_secrets_and_configuration_the_worker_has()
    {
        var documents = Documents("deploy/k8s/worker.yaml");
        foreach (var d in documents)
        {
            Assert.False(string.IsNullOrEmpty(Text(d, "apiVersion")));
            Assert.False(string.IsNullOrEmpty(Text(d, "metadata", "name")));
        }
        var deployment = Kind(documents, "Deployment");
        var pod = At(deployment, "spec", "template", "spec");
        var container = At(pod, "containers", "[0]");
        Assert.Equal("/healthz", Text(container, "livenessProbe", "httpGet", "path"));
        Assert.Equal("/readyz", Text(container, "readinessProbe", "httpGet", "path"));
        var portNames = ((YamlSequenceNode)At(container, "ports")).Children.Select(p => Text(p, "name")).ToList();
        Assert.Contains(Text(container, "livenessProbe", "httpGet", "port"), portNames);
        Assert.Contains(Text(Kind(documents, "Service"), "spec", "ports", "[0]", "targetPort"), portNames);
        foreach (var section in new[] { "requests", "limits" })
            foreach (var resource in new[] { "cpu", "memory" })
                Assert.False(string.IsNullOrEmpty(Text(container, "resources", section, resource)), $"resources.{section}.{resource} missing");
        Assert.Equal("true", Text(pod, "securityContext", "runAsNonRoot"));
        Assert.Equal(Uid, Text(pod, "securityContext", "runAsUser"));

        // every secret the container reads exists in the Secret, and the two the worker takes from the environment are there
        var secret = Kind(documents, "Secret");
        var env = ((YamlSequenceNode)At(container, "env")).Children;
        foreach (var variable in env)
            Assert.True(((YamlMappingNode)At(secret, "stringData")).Children.ContainsKey(new YamlScalarNode(Text(variable, "valueFrom", "secretKeyRef", "key"))));
        Assert.Equal(["GEODENSE_API_KEY", "GEODENSE_POSTGRES"], env.Select(v => Text(v, "name")).Order());

        // the ConfigMap's worker.yaml binds to the worker's options, and the pod's grace period covers the shard shutdown time
        var config = Path.GetTempFileName();
        try
        {
            File.WriteAllText(config, Text(Kind(documents, "ConfigMap"), "data", "worker.yaml"));
            var options = new WorkerOptions();
            new ConfigurationBuilder().AddWorkerYaml(config).Build().GetSection(WorkerOptions.Section).Bind(options);
            Assert.Equal(StorageKind.Postgresql, options.Storage);
            Assert.Equal("/data", options.DataRoot);
            Assert.True(int.Parse(Text(pod, "terminationGracePeriodSeconds")) > options.ShutdownTimeout.TotalSeconds + 5,
                "terminationGracePeriodSeconds must exceed the worker's shutdown_timeout (and the host's 5 s on top)");
        }
        finally { File.Delete(config); }
        Assert.Contains("/etc/geodense/worker.yaml", ((YamlSequenceNode)At(container, "args")).Children.Select(a => ((YamlScalarNode)a).Value));

        var scaler = Documents("deploy/k8s/keda-scaler.yaml").Single();
        Assert.Equal(Text(deployment, "metadata", "name"), Text(scaler, "spec", "scaleTargetRef", "name"));
        Assert.Contains("geodense_queue_depth{queue=\"shards\"}", Text(scaler, "spec", "triggers", "[0]", "metadata", "query"));
    }

    [Fact]
    public void The_shipped_worker_yaml_binds_every_key_to_the_worker_options()
    {
        var options = new WorkerOptions();
        new ConfigurationBuilder().AddWorkerYaml(Repo("pipelines/worker.yaml")).Build().GetSection(WorkerOptions.Section)
            .Bind(options, o => o.ErrorOnUnknownConfiguration = true);
        Assert.Equal(256, options.ShardWindows);
        Assert.Equal(0.5, options.RemoteIo.FailureRatio);
        Assert.Equal(TimeSpan.FromMinutes(30), options.RemoteIo.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(20), options.ShutdownTimeout);
    }
}
