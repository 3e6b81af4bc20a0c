using GeoDense.Geo;
using GeoDense.Worker.Tasks;

namespace GeoDense.Worker.Tests;

/// <summary>How a detection input's windows become shards: runs cut only between the one-process run's batches.</summary>
public sealed class DetectionShardPlanTests
{
    /// <summary>Windows of the given output sizes (a change of size starts a new batch, as with several scales).</summary>
    static List<GridWindow> Windows(params int[] sizes) =>
        sizes.Select((s, i) => new GridWindow(i, new PixelWindow(i * 10, 0, s, s), s, s, 1.0, i * 10, 0)).ToList();

    [Fact]
    public void Runs_hold_whole_batches_up_to_the_limit()
    {
        // 9 windows in batches of 2: 2,2,2,2,1 -> at most 4 per shard
        Assert.Equal([(0, 4), (4, 8), (8, 9)], DetectionWorkerTask.WindowRuns(Windows(Enumerable.Repeat(256, 9).ToArray()), 2, 4));
        // a limit that is not a multiple of the batch never splits a batch (the last run takes 2 + 1)
        Assert.Equal([(0, 2), (2, 4), (4, 6), (6, 9)], DetectionWorkerTask.WindowRuns(Windows(Enumerable.Repeat(256, 9).ToArray()), 2, 3));
        Assert.Equal([(0, 9)], DetectionWorkerTask.WindowRuns(Windows(Enumerable.Repeat(256, 9).ToArray()), 2, 256));
    }

    [Fact]
    public void A_batch_larger_than_the_limit_is_a_run_of_its_own_and_no_windows_is_one_empty_run()
    {
        Assert.Equal([(0, 4), (4, 5)], DetectionWorkerTask.WindowRuns(Windows(256, 256, 256, 256, 256), 4, 1));
        // two scales: batches break where the window size changes (256,256 | 512)
        Assert.Equal([(0, 2), (2, 3)], DetectionWorkerTask.WindowRuns(Windows(256, 256, 512), 4, 2));
        Assert.Equal([(0, 0)], DetectionWorkerTask.WindowRuns([], 2, 4));
    }
}
