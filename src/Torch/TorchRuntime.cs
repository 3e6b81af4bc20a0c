using System.Runtime.InteropServices;
using GeoDense.Torch.Native;

namespace GeoDense.Torch;

/// <summary>Global and thread-local runtime state: dispose scopes, grad/inference modes, seeds, threads, CUDA.</summary>
public static class TorchRuntime
{
    /// <summary>Opens a dispose scope on this thread (see <see cref="DisposeScope"/>).</summary>
    public static DisposeScope NewScope() => DisposeScope.Open();

    /// <summary>Disables gradient recording on this thread until disposed (torch.no_grad()).</summary>
    public static GradModeGuard NoGrad() => new(false);

    /// <summary>Re-enables gradient recording on this thread until disposed (torch.enable_grad()).</summary>
    public static GradModeGuard EnableGrad() => new(true);

    public static bool IsGradEnabled => NativeMethods.gd_is_grad_enabled() != 0;

    /// <summary>torch.inference_mode(): no autograd bookkeeping at all on this thread until disposed.
    /// Tensors created inside cannot be used in autograd later.</summary>
    public static InferenceModeGuard InferenceMode(bool enabled = true) => new(enabled);

    public static bool IsInferenceModeEnabled => NativeMethods.gd_is_inference_mode_enabled() != 0;

    /// <summary>Seeds the CPU generator and every CUDA generator.</summary>
    public static void ManualSeed(ulong seed) => TorchException.Check(NativeMethods.gd_manual_seed(seed));

    /// <summary>Intra-op threads used by libtorch (process-wide).</summary>
    public static void SetNumThreads(int threads) => TorchException.Check(NativeMethods.gd_set_num_threads(threads));
    public static int GetNumThreads() => Tensor.Checked(NativeMethods.gd_get_num_threads());

    /// <summary>
    /// Returns the freed tensor blocks the shim keeps for reuse (up to 1 GiB of blocks >= 1 MB, so that a model's
    /// activations do not page-fault again every batch; src/Native/cpu_allocator.cpp) to the system. Call it when a
    /// job's inference is over and later stages (writing outputs) should not carry that memory. Returns the bytes freed.
    /// </summary>
    public static long ReleaseCachedCpuMemory() => NativeMethods.gd_release_cached_cpu_memory();

    /// <summary>torch.autocast(device type, dtype) on this thread until disposed: matrix products and convolutions in
    /// <paramref name="dtype"/>, precision-sensitive ops in fp32.</summary>
    public static AutocastScope Autocast(Device device, ScalarType dtype) => new(device, dtype);

    public static bool CudaIsAvailable() => NativeMethods.gd_cuda_is_available() != 0;
    public static int CudaDeviceCount() => NativeMethods.gd_cuda_device_count();

    /// <summary>Waits until the CUDA device (-1: the current one) has finished the work queued on it.</summary>
    public static void CudaSynchronize(int deviceIndex = -1) => TorchException.Check(NativeMethods.gd_cuda_synchronize(deviceIndex));

    /// <summary>The libtorch version the shim was built against, e.g. "1.13.0".</summary>
    public static string TorchVersion => Marshal.PtrToStringUTF8(NativeMethods.gd_torch_version()) ?? "";

    /// <summary>Picks a device from "auto" | "cpu" | "cuda" | "cuda:N".</summary>
    public static Device ResolveDevice(string name) =>
        name.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase)
            ? (CudaIsAvailable() ? Device.Cuda : Device.Cpu)
            : Device.Parse(name);

    /// <summary>Calls the shim's empty export (benchmark baseline for P/Invoke cost).</summary>
    public static void NativeNoop() => NativeMethods.gd_noop();

    /// <summary>Calls an empty export with a tensor argument (baseline for passing a handle).</summary>
    public static void NativeNoop(Tensor tensor)
    {
        NativeMethods.gd_noop_tensor(tensor.Handle);
        GC.KeepAlive(tensor);
    }
}

/// <summary>Restores the previous grad mode of this thread when disposed.</summary>
public readonly struct GradModeGuard : IDisposable
{
    private readonly bool _previous;

    internal GradModeGuard(bool enabled) => _previous = NativeMethods.gd_set_grad_enabled(enabled ? 1 : 0) != 0;

    public void Dispose() => NativeMethods.gd_set_grad_enabled(_previous ? 1 : 0);
}

/// <summary>Leaves inference mode (restoring the previous state) when disposed. Dispose on the same thread, innermost first.</summary>
public sealed class InferenceModeGuard : IDisposable
{
    private IntPtr _guard;

    internal InferenceModeGuard(bool enabled)
    {
        _guard = NativeMethods.gd_inference_mode_enter(enabled ? 1 : 0);
        if (_guard == IntPtr.Zero) throw TorchException.FromLastError();
    }

    public void Dispose()
    {
        if (_guard == IntPtr.Zero) return;
        NativeMethods.gd_inference_mode_exit(_guard);
        _guard = IntPtr.Zero;
    }
}
