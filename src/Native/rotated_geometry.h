// Plane geometry behind the rotated-box ops (ops_rotated.cpp). Plain C++, no ATen: every function works on
// doubles so float32 inputs lose nothing to the intermediate arithmetic.
//
// Conventions (OBBDetection's `obb`, see docs/rotated-ops.md): a box is (cx, cy, w, h, theta) in image
// coordinates (y down); the w side points along (cos theta, -sin theta), the h side along (-sin theta, -cos theta).
#pragma once

#include <algorithm>
#include <cmath>

namespace gd::rotated {

struct Pt {
  double x, y;
};

inline Pt operator-(Pt a, Pt b) { return {a.x - b.x, a.y - b.y}; }
inline Pt operator+(Pt a, Pt b) { return {a.x + b.x, a.y + b.y}; }
inline Pt operator*(Pt a, double s) { return {a.x * s, a.y * s}; }
inline double cross(Pt a, Pt b) { return a.x * b.y - a.y * b.x; }
inline double dot(Pt a, Pt b) { return a.x * b.x + a.y * b.y; }

// BboxToolkit/OBBDetection write pi as 3.141592; polygon -> obb normalises the angle with it so that
// boxes near theta = -pi/2 land on the same side of the range as the reference's.
constexpr double kReferencePi = 3.141592;

// The four corners in BboxToolkit's obb2poly order: c+v1+v2, c+v1-v2, c-v1-v2, c-v1+v2.
inline void obb_corners(double cx, double cy, double w, double h, double theta, Pt out[4]) {
  const double c = std::cos(theta), s = std::sin(theta);
  const Pt v1{w / 2 * c, -w / 2 * s};
  const Pt v2{-h / 2 * s, -h / 2 * c};
  const Pt ctr{cx, cy};
  out[0] = ctr + v1 + v2;
  out[1] = ctr + v1 - v2;
  out[2] = ctr - v1 - v2;
  out[3] = ctr - v1 + v2;
}

// Twice the signed area (shoelace); positive for counter-clockwise order in a y-up frame.
inline double twice_signed_area(const Pt* p, int n) {
  double s = 0;
  for (int i = 0; i < n; ++i) s += cross(p[i], p[(i + 1) % n]);
  return s;
}

// Area of the intersection of two convex polygons (up to 4 vertices each; any orientation), by clipping
// `subject` against every edge of `clip` (Sutherland-Hodgman). Exact up to rounding; touching or disjoint
// polygons give 0.
inline double convex_intersection_area(const Pt* subject, int ns, const Pt* clip, int nc) {
  const double orientation = twice_signed_area(clip, nc) >= 0 ? 1.0 : -1.0;
  // Each clip edge adds at most one vertex: 4 + 4 fits in 8; the buffers leave headroom.
  Pt a[16], b[16];
  int na = ns;
  for (int i = 0; i < ns; ++i) a[i] = subject[i];
  for (int e = 0; e < nc && na > 0; ++e) {
    const Pt p0 = clip[e], p1 = clip[(e + 1) % nc];
    const Pt edge = p1 - p0;
    int nb = 0;
    for (int i = 0; i < na; ++i) {
      const Pt cur = a[i], nxt = a[(i + 1) % na];
      const double dc = orientation * cross(edge, cur - p0);
      const double dn = orientation * cross(edge, nxt - p0);
      if (dc >= 0) b[nb++] = cur;
      if ((dc >= 0) != (dn >= 0)) b[nb++] = cur + (nxt - cur) * (dc / (dc - dn));
    }
    na = nb;
    for (int i = 0; i < nb; ++i) a[i] = b[i];
  }
  return na < 3 ? 0.0 : std::fabs(twice_signed_area(a, na)) / 2;
}

// IoU of two obb boxes. Centres are shifted to their midpoint first (as detectron2/mmcv do) so large image
// coordinates do not eat the precision of the corner arithmetic; boxes of (near) zero area give 0.
inline double rotated_iou(const double* b1, const double* b2) {
  const double area1 = b1[2] * b1[3], area2 = b2[2] * b2[3];
  if (area1 < 1e-14 || area2 < 1e-14) return 0.0;
  const double sx = (b1[0] + b2[0]) / 2, sy = (b1[1] + b2[1]) / 2;
  Pt p1[4], p2[4];
  obb_corners(b1[0] - sx, b1[1] - sy, b1[2], b1[3], b1[4], p1);
  obb_corners(b2[0] - sx, b2[1] - sy, b2[2], b2[3], b2[4], p2);
  const double inter = convex_intersection_area(p1, 4, p2, 4);
  return inter / (area1 + area2 - inter);
}

// The reference's normalisation of an angle into [-pi/2, pi/2) with pi = 3.141592 (python's %, never negative).
inline double regular_theta(double theta) {
  const double start = -kReferencePi / 2;
  double t = std::fmod(theta - start, kReferencePi);
  if (t < 0) t += kReferencePi;
  return t + start;
}

}  // namespace gd::rotated
