namespace GeoDense.Geo;

/// <summary>
/// Outputs are written under a temporary sibling name and renamed when complete, so a crash or an error never
/// leaves a partial file at the final path. The temporary name keeps the extension (some drivers check it).
/// </summary>
public static class OutputPath
{
    public static string TemporaryFor(string finalPath)
    {
        var directory = Vsi.IsVirtual(finalPath) ? finalPath[..(finalPath.LastIndexOf('/') + 1)] : System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(finalPath))!;
        if (!Vsi.IsVirtual(finalPath)) Directory.CreateDirectory(directory);
        var name = System.IO.Path.GetFileNameWithoutExtension(finalPath);
        var extension = System.IO.Path.GetExtension(finalPath);
        var temp = $".{name}.partial-{Guid.NewGuid().ToString("N")[..8]}{extension}";
        return Vsi.IsVirtual(finalPath) ? directory + temp : System.IO.Path.Combine(directory, temp);
    }
}
