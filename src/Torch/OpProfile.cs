using System.Globalization;
using System.Runtime.InteropServices;
using GeoDense.Torch.Native;

namespace GeoDense.Torch;

/// <summary>One libtorch op's CPU time over a profiled stretch: self excludes the ops it called.</summary>
public sealed record OpTime(string Name, long Calls, double SelfMicroseconds, double TotalMicroseconds);

/// <summary>
/// Per-op CPU time of the libtorch calls this thread makes between <see cref="Start"/> and <see cref="Stop"/>
/// (libtorch's own op profiler; available when the shim is built against libtorch 1.x).
/// </summary>
public static class OpProfile
{
    public static void Start() => TorchException.Check(NativeMethods.gd_profiler_start());

    /// <summary>Stops profiling; ops sorted by self time, largest first.</summary>
    public static IReadOnlyList<OpTime> Stop()
    {
        var text = NativeMethods.gd_profiler_stop();
        if (text == IntPtr.Zero) throw TorchException.FromLastError();
        var rows = new List<OpTime>();
        foreach (var line in (Marshal.PtrToStringUTF8(text) ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split('\t');
            rows.Add(new OpTime(f[0], long.Parse(f[1], CultureInfo.InvariantCulture),
                double.Parse(f[2], CultureInfo.InvariantCulture), double.Parse(f[3], CultureInfo.InvariantCulture)));
        }
        return rows.OrderByDescending(r => r.SelfMicroseconds).ToList();
    }
}
