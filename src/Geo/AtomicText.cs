namespace GeoDense.Geo;

// TEMPORARY until the shared AtomicFile lands: writes text through a temporary sibling.
public static class AtomicText
{
    public static void Write(string path, string text)
    {
        var temporary = OutputPath.TemporaryFor(path);
        try
        {
            File.WriteAllText(temporary, text);
            File.Move(temporary, path, overwrite: true);
        }
        finally { if (File.Exists(temporary)) File.Delete(temporary); }
    }
}
