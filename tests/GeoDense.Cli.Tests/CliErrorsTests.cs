using GeoDense.Geo;
using GeoDense.Tasks.Classification;
using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Segmentation;
using GeoDense.Torch.Checkpoints;
using GeoDense.Torch.NN;

namespace GeoDense.Cli.Tests;

public sealed class CliErrorsTests
{
    public static TheoryData<Exception> UserErrors() =>
    [
        new UserInputException("--size 'x' is not a size"),
        new CheckpointInputException("w.pth: truncated"),
        new RasterInputException("a.tif", "a.tif: not a raster"),
        new SegmentationInputException("data: no tiles"),
        new ClassificationInputException("scenes: no classes"),
        new PipelineInputException("p.yaml: unknown key"),
        new FileNotFoundException("Could not find file '/data/a.tif'.", "/data/a.tif"),
        new DirectoryNotFoundException("Could not find a part of the path '/data/x'."),
        new UnauthorizedAccessException("Access to the path '/out' is denied."),
    ];

    [Theory]
    [MemberData(nameof(UserErrors))]
    public void Input_problems_exit_with_2_and_one_line(Exception error)
    {
        var (code, stderr) = Run(error);
        Assert.Equal(CliErrors.BadInput, code);
        Assert.Single(stderr.TrimEnd().Split('\n'));
        Assert.StartsWith("error: ", stderr);
    }

    [Fact]
    public void Internal_failures_exit_with_1_even_when_named_like_input()
    {
        Assert.Equal(CliErrors.Internal, Run(new GdalException("disk full")).Code);
        Assert.Equal(CliErrors.Internal, Run(new StateDictMismatchException(new StateDictReport(["a"], [], []))).Code);
        Assert.Equal(CliErrors.Internal, Run(new LookalikeInputException()).Code);
    }

    private sealed class LookalikeInputException() : Exception("not derived from InputException");

    private static (int Code, string Stderr) Run(Exception error)
    {
        var previous = Console.Error;
        var captured = new StringWriter();
        Console.SetError(captured);
        try { return (CliErrors.Run(() => throw error), captured.ToString()); }
        finally { Console.SetError(previous); }
    }
}
