// Inference attention through oneDNN's batched matmul, for the CPU builds that link the system oneDNN.
//
// Why: libtorch 1.13 built without MKL runs fp32 `bmm` as a sequential loop of one OpenBLAS GEMM per
// (image, head), and `matmul` on the head-split views first copies them contiguous. Attention was ~35% of
// LeMeViT's time that way. One oneDNN matmul primitive takes the strided views as they are (q, kᵀ, v
// straight from the packed qkv projection), parallelises over the batch of heads, applies the scale as an
// output scale, and writes the result in [B, n, heads, d] memory so merging heads needs no copy.
#pragma once

#include <ATen/ATen.h>

namespace gd {

// True when attention(q, k, v) may run on oneDNN: CPU, fp32 or bf16, 4-D, no mask, no dropout, not causal,
// nothing that needs a gradient. Always false in builds without GD_HAVE_ONEDNN.
bool onednn_attention_applies(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, bool has_mask,
                              double dropout, bool causal);

// softmax(q kᵀ · scale) v; q [B, h, n, d], k [B, h, m, d], v [B, h, m, dv] (any strides, inner dim dense).
// The result is a [B, h, n, dv] view of a contiguous [B, n, h, dv] tensor.
at::Tensor onednn_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, double scale);

}  // namespace gd
