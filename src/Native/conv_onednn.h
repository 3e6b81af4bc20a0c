// Inference 2-D convolutions through oneDNN's convolution, with their weights packed once and kept, bias and
// GELU fused, and an int8 variant.
//
// Why: libtorch 1.13's mkldnn convolution reorders the weight into oneDNN's blocked layout on every call (~4 ms of
// a LeMeViT-small pass) and cannot fuse the stem's GELU; in int8 the stride-2 downsampling convolutions run ~1.8x
// faster than in bf16 (docs/benchmarks.md).
#pragma once

#include <ATen/ATen.h>

namespace gd {

// act(conv2d(x, W) + b) [+ residual], act = GELU (erf) when gelu is set; the residual (the result's shape, e.g. x
// itself for LeMeViT's position encodings) is added in the epilogue. x [N, C, H, W] (float32 or bfloat16, any strides),
// weight [O, C / groups, kh, kw], bias [O] or undefined. CPU inference only (nothing may need a gradient). The
// result is channels-last, bf16 under CPU bf16 autocast or for a bf16 x, fp32 otherwise.
// int8 (groups == 1 only): W quantized once per output channel (symmetric, packed and cached like the float
// weights), x per call with one symmetric scale (max|x| / 127); the result is dequantized in the epilogue and has
// the type it would have without int8 (no residual).
at::Tensor onednn_conv2d(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, at::IntArrayRef stride,
                         at::IntArrayRef padding, at::IntArrayRef dilation, int64_t groups, bool gelu, bool int8,
                         const at::Tensor& residual = at::Tensor());

}  // namespace gd
