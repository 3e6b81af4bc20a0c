namespace GeoDense.Geo;

/// <summary>
/// Non-fatal findings (GDAL warnings, "no georeference, writing pixel-space output"). Hosts subscribe to show them;
/// without a subscriber they go to stderr so they are never silently lost.
/// </summary>
public static class GeoDiagnostics
{
    public static event Action<string>? Warning;

    internal static void RaiseWarning(string message)
    {
        var handlers = Warning;
        if (handlers is null) Console.Error.WriteLine($"warning: {message}");
        else handlers(message);
    }
}
