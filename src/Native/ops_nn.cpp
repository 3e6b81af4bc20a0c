// Neural-network layers as functions: linear, convolutions, normalisations, activations,
// pooling, resampling, padding, dropout.
#include "common.h"
#include "conv_onednn.h"
#include "avx512.h"
#include "layer_norm_rows.h"
#include "linear_onednn.h"

GD_EXPORT TH gd_linear(TH x, TH w, TH b) { GD_TENSOR(at::linear(*x, *w, gd::opt(b))); }

// Inference linear over tokens on oneDNN (linear_onednn.h): gelu fuses GELU, a residual is updated in place.
GD_EXPORT int32_t gd_onednn_linear_available() { return gd::onednn_linear_available() ? 1 : 0; }
// int8 runs the product in int8 (dynamic quantization, linear_onednn.h).
GD_EXPORT int32_t gd_onednn_int8_linear_fast() { return gd::onednn_int8_linear_fast() ? 1 : 0; }
GD_EXPORT TH gd_onednn_linear(TH x, TH w, TH b, int32_t gelu, int32_t int8) {
  GD_TENSOR(gd::onednn_linear(*x, *w, b ? *b : at::Tensor(), gelu != 0, at::Tensor(), int8 != 0));
}
// gelu_input (int8 only): the layer reads GELU(x).
GD_EXPORT int32_t gd_onednn_linear_add_(TH residual, TH x, TH w, TH b, int32_t int8, int32_t gelu_input) {
  GD_STATUS(gd::onednn_linear(*x, *w, b ? *b : at::Tensor(), false, *residual, int8 != 0, gelu_input != 0));
}

// Two-element arrays (h, w) for stride/padding/dilation.
GD_EXPORT TH gd_conv2d(TH x, TH w, TH b, const int64_t* stride, const int64_t* padding, const int64_t* dilation, int64_t groups) {
  GD_TENSOR(at::conv2d(*x, *w, gd::opt(b), gd::dims(stride, 2), gd::dims(padding, 2), gd::dims(dilation, 2), groups));
}
// Inference convolution on oneDNN (conv_onednn.h): weights packed once, GELU and a residual add fused, int8
// optional; the result is channels-last.
GD_EXPORT TH gd_onednn_conv2d(TH x, TH w, TH b, const int64_t* stride, const int64_t* padding, const int64_t* dilation,
                              int64_t groups, int32_t gelu, int32_t int8, TH residual) {
  GD_TENSOR(gd::onednn_conv2d(*x, *w, b ? *b : at::Tensor(), gd::dims(stride, 2), gd::dims(padding, 2), gd::dims(dilation, 2),
                              groups, gelu != 0, int8 != 0, residual ? *residual : at::Tensor()));
}
GD_EXPORT TH gd_conv1d(TH x, TH w, TH b, int64_t stride, int64_t padding, int64_t dilation, int64_t groups) {
  GD_TENSOR(at::conv1d(*x, *w, gd::opt(b), stride, padding, dilation, groups));
}
GD_EXPORT TH gd_conv_transpose2d(TH x, TH w, TH b, const int64_t* stride, const int64_t* padding, const int64_t* output_padding,
                                 int64_t groups, const int64_t* dilation) {
  GD_TENSOR(at::conv_transpose2d(*x, *w, gd::opt(b), gd::dims(stride, 2), gd::dims(padding, 2), gd::dims(output_padding, 2), groups,
                                 gd::dims(dilation, 2)));
}

// Updates running_mean/running_var in place when training (momentum; unbiased variance).
GD_EXPORT TH gd_batch_norm(TH x, TH weight, TH bias, TH running_mean, TH running_var, int32_t training, double momentum, double eps) {
  GD_TENSOR(at::batch_norm(*x, gd::opt(weight), gd::opt(bias), gd::opt(running_mean), gd::opt(running_var), training != 0, momentum,
                           eps, at::globalContext().userEnabledCuDNN()));
}
// Whether this CPU runs the shim's own AVX-512 kernels (LayerNorm, softmax, int8 quantization; avx512.h).
GD_EXPORT int32_t gd_cpu_has_avx512() { return gd::cpu_has_avx512bw() ? 1 : 0; }
// CPU inference runs our own kernel where it applies (layer_norm_rows.h: fp32, or bf16 rows with fp32 weights in
// one pass); elsewhere a bf16 input with fp32 weights (bf16 autocast) is cast up to fp32 first, as CUDA autocast does.
GD_EXPORT TH gd_layer_norm(TH x, const int64_t* shape, int32_t n, TH weight, TH bias, double eps) {
  GD_TENSOR(([&] {
    auto normalized = gd::dims(shape, n);
    at::Tensor w = weight ? *weight : at::Tensor(), b = bias ? *bias : at::Tensor();
    if (gd::layer_norm_rows_applies(*x, normalized, w, b)) return gd::layer_norm_rows(*x, w, b, eps);
    auto input = w.defined() && x->scalar_type() != w.scalar_type() ? x->to(w.scalar_type()) : *x;
    return at::layer_norm(input, normalized, gd::opt(weight), gd::opt(bias), eps, at::globalContext().userEnabledCuDNN());
  }()));
}
GD_EXPORT TH gd_group_norm(TH x, int64_t groups, TH weight, TH bias, double eps) {
  GD_TENSOR(at::group_norm(*x, groups, gd::opt(weight), gd::opt(bias), eps, at::globalContext().userEnabledCuDNN()));
}

GD_EXPORT TH gd_softmax(TH x, int64_t dim) { GD_TENSOR(at::softmax(*x, dim)); }
GD_EXPORT TH gd_log_softmax(TH x, int64_t dim) { GD_TENSOR(at::log_softmax(*x, dim)); }
GD_EXPORT TH gd_leaky_relu(TH x, double slope) { GD_TENSOR(at::leaky_relu(*x, slope)); }
GD_EXPORT TH gd_hardtanh(TH x, double min, double max) { GD_TENSOR(at::hardtanh(*x, min, max)); }
GD_EXPORT TH gd_dropout(TH x, double p, int32_t training) { GD_TENSOR(at::dropout(*x, p, training != 0)); }

// mode: 0 nearest, 1 bilinear, 2 bicubic. A scale <= 0 means "not given" (sizes alone decide).
GD_EXPORT TH gd_interpolate(TH x, int64_t out_h, int64_t out_w, double scale_h, double scale_w, int32_t mode, int32_t align_corners) {
  GD_TENSOR(([&] {
    int64_t size[2] = {out_h, out_w};
    c10::optional<double> sh = scale_h > 0 ? c10::optional<double>(scale_h) : c10::nullopt;
    c10::optional<double> sw = scale_w > 0 ? c10::optional<double>(scale_w) : c10::nullopt;
    switch (mode) {
      case 0: return at::upsample_nearest2d(*x, at::IntArrayRef(size, 2), sh, sw);
      case 1: return at::upsample_bilinear2d(*x, at::IntArrayRef(size, 2), align_corners != 0, sh, sw);
      case 2: return at::upsample_bicubic2d(*x, at::IntArrayRef(size, 2), align_corners != 0, sh, sw);
      default: TORCH_CHECK(false, "unknown interpolation mode ", mode);
    }
  }()));
}

GD_EXPORT TH gd_adaptive_avg_pool2d(TH x, int64_t h, int64_t w) {
  GD_TENSOR(([&] { int64_t s[2] = {h, w}; return at::adaptive_avg_pool2d(*x, at::IntArrayRef(s, 2)); }()));
}
GD_EXPORT TH gd_adaptive_max_pool2d(TH x, int64_t h, int64_t w) {
  GD_TENSOR(([&] { int64_t s[2] = {h, w}; return std::get<0>(at::adaptive_max_pool2d(*x, at::IntArrayRef(s, 2))); }()));
}
GD_EXPORT TH gd_max_pool2d(TH x, const int64_t* kernel, const int64_t* stride, const int64_t* padding, const int64_t* dilation,
                           int32_t ceil_mode) {
  GD_TENSOR(at::max_pool2d(*x, gd::dims(kernel, 2), gd::dims(stride, 2), gd::dims(padding, 2), gd::dims(dilation, 2), ceil_mode != 0));
}
GD_EXPORT TH gd_avg_pool2d(TH x, const int64_t* kernel, const int64_t* stride, const int64_t* padding, int32_t ceil_mode,
                           int32_t count_include_pad) {
  GD_TENSOR(at::avg_pool2d(*x, gd::dims(kernel, 2), gd::dims(stride, 2), gd::dims(padding, 2), ceil_mode != 0, count_include_pad != 0));
}

// pad lists (left, right, top, bottom, ...) from the last dim backwards, like F.pad.
// mode: 0 constant, 1 reflect, 2 replicate, 3 circular.
GD_EXPORT TH gd_pad(TH x, const int64_t* pad, int32_t n, int32_t mode, double value) {
  GD_TENSOR(([&] {
    static const char* modes[] = {"constant", "reflect", "replicate", "circular"};
    TORCH_CHECK(mode >= 0 && mode < 4, "unknown pad mode ", mode);
    return at::pad(*x, gd::dims(pad, n), modes[mode], mode == 0 ? c10::optional<double>(value) : c10::nullopt);
  }()));
}

GD_EXPORT TH gd_pixel_shuffle(TH x, int64_t factor) { GD_TENSOR(at::pixel_shuffle(*x, factor)); }
GD_EXPORT TH gd_pixel_unshuffle(TH x, int64_t factor) { GD_TENSOR(at::pixel_unshuffle(*x, factor)); }
