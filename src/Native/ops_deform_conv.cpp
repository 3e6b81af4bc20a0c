// Deformable convolution v1 (Dai et al. 2017), CPU, with its own backward wired into autograd.
//
// Semantics follow torchvision.ops.deform_conv2d and the mmcv-style DCN that LIT's DeformConv2dPack calls:
//  - offset is [B, 2 * dg * kh * kw, Ho, Wo]; for deformable group g and kernel tap k = i * kw + j the
//    channel 2 * (g * kh * kw + k) holds the row (y) shift and the next channel the column (x) shift;
//  - tap (i, j) of output (ho, wo) samples y = ho * sh - ph + i * dh + dy, x = wo * sw - pw + j * dw + dx;
//  - bilinear sampling: a point with y <= -1, y >= H, x <= -1 or x >= W reads 0; otherwise each of the four
//    corners contributes only when it lies inside the image (zero padding outside);
//  - input channel c belongs to deformable group c / (C / dg); weight groups work as in an ordinary conv.
// The kernels are plain loops over an im2col buffer: forward = per-sample matmul with the sampled columns,
// backward = the transposed matmuls plus a bilinear scatter (input) and a corner-difference gather (offsets).
//
// Devices: there is only a CPU kernel. Tensors on another device (CUDA) are computed on CPU copies and every
// result, forward and backward, goes back to the device of the tensor it belongs to, so a CUDA model runs
// (slowly: two transfers per call) instead of failing. For CPU tensors `.cpu()` is the tensor itself: no copy.
#include "common.h"

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>

#include <cmath>

namespace {

struct DeformGeometry {
  int64_t batch, channels, height, width;
  int64_t out_channels, kh, kw;
  int64_t sh, sw, ph, pw, dh, dw;
  int64_t groups, deform_groups;
  int64_t out_h, out_w;
};

DeformGeometry geometry(const at::Tensor& input, const at::Tensor& offset, const at::Tensor& weight, at::IntArrayRef stride,
                        at::IntArrayRef padding, at::IntArrayRef dilation, int64_t groups, int64_t deform_groups) {
  TORCH_CHECK(input.dim() == 4, "deform_conv2d: input must be [B, C, H, W], got ", input.sizes());
  TORCH_CHECK(weight.dim() == 4, "deform_conv2d: weight must be [Cout, C/groups, kh, kw], got ", weight.sizes());
  TORCH_CHECK(offset.dim() == 4, "deform_conv2d: offset must be [B, 2*dg*kh*kw, Ho, Wo], got ", offset.sizes());
  TORCH_CHECK(groups >= 1 && deform_groups >= 1, "deform_conv2d: groups and deformable groups must be positive");
  TORCH_CHECK(offset.device() == input.device() && weight.device() == input.device(), "deform_conv2d: input (", input.device(),
              "), offset (", offset.device(), ") and weight (", weight.device(), ") must be on one device");
  DeformGeometry g{};
  g.batch = input.size(0);
  g.channels = input.size(1);
  g.height = input.size(2);
  g.width = input.size(3);
  g.out_channels = weight.size(0);
  g.kh = weight.size(2);
  g.kw = weight.size(3);
  g.sh = stride[0], g.sw = stride[1], g.ph = padding[0], g.pw = padding[1], g.dh = dilation[0], g.dw = dilation[1];
  g.groups = groups;
  g.deform_groups = deform_groups;
  g.out_h = (g.height + 2 * g.ph - g.dh * (g.kh - 1) - 1) / g.sh + 1;
  g.out_w = (g.width + 2 * g.pw - g.dw * (g.kw - 1) - 1) / g.sw + 1;
  TORCH_CHECK(g.out_h > 0 && g.out_w > 0, "deform_conv2d: input ", input.sizes(), " is smaller than the kernel");
  TORCH_CHECK(g.channels % groups == 0 && g.out_channels % groups == 0, "deform_conv2d: channels not divisible by groups ", groups);
  TORCH_CHECK(weight.size(1) * groups == g.channels, "deform_conv2d: weight expects ", weight.size(1) * groups, " input channels, got ",
              g.channels);
  TORCH_CHECK(g.channels % deform_groups == 0, "deform_conv2d: channels not divisible by deformable groups ", deform_groups);
  TORCH_CHECK(offset.size(0) == g.batch && offset.size(1) == 2 * deform_groups * g.kh * g.kw && offset.size(2) == g.out_h &&
                  offset.size(3) == g.out_w,
              "deform_conv2d: offset must be [", g.batch, ", ", 2 * deform_groups * g.kh * g.kw, ", ", g.out_h, ", ", g.out_w, "], got ",
              offset.sizes());
  return g;
}

// Whether a sample at (y, x) touches the plane. Written so that NaN (a diverged offset) is outside, as in mmcv's
// kernels: the negated form let NaN through to floor() and an out-of-bounds read or write.
template <typename T>
bool touches(T y, T x, int64_t height, int64_t width) {
  return y > -1 && y < height && x > -1 && x < width;
}

template <typename T>
T bilinear(const T* plane, int64_t height, int64_t width, T y, T x) {
  if (!touches(y, x, height, width)) return 0;
  int64_t y0 = static_cast<int64_t>(std::floor(y)), x0 = static_cast<int64_t>(std::floor(x));
  int64_t y1 = y0 + 1, x1 = x0 + 1;
  T ly = y - y0, lx = x - x0, hy = 1 - ly, hx = 1 - lx;
  T v00 = (y0 >= 0 && x0 >= 0) ? plane[y0 * width + x0] : 0;
  T v01 = (y0 >= 0 && x1 < width) ? plane[y0 * width + x1] : 0;
  T v10 = (y1 < height && x0 >= 0) ? plane[y1 * width + x0] : 0;
  T v11 = (y1 < height && x1 < width) ? plane[y1 * width + x1] : 0;
  return hy * hx * v00 + hy * lx * v01 + ly * hx * v10 + ly * lx * v11;
}

// Columns [C * kh * kw, Ho * Wo] of one sample: the bilinear samples every output position multiplies.
template <typename T>
void im2col(const T* input, const T* offset, const DeformGeometry& g, T* columns) {
  const int64_t plane = g.out_h * g.out_w, taps = g.kh * g.kw, per_group = g.channels / g.deform_groups;
  at::parallel_for(0, g.channels, 1, [&](int64_t begin, int64_t end) {
    for (int64_t c = begin; c < end; ++c) {
      const T* image = input + c * g.height * g.width;
      const T* group_offset = offset + (c / per_group) * 2 * taps * plane;
      for (int64_t k = 0; k < taps; ++k) {
        const int64_t i = k / g.kw, j = k % g.kw;
        const T* oy = group_offset + 2 * k * plane;
        const T* ox = oy + plane;
        T* col = columns + (c * taps + k) * plane;
        for (int64_t ho = 0; ho < g.out_h; ++ho)
          for (int64_t wo = 0; wo < g.out_w; ++wo) {
            const int64_t p = ho * g.out_w + wo;
            T y = static_cast<T>(ho * g.sh - g.ph + i * g.dh) + oy[p];
            T x = static_cast<T>(wo * g.sw - g.pw + j * g.dw) + ox[p];
            col[p] = bilinear(image, g.height, g.width, y, x);
          }
      }
    }
  });
}

// Scatters column gradients back onto the input through the same bilinear weights. Parallel over channels:
// a channel only ever writes into its own plane.
template <typename T>
void col2im(const T* grad_columns, const T* offset, const DeformGeometry& g, T* grad_input) {
  const int64_t plane = g.out_h * g.out_w, taps = g.kh * g.kw, per_group = g.channels / g.deform_groups;
  at::parallel_for(0, g.channels, 1, [&](int64_t begin, int64_t end) {
    for (int64_t c = begin; c < end; ++c) {
      T* image = grad_input + c * g.height * g.width;
      const T* group_offset = offset + (c / per_group) * 2 * taps * plane;
      for (int64_t k = 0; k < taps; ++k) {
        const int64_t i = k / g.kw, j = k % g.kw;
        const T* oy = group_offset + 2 * k * plane;
        const T* ox = oy + plane;
        const T* col = grad_columns + (c * taps + k) * plane;
        for (int64_t ho = 0; ho < g.out_h; ++ho)
          for (int64_t wo = 0; wo < g.out_w; ++wo) {
            const int64_t p = ho * g.out_w + wo;
            T y = static_cast<T>(ho * g.sh - g.ph + i * g.dh) + oy[p];
            T x = static_cast<T>(wo * g.sw - g.pw + j * g.dw) + ox[p];
            if (!touches(y, x, g.height, g.width)) continue;
            int64_t y0 = static_cast<int64_t>(std::floor(y)), x0 = static_cast<int64_t>(std::floor(x));
            T ly = y - y0, lx = x - x0, hy = 1 - ly, hx = 1 - lx, grad = col[p];
            if (y0 >= 0 && x0 >= 0) image[y0 * g.width + x0] += hy * hx * grad;
            if (y0 >= 0 && x0 + 1 < g.width) image[y0 * g.width + x0 + 1] += hy * lx * grad;
            if (y0 + 1 < g.height && x0 >= 0) image[(y0 + 1) * g.width + x0] += ly * hx * grad;
            if (y0 + 1 < g.height && x0 + 1 < g.width) image[(y0 + 1) * g.width + x0 + 1] += ly * lx * grad;
          }
      }
    }
  });
}

// d(sample)/d(offset) summed over the channels of each deformable group. Parallel over (group, tap):
// each writes its own two offset planes.
template <typename T>
void col2offset(const T* grad_columns, const T* input, const T* offset, const DeformGeometry& g, T* grad_offset) {
  const int64_t plane = g.out_h * g.out_w, taps = g.kh * g.kw, per_group = g.channels / g.deform_groups;
  at::parallel_for(0, g.deform_groups * taps, 1, [&](int64_t begin, int64_t end) {
    for (int64_t gk = begin; gk < end; ++gk) {
      const int64_t dg = gk / taps, k = gk % taps, i = k / g.kw, j = k % g.kw;
      const T* oy = offset + (dg * taps + k) * 2 * plane;
      const T* ox = oy + plane;
      T* gy = grad_offset + (dg * taps + k) * 2 * plane;
      T* gx = gy + plane;
      for (int64_t c = dg * per_group; c < (dg + 1) * per_group; ++c) {
        const T* image = input + c * g.height * g.width;
        const T* col = grad_columns + (c * taps + k) * plane;
        for (int64_t ho = 0; ho < g.out_h; ++ho)
          for (int64_t wo = 0; wo < g.out_w; ++wo) {
            const int64_t p = ho * g.out_w + wo;
            T y = static_cast<T>(ho * g.sh - g.ph + i * g.dh) + oy[p];
            T x = static_cast<T>(wo * g.sw - g.pw + j * g.dw) + ox[p];
            if (!touches(y, x, g.height, g.width)) continue;
            int64_t y0 = static_cast<int64_t>(std::floor(y)), x0 = static_cast<int64_t>(std::floor(x));
            int64_t y1 = y0 + 1, x1 = x0 + 1;
            T ly = y - y0, lx = x - x0;
            T v00 = (y0 >= 0 && x0 >= 0) ? image[y0 * g.width + x0] : 0;
            T v01 = (y0 >= 0 && x1 < g.width) ? image[y0 * g.width + x1] : 0;
            T v10 = (y1 < g.height && x0 >= 0) ? image[y1 * g.width + x0] : 0;
            T v11 = (y1 < g.height && x1 < g.width) ? image[y1 * g.width + x1] : 0;
            gy[p] += col[p] * ((1 - lx) * (v10 - v00) + lx * (v11 - v01));
            gx[p] += col[p] * ((1 - ly) * (v01 - v00) + ly * (v11 - v10));
          }
      }
    }
  });
}

// The bias is added outside (plain autograd): an undefined optional input trips libtorch 1.13's custom-function checks.
// weight [Cout, C/g, kh, kw] viewed as [g, Cout/g, C/g*kh*kw]; columns [C*kh*kw, P] viewed as [g, C/g*kh*kw, P].
at::Tensor grouped_weight(const at::Tensor& weight, int64_t groups) { return weight.reshape({groups, weight.size(0) / groups, -1}); }

at::Tensor forward_impl(const at::Tensor& input_, const at::Tensor& offset_, const at::Tensor& weight_, at::IntArrayRef stride, at::IntArrayRef padding, at::IntArrayRef dilation, int64_t groups, int64_t deform_groups) {
  auto g = geometry(input_, offset_, weight_, stride, padding, dilation, groups, deform_groups);
  auto input = input_.cpu().contiguous(), offset = offset_.cpu().contiguous().to(input.scalar_type());
  auto weight = grouped_weight(weight_.cpu().contiguous(), groups);
  const int64_t plane = g.out_h * g.out_w, rows = g.channels * g.kh * g.kw;
  auto output = at::empty({g.batch, g.out_channels, g.out_h, g.out_w}, input.options());
  auto columns = at::empty({rows, plane}, input.options());
  for (int64_t b = 0; b < g.batch; ++b) {
    AT_DISPATCH_FLOATING_TYPES(input.scalar_type(), "deform_conv2d_im2col", [&] {
      im2col<scalar_t>(input[b].data_ptr<scalar_t>(), offset[b].data_ptr<scalar_t>(), g, columns.data_ptr<scalar_t>());
    });
    auto out = at::bmm(weight, columns.view({groups, rows / groups, plane}));
    output[b].copy_(out.view({g.out_channels, g.out_h, g.out_w}));
  }
  return output;
}

struct DeformConv2dFunction : public torch::autograd::Function<DeformConv2dFunction> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& input, const at::Tensor& offset,
                            const at::Tensor& weight, std::vector<int64_t> stride, std::vector<int64_t> padding,
                            std::vector<int64_t> dilation, int64_t groups, int64_t deform_groups) {
    ctx->save_for_backward({input, offset, weight});
    ctx->saved_data["stride"] = stride;
    ctx->saved_data["padding"] = padding;
    ctx->saved_data["dilation"] = dilation;
    ctx->saved_data["groups"] = groups;
    ctx->saved_data["deform_groups"] = deform_groups;
    return forward_impl(input, offset, weight, stride, padding, dilation, groups, deform_groups).to(input.device());
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx, torch::autograd::variable_list grads) {
    auto saved = ctx->get_saved_variables();
    auto input = saved[0].cpu().contiguous(), offset = saved[1].cpu().contiguous().to(input.scalar_type()), weight_ = saved[2].cpu();
    auto stride = ctx->saved_data["stride"].toIntVector(), padding = ctx->saved_data["padding"].toIntVector(),
         dilation = ctx->saved_data["dilation"].toIntVector();
    const int64_t groups = ctx->saved_data["groups"].toInt(), deform_groups = ctx->saved_data["deform_groups"].toInt();
    auto g = geometry(input, offset, weight_, stride, padding, dilation, groups, deform_groups);
    auto grad_output = grads[0].cpu().contiguous();
    auto weight = grouped_weight(weight_.contiguous(), groups);
    const int64_t plane = g.out_h * g.out_w, rows = g.channels * g.kh * g.kw;

    auto grad_input = at::zeros_like(input);
    auto grad_offset = at::zeros_like(offset);
    auto grad_weight = at::zeros_like(weight);
    auto columns = at::empty({rows, plane}, input.options());
    for (int64_t b = 0; b < g.batch; ++b) {
      auto go = grad_output[b].reshape({groups, g.out_channels / groups, plane});
      auto grad_columns = at::bmm(weight.transpose(1, 2), go).reshape({rows, plane}).contiguous();
      AT_DISPATCH_FLOATING_TYPES(input.scalar_type(), "deform_conv2d_backward", [&] {
        const scalar_t* in = input[b].data_ptr<scalar_t>();
        const scalar_t* off = offset[b].data_ptr<scalar_t>();
        col2im<scalar_t>(grad_columns.data_ptr<scalar_t>(), off, g, grad_input[b].data_ptr<scalar_t>());
        col2offset<scalar_t>(grad_columns.data_ptr<scalar_t>(), in, off, g, grad_offset[b].data_ptr<scalar_t>());
        im2col<scalar_t>(in, off, g, columns.data_ptr<scalar_t>());
      });
      grad_weight.add_(at::bmm(go, columns.view({groups, rows / groups, plane}).transpose(1, 2)));
    }
    // each gradient on its input's device, in its input's dtype
    return {grad_input.to(saved[0].device()), grad_offset.to(saved[1].device(), saved[1].scalar_type()),
            grad_weight.view(weight_.sizes()).to(saved[2].device()), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

}  // namespace

// Two-element (h, w) arrays for stride/padding/dilation; bias may be null.
GD_EXPORT TH gd_deform_conv2d(TH input, TH offset, TH weight, TH bias, const int64_t* stride, const int64_t* padding,
                              const int64_t* dilation, int64_t groups, int64_t deform_groups) {
  GD_TENSOR(([&] {
    auto out = DeformConv2dFunction::apply(*input, *offset, *weight, std::vector<int64_t>(stride, stride + 2),
                                           std::vector<int64_t>(padding, padding + 2), std::vector<int64_t>(dilation, dilation + 2), groups,
                                           deform_groups);
    return bias ? out + bias->view({1, -1, 1, 1}) : out;
  }()));
}
