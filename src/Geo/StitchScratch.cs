using System.Runtime.InteropServices;
using GeoDense.IO;
using Microsoft.Win32.SafeHandles;

namespace GeoDense.Geo;

/// <summary>
/// The stitcher's spill file: fixed-size slots of raw float accumulators, reused once read back, so the file holds at
/// most the blocks parked at one time (the frontier of unfinished blocks), never the whole raster. Created on the first
/// spill under a hidden temporary name in the output folder (a killed run's is removed by
/// <see cref="AtomicFile.DeleteAbandoned"/>) and deleted when disposed.
/// </summary>
internal sealed class StitchScratch(string besidePath, int slotFloats) : IDisposable
{
    private readonly Stack<long> freeSlots = new();
    private AtomicFile? file;
    private SafeFileHandle? handle;
    private long slotCount;

    /// <summary>Bytes the file has grown to (slots ever needed at once).</summary>
    public long Bytes => slotCount * slotFloats * sizeof(float);

    /// <summary>Parks <paramref name="scores"/> then <paramref name="weights"/>; returns the slot to <see cref="Load"/> them from.</summary>
    public long Store(ReadOnlySpan<float> scores, ReadOnlySpan<float> weights)
    {
        if (scores.Length + weights.Length > slotFloats) throw new ArgumentException("Accumulators larger than a scratch slot.");
        if (handle is null)
        {
            file = AtomicFile.Begin(besidePath);
            handle = File.OpenHandle(file.TemporaryPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose);
        }
        long slot = freeSlots.Count > 0 ? freeSlots.Pop() : slotCount++;
        long offset = slot * slotFloats * sizeof(float);
        RandomAccess.Write(handle, MemoryMarshal.AsBytes(scores), offset);
        RandomAccess.Write(handle, MemoryMarshal.AsBytes(weights), offset + (long)scores.Length * sizeof(float));
        return slot;
    }

    /// <summary>Reads a slot back into the two spans (the lengths it was stored with) and frees it.</summary>
    public void Load(long slot, Span<float> scores, Span<float> weights)
    {
        long offset = slot * slotFloats * sizeof(float);
        ReadExactly(MemoryMarshal.AsBytes(scores), offset);
        ReadExactly(MemoryMarshal.AsBytes(weights), offset + (long)scores.Length * sizeof(float));
        freeSlots.Push(slot);
    }

    private void ReadExactly(Span<byte> destination, long offset)
    {
        while (destination.Length > 0)
        {
            int read = RandomAccess.Read(handle!, destination, offset);
            if (read <= 0) throw new IOException($"{file!.TemporaryPath}: stitch scratch file ended early");
            destination = destination[read..];
            offset += read;
        }
    }

    public void Dispose()
    {
        handle?.Dispose();
        file?.Dispose();
    }
}
