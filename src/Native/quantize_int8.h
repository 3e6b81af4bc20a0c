// Dynamic symmetric int8 quantization of activations for the int8 products (linear_onednn, conv_onednn):
// q = round(x / scale), saturated to [-127, 127], with scale = max|x| / 127 over a block of rows (1 for an
// all-zero or non-finite block). Rows are bf16 or fp32 with a dense last dim.
// Hand-written for AVX-512 (with a plain loop elsewhere): aminmax plus oneDNN's quantizing reorder cost 40 ms per
// LeMeViT-small pass, a third of what the int8 products saved (docs/benchmarks.md). On the calling thread only:
// callers spread blocks over the threads (one parallel region per call).
#pragma once

#include <ATen/ATen.h>

#include <cmath>
#include <cstdint>

namespace gd {

// max|x| over rows [first, first + count) of x [M, K].
float int8_absmax(const at::Tensor& x, int64_t first, int64_t count);

// Those rows quantized with the given scale into q (their rows, dense).
void int8_quantize(const at::Tensor& x, int64_t first, int64_t count, float scale, int8_t* q);

// Those rows quantized with their own scale (max|x| / 127 over them) into q; returns the scale.
float int8_quantize_block(const at::Tensor& x, int64_t first, int64_t count, int8_t* q);

// GELU(those rows) (tanh form, within 3e-4 of erf's) quantized into q with a scale of their own, from the rows' max
// (GELU's minimum is -0.17): fc1's GELU moved into fc2's quantization. In fc1's oneDNN epilogue it took longer than
// the product itself on LeMeViT's stage-1 shapes (683 vs 301 µs per block); moved, the int8 products with their
// quantization run ~5 ms faster per LeMeViT-small pass (docs/benchmarks.md). Returns the scale.
float int8_quantize_gelu_block(const at::Tensor& x, int64_t first, int64_t count, int8_t* q);

// The scale for a block whose max|x| is top.
inline float int8_scale(float top) { return top > 0 && top < INFINITY ? top / 127.0f : 1.0f; }

}  // namespace gd
