// Inference LayerNorm of bf16 tokens through oneDNN, for the bf16 fast path.
//
// Why: under bf16 autocast the token stream is bf16 while LayerNorm's weights stay fp32. libtorch 1.13 cannot
// mix the two, so the input was cast up to fp32, normalised, and the fp32 result cast down again by the bf16
// matmul after it: two full copies per norm (docs/performance.md). oneDNN normalises bf16 rows with fp32
// statistics and fp32 scale/shift in one pass and writes bf16, which is what the matmul reads.
#pragma once

#include <ATen/ATen.h>

namespace gd {

// True when layer_norm(x) over the last dim may run here: a oneDNN build, CPU, x bf16 with dense rows, fp32
// weight and bias of the last dim's size, nothing that needs a gradient.
bool onednn_layer_norm_applies(const at::Tensor& x, at::IntArrayRef normalized_shape, const at::Tensor& weight,
                               const at::Tensor& bias);

// The bf16 result of layer_norm(x) over the last dim (fp32 statistics).
at::Tensor onednn_layer_norm(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, double eps);

}  // namespace gd
