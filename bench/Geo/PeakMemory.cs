namespace GeoDense.Geo.Bench;

/// <summary>Peak resident set size of this process (VmHWM in /proc/self/status), in MiB.</summary>
public static class PeakMemory
{
    public static double PeakRssMiB()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0]) / 1024.0;
        throw new PlatformNotSupportedException("/proc/self/status has no VmHWM line (not Linux?).");
    }

    /// <summary>Resets VmHWM to the current RSS (Linux 4.0+: write 5 to clear_refs) so a later phase is measured alone.</summary>
    public static void ResetPeak() => File.WriteAllText("/proc/self/clear_refs", "5");
}
