using GeoDense.Torch;

namespace GeoDense.Tasks.Detection;

/// <summary>
/// What a detection model gives for one window, in the window's pixel coordinates: oriented boxes [n, 5]
/// (cx, cy, w, h, θ; OBBDetection's convention), scores [n] and class indices [n] (int64, the pipeline's class order).
/// </summary>
public sealed record WindowDetections(Tensor Obb, Tensor Scores, Tensor Labels);

/// <summary>
/// The model seam of the detect pipeline: a batch of normalised windows [B, C, H, W] in, one
/// <see cref="WindowDetections"/> per window out. Called on the runner's inference thread inside a dispose scope
/// (tensors it returns are copied out and freed there); the Oriented R-CNN model is one, a test's hand-written
/// detector another.
/// </summary>
public delegate IReadOnlyList<WindowDetections> WindowDetector(Tensor images);

/// <summary>Per-window detections copied off the tensors: flat obbs (5 per detection), scores and labels.</summary>
internal sealed record WindowResult(float[] Obb, float[] Scores, long[] Labels);
