// RoIAlignRotated on the CPU, forward and backward, as a libtorch autograd function so gradients reach the
// feature map through our ordinary `backward`. Sampling follows the detectron2 / mmcv / OBBDetection kernels
// (same sample positions, bilinear weights, border rules and averaging); see docs/rotated-ops.md.
// Devices: only CPU kernels. Features and RoIs on any device (CUDA) are computed on CPU copies; the output and the
// features' gradient go back to the features' device (autograd included). For CPU tensors nothing is copied.
#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>

#include <cmath>
#include <vector>

#include "common.h"

namespace {

struct Geometry {
  int64_t pooled_h, pooled_w;
  double spatial_scale;
  int64_t sampling_ratio;  // <= 0: adaptive, ceil(roi size / pooled size) per RoI
  bool aligned;            // half-pixel offset (continuous coordinates)
  bool clockwise;          // mmcv's flag: the angle is measured the other way round
};

// One bilinear sample: four neighbours in a channel plane and their weights (all zero outside the map).
template <typename T>
struct Tap {
  int64_t i1, i2, i3, i4;
  T w1, w2, w3, w4;
};

template <typename T>
Tap<T> bilinear_tap(T y, T x, int64_t height, int64_t width) {
  // A sample more than one pixel outside contributes nothing; within that pixel it clamps to the border.
  if (y < -1.0 || y > height || x < -1.0 || x > width) return {0, 0, 0, 0, 0, 0, 0, 0};
  if (y < 0) y = 0;
  if (x < 0) x = 0;
  int64_t y0 = static_cast<int64_t>(y), x0 = static_cast<int64_t>(x), y1, x1;
  if (y0 >= height - 1) {
    y1 = y0 = height - 1;
    y = static_cast<T>(y0);
  } else {
    y1 = y0 + 1;
  }
  if (x0 >= width - 1) {
    x1 = x0 = width - 1;
    x = static_cast<T>(x0);
  } else {
    x1 = x0 + 1;
  }
  const T ly = y - y0, lx = x - x0, hy = 1 - ly, hx = 1 - lx;
  return {y0 * width + x0, y0 * width + x1, y1 * width + x0, y1 * width + x1, hy * hx, hy * lx, ly * hx, ly * lx};
}

// The taps of one RoI, ordered [bin_y][bin_x][sample_y][sample_x]; writes the samples per bin.
template <typename T>
void roi_taps(const T* roi, int64_t height, int64_t width, const Geometry& g, std::vector<Tap<T>>& taps, int64_t& per_bin) {
  const T scale = static_cast<T>(g.spatial_scale);
  const T offset = g.aligned ? T(0.5) : T(0);
  const T center_x = roi[1] * scale - offset;
  const T center_y = roi[2] * scale - offset;
  T roi_w = roi[3] * scale, roi_h = roi[4] * scale;
  const T theta = g.clockwise ? -roi[5] : roi[5];
  const T cos_t = std::cos(theta), sin_t = std::sin(theta);
  if (g.aligned) {
    TORCH_CHECK(roi_w >= 0 && roi_h >= 0, "RoIAlignRotated: RoIs must not have negative width or height");
  } else {
    // Without the half-pixel offset the reference forces RoIs to at least one pixel.
    roi_w = std::max(roi_w, T(1));
    roi_h = std::max(roi_h, T(1));
  }
  const T bin_h = roi_h / static_cast<T>(g.pooled_h), bin_w = roi_w / static_cast<T>(g.pooled_w);
  const int64_t grid_h = g.sampling_ratio > 0 ? g.sampling_ratio : static_cast<int64_t>(std::ceil(roi_h / g.pooled_h));
  const int64_t grid_w = g.sampling_ratio > 0 ? g.sampling_ratio : static_cast<int64_t>(std::ceil(roi_w / g.pooled_w));
  const T start_y = -roi_h / T(2), start_x = -roi_w / T(2);
  per_bin = grid_h * grid_w;
  taps.resize(static_cast<size_t>(g.pooled_h * g.pooled_w * per_bin));
  size_t k = 0;
  for (int64_t py = 0; py < g.pooled_h; ++py)
    for (int64_t px = 0; px < g.pooled_w; ++px)
      for (int64_t sy = 0; sy < grid_h; ++sy) {
        const T yy = start_y + py * bin_h + static_cast<T>(sy + .5f) * bin_h / static_cast<T>(grid_h);
        for (int64_t sx = 0; sx < grid_w; ++sx) {
          const T xx = start_x + px * bin_w + static_cast<T>(sx + .5f) * bin_w / static_cast<T>(grid_w);
          // (xx, yy) in the RoI's frame, turned by theta: x along (cos, -sin) is OBBDetection's w axis.
          const T y = yy * cos_t - xx * sin_t + center_y;
          const T x = yy * sin_t + xx * cos_t + center_x;
          taps[k++] = bilinear_tap(y, x, height, width);
        }
      }
}

void check_inputs(const at::Tensor& features, const at::Tensor& rois, const Geometry& g) {
  TORCH_CHECK(features.dim() == 4, "RoIAlignRotated: features must be [B, C, H, W], got ", features.sizes());
  TORCH_CHECK(rois.dim() == 2 && rois.size(1) == 6, "RoIAlignRotated: rois must be [K, 6] (batch, cx, cy, w, h, theta), got ",
              rois.sizes());
  TORCH_CHECK(at::isFloatingType(features.scalar_type()), "RoIAlignRotated: features must be floating, got ", features.scalar_type());
  TORCH_CHECK(g.pooled_h > 0 && g.pooled_w > 0, "RoIAlignRotated: output size must be positive");
  if (rois.size(0) > 0) {
    const auto batch = rois.select(1, 0);
    TORCH_CHECK(batch.min().item<double>() >= 0 && batch.max().item<double>() < features.size(0),
                "RoIAlignRotated: a RoI's batch index is outside 0..", features.size(0) - 1);
  }
}

at::Tensor forward_kernel(const at::Tensor& features_in, const at::Tensor& rois_in, const Geometry& g) {
  const auto features = features_in.contiguous();
  const auto rois = rois_in.to(features.scalar_type()).contiguous();
  const int64_t k_rois = rois.size(0), channels = features.size(1), height = features.size(2), width = features.size(3);
  auto output = at::zeros({k_rois, channels, g.pooled_h, g.pooled_w}, features.options());
  if (output.numel() == 0) return output;
  AT_DISPATCH_FLOATING_TYPES(features.scalar_type(), "roi_align_rotated_forward", [&] {
    const scalar_t* in = features.data_ptr<scalar_t>();
    const scalar_t* rp = rois.data_ptr<scalar_t>();
    scalar_t* out = output.data_ptr<scalar_t>();
    const int64_t bins = g.pooled_h * g.pooled_w, plane = height * width;
    at::parallel_for(0, k_rois, 1, [&](int64_t begin, int64_t end) {
      std::vector<Tap<scalar_t>> taps;
      for (int64_t r = begin; r < end; ++r) {
        int64_t per_bin;
        roi_taps(rp + 6 * r, height, width, g, taps, per_bin);
        const scalar_t count = static_cast<scalar_t>(std::max<int64_t>(per_bin, 1));
        const int64_t batch = static_cast<int64_t>(rp[6 * r]);
        for (int64_t c = 0; c < channels; ++c) {
          const scalar_t* src = in + (batch * channels + c) * plane;
          scalar_t* dst = out + (r * channels + c) * bins;
          for (int64_t b = 0; b < bins; ++b) {
            scalar_t sum = 0;
            for (int64_t s = 0; s < per_bin; ++s) {
              const auto& t = taps[b * per_bin + s];
              sum += t.w1 * src[t.i1] + t.w2 * src[t.i2] + t.w3 * src[t.i3] + t.w4 * src[t.i4];
            }
            dst[b] = sum / count;
          }
        }
      }
    });
  });
  return output;
}

// Scatters grad_output back onto a [B, C, H, W] map. Channel planes are independent, so the work is
// split over channels and needs no atomics.
at::Tensor backward_kernel(const at::Tensor& grad_output_in, const at::Tensor& rois_in, at::IntArrayRef feature_shape,
                           const Geometry& g) {
  const auto grad_output = grad_output_in.contiguous();
  const auto rois = rois_in.to(grad_output.scalar_type()).contiguous();
  auto grad_input = at::zeros(feature_shape, grad_output.options());
  const int64_t k_rois = rois.size(0), channels = feature_shape[1], height = feature_shape[2], width = feature_shape[3];
  if (k_rois == 0 || grad_input.numel() == 0) return grad_input;
  AT_DISPATCH_FLOATING_TYPES(grad_output.scalar_type(), "roi_align_rotated_backward", [&] {
    const int64_t bins = g.pooled_h * g.pooled_w, plane = height * width;
    std::vector<std::vector<Tap<scalar_t>>> taps(k_rois);
    std::vector<int64_t> per_bin(k_rois);
    const scalar_t* rp = rois.data_ptr<scalar_t>();
    at::parallel_for(0, k_rois, 16, [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) roi_taps(rp + 6 * r, height, width, g, taps[r], per_bin[r]);
    });
    const scalar_t* go = grad_output.data_ptr<scalar_t>();
    scalar_t* gi = grad_input.data_ptr<scalar_t>();
    at::parallel_for(0, channels, 1, [&](int64_t begin, int64_t end) {
      for (int64_t c = begin; c < end; ++c)
        for (int64_t r = 0; r < k_rois; ++r) {
          const int64_t batch = static_cast<int64_t>(rp[6 * r]);
          const scalar_t count = static_cast<scalar_t>(std::max<int64_t>(per_bin[r], 1));
          scalar_t* dst = gi + (batch * channels + c) * plane;
          const scalar_t* src = go + (r * channels + c) * bins;
          for (int64_t b = 0; b < bins; ++b) {
            const scalar_t grad = src[b];
            for (int64_t s = 0; s < per_bin[r]; ++s) {
              const auto& t = taps[r][b * per_bin[r] + s];
              dst[t.i1] += grad * t.w1 / count;
              dst[t.i2] += grad * t.w2 / count;
              dst[t.i3] += grad * t.w3 / count;
              dst[t.i4] += grad * t.w4 / count;
            }
          }
        }
    });
  });
  return grad_input;
}

// Differentiable w.r.t. the features only (the RoIs get no gradient, as in the reference).
struct RoiAlignRotatedFunction : public torch::autograd::Function<RoiAlignRotatedFunction> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& features, const at::Tensor& rois, Geometry g) {
    ctx->save_for_backward({rois});
    ctx->saved_data["shape"] = features.sizes().vec();
    ctx->saved_data["pooled_h"] = g.pooled_h;
    ctx->saved_data["pooled_w"] = g.pooled_w;
    ctx->saved_data["spatial_scale"] = g.spatial_scale;
    ctx->saved_data["sampling_ratio"] = g.sampling_ratio;
    ctx->saved_data["aligned"] = g.aligned;
    ctx->saved_data["clockwise"] = g.clockwise;
    return forward_kernel(features.cpu(), rois.cpu(), g).to(features.device());
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx, torch::autograd::variable_list grads) {
    const auto rois = ctx->get_saved_variables()[0];
    const Geometry g{ctx->saved_data["pooled_h"].toInt(),         ctx->saved_data["pooled_w"].toInt(),
                     ctx->saved_data["spatial_scale"].toDouble(), ctx->saved_data["sampling_ratio"].toInt(),
                     ctx->saved_data["aligned"].toBool(),          ctx->saved_data["clockwise"].toBool()};
    const auto shape = ctx->saved_data["shape"].toIntVector();
    return {backward_kernel(grads[0].cpu(), rois.cpu(), shape, g).to(grads[0].device()), at::Tensor(), at::Tensor()};
  }
};

}  // namespace

GD_EXPORT TH gd_roi_align_rotated(TH features, TH rois, int64_t pooled_h, int64_t pooled_w, double spatial_scale, int64_t sampling_ratio,
                                  int32_t aligned, int32_t clockwise) {
  GD_TENSOR(([&] {
    const Geometry g{pooled_h, pooled_w, spatial_scale, sampling_ratio, aligned != 0, clockwise != 0};
    check_inputs(*features, *rois, g);
    return RoiAlignRotatedFunction::apply(*features, rois->detach(), g);
  }()));
}

