// Inference Linear layers over tokens through oneDNN's matmul, with GELU and the residual add fused.
//
// Why: libtorch 1.13 runs fp32 `linear` through OpenBLAS (whose kernels on our CPUs are AVX2 at best), and a
// token-wise Linear written as a 1x1 convolution goes to oneDNN's convolution, which on LeMeViT's expanding
// MLP layers (96 -> 384 over 50k tokens) ran at 10-20 GFLOP/s. oneDNN's matmul primitive on the same rows runs
// at 100-150 GFLOP/s (bench in docs/benchmarks.md), reads the weight in place (transposed descriptor), and
// applies bias, GELU and `residual += ...` while the output is still in cache.
#pragma once

#include <ATen/ATen.h>

namespace gd {

// True when this build has the oneDNN kernels (GD_HAVE_ONEDNN).
bool onednn_linear_available();

// act(x Wᵀ + b), with act = GELU (erf) when gelu is set; with a residual, `residual += that` in place and
// the residual is returned. x [..., K] (any leading dims), weight [N, K], bias [N] or undefined,
// residual [..., N]. CPU inference only (nothing may need a gradient). Under CPU bf16 autocast the product
// runs in bf16 (fp32 accumulation) and a new result is bf16, like autocast's own linear.
// int8: the product runs in int8 (VNNI where the CPU has it): W quantized once per output channel
// (symmetric, packed and cached like the float weights), x per call with one symmetric scale per block of rows, from their own range;
// the result is dequantized in the epilogue and has the type it would have without int8.
// gelu_input (int8 only): the layer reads GELU(x) (tanh form) instead of x, applied while x is quantized; an MLP's
// fc1 then leaves GELU out of its epilogue, where oneDNN's took longer than the product (quantize_int8.h).
at::Tensor onednn_linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, bool gelu,
                         const at::Tensor& residual, bool int8 = false, bool gelu_input = false);

// True when oneDNN has a real int8 matmul kernel for this CPU (not its reference implementation).
bool onednn_int8_linear_fast();

}  // namespace gd
