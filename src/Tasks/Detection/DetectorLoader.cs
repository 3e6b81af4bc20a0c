using GeoDense.Tasks.Pipelines;
using GeoDense.Torch;

namespace GeoDense.Tasks.Detection;

/// <summary>A detection model ready to run: its window detector, the device it runs on, load warnings, and what frees it.</summary>
public sealed class LoadedDetector(WindowDetector detect, Device device, IReadOnlyList<string> warnings, IDisposable? model = null) : IDisposable
{
    public WindowDetector Detect { get; } = detect;
    public Device Device { get; } = device;
    public IReadOnlyList<string> Warnings { get; } = warnings;

    public void Dispose() => model?.Dispose();
}

/// <summary>
/// The one seam between `geodense detect` and a model: pipeline + weights on a device -> <see cref="LoadedDetector"/>
/// (for Oriented R-CNN: <c>InferenceSession.Load</c> with the detection model factory, wrapped as a WindowDetector).
/// </summary>
public delegate LoadedDetector DetectorLoader(DetectionPipeline pipeline, string pipelinePath, string weights, Device device);
