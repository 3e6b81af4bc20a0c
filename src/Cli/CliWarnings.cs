using GeoDense.Geo;

namespace GeoDense.Cli;

/// <summary>
/// Prints Geo's non-fatal findings as "warning: ..." on stderr, each distinct message once per run: a command may
/// check an input up front and the stitcher meets the same raster again later.
/// </summary>
public static class CliWarnings
{
    private static readonly HashSet<string> Printed = [];

    public static void Install() => GeoDiagnostics.Warning += Print;

    private static void Print(string message)
    {
        lock (Printed)
            if (!Printed.Add(message)) return;
        Console.Error.WriteLine($"warning: {message}");
    }
}
