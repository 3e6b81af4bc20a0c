namespace GeoDense.Cli.Tests;

/// <summary>SPEC §6: a command line the parser rejects exits 2 with one `error:` line on stderr, no help dump, no stack trace.</summary>
public class UsageErrorTests
{
    private static string AssertOneErrorLine(int code, string stdout, string stderr)
    {
        Assert.True(code == 2, $"exit {code}, stderr: {stderr}");
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one stderr line, got:\n{stderr}");
        Assert.StartsWith("error: ", lines[0]);
        Assert.DoesNotContain("   at ", stderr);
        Assert.Equal("", stdout.Trim());
        return lines[0];
    }

    [Fact]
    public void Unknown_option_is_named()
    {
        var (code, stdout, stderr) = GeodenseProcess.Run("info", "some.tif", "--frobnicate");
        Assert.Contains("'--frobnicate'", AssertOneErrorLine(code, stdout, stderr));
    }

    [Fact]
    public void Unknown_command_is_named()
    {
        var (code, stdout, stderr) = GeodenseProcess.Run("segmnet", "--input", "a.tif");
        var line = AssertOneErrorLine(code, stdout, stderr);
        Assert.Contains("'segmnet'", line);
        Assert.DoesNotContain("Required command", line);
    }

    [Fact]
    public void Missing_required_option_is_named_with_the_command_to_ask_for_help()
    {
        var (code, stdout, stderr) = GeodenseProcess.Run("model", "bench", "--arch", "lemevit-nano", "--size", "64");
        var line = AssertOneErrorLine(code, stdout, stderr);
        Assert.Contains("'--batch' is required", line);
        Assert.Contains("geodense model bench --help", line);
    }

    [Fact]
    public void Missing_required_argument_is_named()
    {
        var (code, stdout, stderr) = GeodenseProcess.Run("info");
        Assert.Contains("'raster'", AssertOneErrorLine(code, stdout, stderr));
    }

    [Fact]
    public void Malformed_number_says_which_option_and_what_it_expects()
    {
        var (code, stdout, stderr) = GeodenseProcess.Run("model", "bench", "--arch", "lemevit-nano", "--batch", "1", "--size", "64", "--threads", "abc");
        var line = AssertOneErrorLine(code, stdout, stderr);
        Assert.Contains("--threads: 'abc' is not a whole number", line);
        Assert.DoesNotContain("System.", line);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("100000")]
    public void Threads_out_of_range_is_refused_at_parse_time(string threads)
    {
        // the pipeline and weights do not exist: the bound is checked before anything is opened
        var (code, stdout, stderr) = GeodenseProcess.Run("segment", "--pipeline", "missing.yaml", "--weights", "missing.safetensors",
            "--input", "missing.tif", "--output", "out", "--threads", threads);
        var line = AssertOneErrorLine(code, stdout, stderr);
        Assert.Contains("--threads must be between 1 and", line);
        Assert.Contains($"got {threads}", line);
    }

    [Theory]
    [InlineData("segment", "--input", "--device", "gpu", "--device must be one of auto, cpu, cuda, got gpu")]
    [InlineData("detect", "--input", "--batch-size", "0", "--batch-size must be at least 1, got 0")]
    [InlineData("change", "--before", "--device", "tpu", "--device must be one of auto, cpu, cuda, got tpu")]
    public void Run_options_are_checked_at_parse_time_the_same_way_on_every_command(string command, string input, string option, string value, string message)
    {
        var (code, stdout, stderr) = GeodenseProcess.Run(command, "--pipeline", "missing.yaml", "--weights", "missing.safetensors",
            input, "missing.tif", "--output", "out", option, value);
        Assert.Contains(message, AssertOneErrorLine(code, stdout, stderr));
    }

    [Fact]
    public void Model_commands_bound_threads_too()
    {
        var (code, stdout, stderr) = GeodenseProcess.Run("model", "bench", "--arch", "lemevit-nano", "--batch", "1", "--size", "64", "--threads", "0");
        Assert.Contains("--threads must be between 1 and", AssertOneErrorLine(code, stdout, stderr));
    }

    [Fact]
    public void Help_and_version_still_exit_0()
    {
        // --help on a command whose required options are missing is a request for help, not an error
        var help = GeodenseProcess.Run("segment", "--help");
        Assert.True(help.ExitCode == 0, help.Err);
        Assert.Contains("--pipeline", help.Out);
        Assert.Equal("", help.Err);
        var version = GeodenseProcess.Run("--version");
        Assert.True(version.ExitCode == 0, version.Err);
        Assert.Matches(@"^\d+\.\d+", version.Out.Trim());
    }
}
