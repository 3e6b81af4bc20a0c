using GeoDense.Tasks.Segmentation;

namespace GeoDense.Tasks.Tests.Segmentation;

public class SlidingAverageTests
{
    [Fact]
    public void Overlapping_windows_average_and_rows_stream_out_in_order()
    {
        // 1 channel, image 3 wide x 6 high, windows 3x4 at rows 0 and 2 (the second shifted to the edge)
        var avg = new SlidingAverage(width: 3, height: 6, channels: 1, windowHeight: 4);
        var rows = new List<(int Row, float[] Values)>();
        void Emit(int r, float[] v) => rows.Add((r, v.ToArray()));
        avg.Add(0, 0, 3, 4, Enumerable.Repeat(1f, 12).ToArray(), Emit);
        Assert.Empty(rows);
        avg.Add(0, 2, 3, 4, Enumerable.Repeat(3f, 12).ToArray(), Emit);
        Assert.Equal([0, 1], rows.Select(r => r.Row));     // rows above the new window are final
        avg.Finish(Emit);
        Assert.Equal([0, 1, 2, 3, 4, 5], rows.Select(r => r.Row));
        Assert.Equal([1f, 1f, 1f], rows[1].Values);
        Assert.Equal([2f, 2f, 2f], rows[2].Values);
        Assert.Equal([3f, 3f, 3f], rows[5].Values);
    }

    [Fact]
    public void Windows_side_by_side_fill_their_own_columns()
    {
        var avg = new SlidingAverage(width: 4, height: 2, channels: 2, windowHeight: 2);
        var rows = new Dictionary<int, float[]>();
        void Emit(int r, float[] v) => rows[r] = v.ToArray();
        // channel 0 then channel 1, each 2x2
        avg.Add(0, 0, 2, 2, [1, 1, 1, 1, 0, 0, 0, 0], Emit);
        avg.Add(2, 0, 2, 2, [0, 0, 0, 0, 5, 5, 5, 5], Emit);
        avg.Finish(Emit);
        Assert.Equal([1f, 1f, 0f, 0f, 0f, 0f, 5f, 5f], rows[1]);
        var classes = new byte[4];
        SlidingAverage.Argmax(rows[1], 2, classes);
        Assert.Equal(new byte[] { 0, 0, 1, 1 }, classes);
    }
}
