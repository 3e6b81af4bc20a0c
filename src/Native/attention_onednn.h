// Inference attention through oneDNN's matmul, for the CPU builds that link the system oneDNN.
//
// Why: libtorch 1.13 built without MKL runs fp32 `bmm` as a sequential loop of one OpenBLAS GEMM per
// (image, head), and `matmul` on the head-split views first copies them contiguous. Attention was ~35% of
// LeMeViT's time that way. Here oneDNN matmuls take the strided views as they are (q, kᵀ, v straight from the
// packed qkv projection), apply the scale as an output scale, and write the result in [B, n, heads, d] memory so
// merging heads needs no copy. The work is split into units (an image's group of heads, or a block of one head's
// query rows, ~256 KB of scores) that each thread runs start to finish (q kᵀ, softmax, p v), so the scores stay in
// that core's cache; the softmax is our own AVX-512 one where the CPU has it (softmax_rows.h). Batched calls over
// all units with oneDNN's threading streamed every score through memory three times and were 1.1-1.5x slower on
// LeMeViT's shapes (docs/benchmarks.md).
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
