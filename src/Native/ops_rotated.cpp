// Rotated-box ops on the CPU: rotated IoU, rotated and horizontal NMS (plain and per class), DOTA polygon
// IoU, obb <-> polygon conversions. Conventions and what each op matches: docs/rotated-ops.md.
// Inputs may live on any device; the work happens on the CPU and results go back to the input's device.
#include <ATen/Parallel.h>

#include <algorithm>
#include <numeric>
#include <vector>

#include "common.h"
#include "polygon_geometry.h"
#include "rotated_geometry.h"

namespace {

// A [N, columns] floating tensor as contiguous CPU doubles.
at::Tensor rows_as_double(const at::Tensor& t, int64_t columns, const char* name) {
  TORCH_CHECK(t.dim() == 2 && t.size(1) == columns, name, " must be [N, ", columns, "], got ", t.sizes());
  TORCH_CHECK(at::isFloatingType(t.scalar_type()), name, " must be a floating tensor, got ", t.scalar_type());
  return t.detach().to(at::kCPU, at::kDouble).contiguous();
}

at::Tensor vector_as_double(const at::Tensor& t, int64_t n, const char* name) {
  TORCH_CHECK(t.dim() == 1 && t.size(0) == n, name, " must be [", n, "], got ", t.sizes());
  return t.detach().to(at::kCPU, at::kDouble).contiguous();
}

// Indices by descending score; equal scores keep their input order (the reference's sort is unstable
// there, so ties are the one place results may legitimately differ).
std::vector<int64_t> descending_order(const double* scores, int64_t n) {
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return scores[a] > scores[b]; });
  return order;
}

// Greedy NMS over `order`: a kept box suppresses every later box for which suppresses(kept, later) holds.
// The kept indices come out in descending score order.
template <typename Suppresses>
at::Tensor greedy_nms(const std::vector<int64_t>& order, Suppresses suppresses, const at::Device& device) {
  const int64_t n = static_cast<int64_t>(order.size());
  std::vector<uint8_t> suppressed(n, 0);
  std::vector<int64_t> keep;
  for (int64_t a = 0; a < n; ++a) {
    if (suppressed[a]) continue;
    const int64_t i = order[a];
    keep.push_back(i);
    for (int64_t b = a + 1; b < n; ++b)
      if (!suppressed[b] && suppresses(i, order[b])) suppressed[b] = 1;
  }
  return at::tensor(keep, at::kLong).to(device);
}

// Labels as contiguous CPU int64 (nullptr-free: a missing label tensor means "one class").
at::Tensor labels_of(const at::Tensor& labels, int64_t n) {
  TORCH_CHECK(labels.dim() == 1 && labels.size(0) == n, "labels must be [", n, "], got ", labels.sizes());
  TORCH_CHECK(!at::isFloatingType(labels.scalar_type()), "labels must be an integer tensor, got ", labels.scalar_type());
  return labels.detach().to(at::kCPU, at::kLong).contiguous();
}

// mmcv/OBBDetection rotated NMS suppresses at IoU >= threshold.
at::Tensor nms_rotated(const at::Tensor& boxes, const at::Tensor& scores, const at::Tensor* labels, double threshold) {
  const auto b = rows_as_double(boxes, 5, "boxes");
  const int64_t n = b.size(0);
  const auto s = vector_as_double(scores, n, "scores");
  const auto l = labels ? labels_of(*labels, n) : at::Tensor();
  const double* bp = b.data_ptr<double>();
  const int64_t* lp = labels ? l.data_ptr<int64_t>() : nullptr;
  return greedy_nms(
      descending_order(s.data_ptr<double>(), n),
      [&](int64_t i, int64_t j) {
        if (lp && lp[i] != lp[j]) return false;
        return gd::rotated::rotated_iou(bp + 5 * i, bp + 5 * j) >= threshold;
      },
      boxes.device());
}

// mmdet's horizontal NMS: areas without the +1 of old VOC code, suppression at IoU > threshold.
at::Tensor nms_horizontal(const at::Tensor& boxes, const at::Tensor& scores, const at::Tensor* labels, double threshold) {
  const auto b = rows_as_double(boxes, 4, "boxes");
  const int64_t n = b.size(0);
  const auto s = vector_as_double(scores, n, "scores");
  const auto l = labels ? labels_of(*labels, n) : at::Tensor();
  const double* bp = b.data_ptr<double>();
  const int64_t* lp = labels ? l.data_ptr<int64_t>() : nullptr;
  return greedy_nms(
      descending_order(s.data_ptr<double>(), n),
      [&](int64_t i, int64_t j) {
        if (lp && lp[i] != lp[j]) return false;
        const double* p = bp + 4 * i;
        const double* q = bp + 4 * j;
        const double w = std::max(0.0, std::min(p[2], q[2]) - std::max(p[0], q[0]));
        const double h = std::max(0.0, std::min(p[3], q[3]) - std::max(p[1], q[1]));
        const double inter = w * h;
        const double uni = (p[2] - p[0]) * (p[3] - p[1]) + (q[2] - q[0]) * (q[3] - q[1]) - inter;
        return inter / uni > threshold;
      },
      boxes.device());
}

// An N x M (or, aligned, N) table of pairwise values, filled in parallel over rows, in `like`'s dtype/device.
template <typename Pair>
at::Tensor pairwise(const at::Tensor& a, const at::Tensor& b, int64_t width, bool aligned, const at::Tensor& like, Pair pair) {
  const int64_t n = a.size(0), m = b.size(0);
  if (aligned) TORCH_CHECK(n == m, "aligned IoU needs as many boxes in both sets, got ", n, " and ", m);
  auto out = at::empty(aligned ? std::vector<int64_t>{n} : std::vector<int64_t>{n, m}, at::kDouble);
  const double* ap = a.data_ptr<double>();
  const double* bp = b.data_ptr<double>();
  double* op = out.data_ptr<double>();
  at::parallel_for(0, n, 16, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      if (aligned) {
        op[i] = pair(ap + width * i, bp + width * i);
      } else {
        for (int64_t j = 0; j < m; ++j) op[i * m + j] = pair(ap + width * i, bp + width * j);
      }
    }
  });
  return out.to(like.device(), like.scalar_type());
}

}  // namespace

GD_EXPORT TH gd_box_iou_rotated(TH boxes1, TH boxes2, int32_t aligned) {
  GD_TENSOR(pairwise(rows_as_double(*boxes1, 5, "boxes1"), rows_as_double(*boxes2, 5, "boxes2"), 5, aligned != 0, *boxes1,
                     [](const double* p, const double* q) { return gd::rotated::rotated_iou(p, q); }));
}

GD_EXPORT TH gd_nms_rotated(TH boxes, TH scores, TH labels, double iou_threshold) {
  GD_TENSOR(nms_rotated(*boxes, *scores, labels, iou_threshold));
}

GD_EXPORT TH gd_nms(TH boxes, TH scores, TH labels, double iou_threshold) {
  GD_TENSOR(nms_horizontal(*boxes, *scores, labels, iou_threshold));
}

// Always float64 out: the DOTA evaluation compares IoUs with 0.5 in double precision.
GD_EXPORT TH gd_polygon_iou(TH polygons1, TH polygons2) {
  GD_TENSOR(pairwise(rows_as_double(*polygons1, 8, "polygons1"), rows_as_double(*polygons2, 8, "polygons2"), 8, false,
                     polygons1->to(at::kDouble),
                     [](const double* p, const double* q) { return gd::polygon::dota_polygon_iou(p, q); }));
}

// Tensor arithmetic (not a loop) so the conversion keeps its input's dtype, device and autograd history.
GD_EXPORT TH gd_obb_to_polygon(TH obb) {
  GD_TENSOR(([&] {
    const auto& t = *obb;
    TORCH_CHECK(t.dim() == 2 && t.size(1) == 5, "obb boxes must be [N, 5], got ", t.sizes());
    const auto cx = t.select(1, 0), cy = t.select(1, 1), half_w = t.select(1, 2) / 2, half_h = t.select(1, 3) / 2;
    const auto c = at::cos(t.select(1, 4)), s = at::sin(t.select(1, 4));
    const auto v1x = half_w * c, v1y = -half_w * s;
    const auto v2x = -half_h * s, v2y = -half_h * c;
    return at::stack({cx + v1x + v2x, cy + v1y + v2y, cx + v1x - v2x, cy + v1y - v2y, cx - v1x - v2x, cy - v1y - v2y, cx - v1x + v2x,
                      cy - v1y + v2y},
                     1);
  }()));
}

GD_EXPORT TH gd_polygon_to_obb(TH polygons) {
  GD_TENSOR(([&] {
    const auto p = rows_as_double(*polygons, 8, "polygons");
    const int64_t n = p.size(0);
    auto out = at::empty({n, 5}, at::kDouble);
    const double* pp = p.data_ptr<double>();
    double* op = out.data_ptr<double>();
    at::parallel_for(0, n, 64, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        gd::rotated::Pt corners[4];
        // BboxToolkit hands cv2.minAreaRect float32 corners: round the same way before measuring.
        for (int k = 0; k < 4; ++k) corners[k] = {(double)(float)pp[8 * i + 2 * k], (double)(float)pp[8 * i + 2 * k + 1]};
        gd::polygon::min_area_rect(corners, 4, op + 5 * i);
      }
    });
    return out.to(polygons->device(), polygons->scalar_type());
  }()));
}
