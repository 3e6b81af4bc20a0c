using GeoDense.Tasks.Inference;
using GeoDense.Torch;
using Microsoft.Extensions.Options;

namespace GeoDense.Worker.Tasks;

/// <summary>
/// One model per process: the loaded model stays for the next shard of the same pipeline and weights, and is
/// replaced (the old one disposed first) when a shard needs another, of any task. Shards take turns on it, so extra
/// Hangfire workers overlap I/O but never hold a second model.
/// </summary>
public sealed class ModelCache(IOptions<WorkerOptions> options) : IDisposable
{
    readonly SemaphoreSlim gate = new(1, 1);
    string? key;
    IDisposable? model;

    /// <param name="deviceSetting">the pipeline's `device`</param>
    /// <param name="load">loads the model on the resolved device (called only when the cached one is another)</param>
    public T Use<TModel, T>(string deviceSetting, string pipelinePath, string weights, Func<Device, TModel> load, Func<TModel, T> body,
        CancellationToken cancellationToken) where TModel : class, IDisposable
    {
        gate.Wait(cancellationToken);
        try
        {
            var wanted = $"{typeof(TModel).FullName}|{pipelinePath}|{File.GetLastWriteTimeUtc(pipelinePath):O}|{weights}|{File.GetLastWriteTimeUtc(weights):O}";
            if (key != wanted || model is not TModel)
            {
                model?.Dispose();
                (model, key) = (null, null);
                model = load(ComputeDevice.Resolve(deviceSetting, options.Value.Threads));
                key = wanted;
            }
            return body((TModel)model);
        }
        finally { gate.Release(); }
    }

    public void Dispose()
    {
        model?.Dispose();
        gate.Dispose();
    }
}
