namespace GeoDense.Tasks.Training;

/// <summary>
/// A counter-based random stream: every draw is a pure function of (seed, stream, counter, draw index), so
/// the batch of iteration i is the same in every process and on every resume. .NET's HashCode.Combine is
/// randomised per process and <see cref="Random"/>'s algorithm is not promised across runtime versions, so
/// neither may decide which sample a training step sees. The mixer is SplitMix64 (Steele et al. 2014).
/// </summary>
public sealed class CounterRandom : Random
{
    readonly ulong key;
    ulong draw;

    /// <param name="seed">the run's `train.seed`</param>
    /// <param name="stream">what the numbers are for (data order, augmentation, ...), so streams never overlap</param>
    /// <param name="counter">the iteration or epoch</param>
    public CounterRandom(long seed, TrainingStream stream, long counter) =>
        key = Mix(Mix(Mix((ulong)seed) ^ (ulong)stream) ^ (ulong)counter);

    /// <summary>A 64-bit seed for another generator (libtorch's) from the same (seed, stream, counter).</summary>
    public static ulong Seed(long seed, TrainingStream stream, long counter) => new CounterRandom(seed, stream, counter).NextUInt64();

    public ulong NextUInt64() => Mix(key + 0x9E3779B97F4A7C15UL * ++draw);

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    protected override double Sample() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public override double NextDouble() => Sample();

    public override int Next() => (int)(NextUInt64() >> 33);

    public override int Next(int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return (int)NextInt64(maxValue);
    }

    public override int Next(int minValue, int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        return (int)(minValue + NextInt64((long)maxValue - minValue));
    }

    public override long NextInt64(long maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        if (maxValue <= 1) return 0;
        // rejection sampling keeps the draw unbiased for any bound
        ulong bound = (ulong)maxValue, limit = ulong.MaxValue - ulong.MaxValue % bound;
        ulong x;
        do x = NextUInt64(); while (x >= limit);
        return (long)(x % bound);
    }

    public override long NextInt64(long minValue, long maxValue) => minValue + NextInt64(maxValue - minValue);

    public override void NextBytes(Span<byte> buffer)
    {
        for (int i = 0; i < buffer.Length; i++) buffer[i] = (byte)NextUInt64();
    }

    public override void NextBytes(byte[] buffer) => NextBytes(buffer.AsSpan());

    /// <summary>Fisher-Yates in place, written here so the permutation never depends on the runtime's Shuffle.</summary>
    public void Permute<T>(T[] items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = (int)NextInt64(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    public override float NextSingle() => (NextUInt64() >> 40) * (1f / (1 << 24));

    static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

/// <summary>Independent random streams of one training run.</summary>
public enum TrainingStream
{
    DataOrder = 1,
    Augmentation = 2,
    /// <summary>libtorch's generator (dropout, drop path), re-seeded before every step.</summary>
    Torch = 3,
    Initialisation = 4,
}
