using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Segmentation;
using Microsoft.Extensions.Options;

namespace GeoDense.Worker.Tasks;

/// <summary>
/// One model per process: the loaded model stays for the next shard of the same pipeline and weights, and is
/// replaced (the old one disposed first) when a shard needs another. Shards take turns on it, so extra Hangfire
/// workers overlap I/O but never hold a second model.
/// </summary>
public sealed class ModelCache(IOptions<WorkerOptions> options) : IDisposable
{
    readonly SemaphoreSlim gate = new(1, 1);
    string? key;
    InferenceSession<SegmentationModel>? session;

    public T UseSegmentation<T>(SegmentationPipeline pipeline, string pipelinePath, string weights, Func<InferenceSession<SegmentationModel>, T> body,
        CancellationToken cancellationToken)
    {
        gate.Wait(cancellationToken);
        try
        {
            var wanted = $"{pipelinePath}|{weights}|{File.GetLastWriteTimeUtc(weights):O}";
            if (key != wanted || session is null)
            {
                session?.Dispose();
                session = null;
                var device = ComputeDevice.Resolve(pipeline.Device, options.Value.Threads);
                session = SegmentationModels.Load(pipeline, pipelinePath, weights, device);
                key = wanted;
            }
            return body(session);
        }
        finally { gate.Release(); }
    }

    public void Dispose()
    {
        session?.Dispose();
        gate.Dispose();
    }
}
