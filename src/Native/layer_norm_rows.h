// Inference LayerNorm over the last dim, hand-written for AVX-512: fp32 rows, and bf16 rows (bf16 autocast, int8)
// with fp32 statistics and fp32 weights, bf16 out, in one pass per row.
//
// Why: libtorch 1.13's fp32 LayerNorm took 31 ms of a 450 ms LeMeViT-small pass (batch 16), and it cannot mix bf16
// rows with fp32 weights at all (an up-cast, then a down-cast copy); oneDNN 2.6 normalises bf16 rows with its
// generic "simple" kernel, 1.5 ms per 50176 x 96 rows (docs/benchmarks.md). Threads split the rows.
#pragma once

#include <ATen/ATen.h>

namespace gd {

// True when layer_norm(x) may run here: CPU with AVX-512 BW, x fp32 or bf16, normalised over its last dim with fp32
// weight and bias of that size, nothing that needs a gradient.
bool layer_norm_rows_applies(const at::Tensor& x, at::IntArrayRef normalized_shape, const at::Tensor& weight, const at::Tensor& bias);

// layer_norm(x) over the last dim, in x's type (statistics in fp32, variance from the mean in a second pass).
at::Tensor layer_norm_rows(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, double eps);

}  // namespace gd
