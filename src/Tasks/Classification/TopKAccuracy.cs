using GeoDense.Torch;

namespace GeoDense.Tasks.Classification;

/// <summary>Running top-1 / top-k accuracy over batches of logits [B, classes] and labels [B].</summary>
public sealed class TopKAccuracy(int k = 5)
{
    private long _seen, _top1, _topK;

    public int K { get; } = k;
    public long Count => _seen;
    public double Top1 => _seen == 0 ? 0 : (double)_top1 / _seen;
    /// <summary>Top-k with k capped at the number of classes.</summary>
    public double TopK => _seen == 0 ? 0 : (double)_topK / _seen;

    public void Add(Tensor logits, Tensor labels)
    {
        using var scope = TorchRuntime.NewScope();
        var k = (int)Math.Min(K, logits.Shape[1]);
        var (_, top) = logits.TopK(k, 1);
        var hits = top.Eq(labels.Long().Unsqueeze(1));
        _top1 += hits.Narrow(1, 0, 1).Sum().Item<long>();
        _topK += hits.Any(1).Sum().Item<long>();
        _seen += logits.Shape[0];
    }
}
