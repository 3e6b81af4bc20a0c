namespace GeoDense.Tasks.Training;

/// <summary>
/// Which samples a training batch holds: sample k of the run is position k mod n of epoch k / n's shuffle, so the
/// batch of any iteration can be recomputed from (seed, iteration) alone and a resumed run sees the same data.
/// </summary>
public static class EpochSampling
{
    public static int[] BatchIndices(long seed, long iteration, int batchSize, int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "no samples to draw from");
        var result = new int[batchSize];
        int[]? order = null;
        long orderEpoch = -1;
        for (var j = 0; j < result.Length; j++)
        {
            var k = iteration * batchSize + j;
            var epoch = k / count;
            if (epoch != orderEpoch)
            {
                order = Enumerable.Range(0, count).ToArray();
                new CounterRandom(seed, TrainingStream.DataOrder, epoch).Permute(order);
                orderEpoch = epoch;
            }
            result[j] = order![k % count];
        }
        return result;
    }
}
