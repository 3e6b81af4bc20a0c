// In-place GELU (erf) for CPU inference through oneDNN's JIT eltwise kernel.
//
// Why: libtorch 1.13's GELU costs ~25 ms on LeMeViT's stem map at batch 16 ([16, 48, 112, 112]), 7% of a bf16
// forward, where its bf16 kernel converts element by element; oneDNN's vectorised erf runs it in a few ms in
// either type. (The MLPs' GELUs are already fused into their matmuls: linear_onednn.h.)
#pragma once

#include <ATen/ATen.h>

namespace gd {

// True when gelu_(x) may run here: a oneDNN build, CPU, fp32 or bf16, one dense block of memory (any dim
// order), nothing that needs a gradient.
bool onednn_gelu_applies(const at::Tensor& x);

// x = GELU(x) with the exact (erf) formula, in place.
void onednn_gelu_(const at::Tensor& x);

}  // namespace gd
