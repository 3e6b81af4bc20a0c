using GeoDense.Torch;

namespace GeoDense.Tasks.ChangeDetection;

/// <summary>
/// A change model as the change-map predictor runs it: normalised before and after batches [B, C, h, w] on the model's
/// device in, logits [B, 2, h, w] out (class 1 = changed). Called on the tiled runner's inference thread, inside a
/// dispose scope and inference mode.
/// </summary>
public delegate Tensor ChangeForward(Tensor before, Tensor after);
