// Polygon geometry for evaluation and label conversion: DOTA_devkit's polygon IoU and the minimum-area
// rectangle of a polygon. Plain C++ on doubles.
#pragma once

#include <algorithm>
#include <cmath>
#include <utility>

#include "rotated_geometry.h"

namespace gd::polygon {

using gd::rotated::Pt;
using gd::rotated::cross;

// DOTA_devkit's polyiou decides signs with a 1e-8 dead band; the evaluation's IoU > 0.5 test depends on
// its exact arithmetic on degenerate polygons, so the same tolerance and the same decomposition are kept.
constexpr double kEps = 1e-8;
inline int sign(double d) { return (d > kEps) - (d < -kEps); }
inline bool same_point(Pt a, Pt b) { return sign(a.x - b.x) == 0 && sign(a.y - b.y) == 0; }
inline double cross3(Pt o, Pt a, Pt b) { return cross(a - o, b - o); }

inline double signed_area(const Pt* p, int n) {
  double s = 0;
  for (int i = 0; i < n; ++i) s += p[i].x * p[(i + 1) % n].y - p[i].y * p[(i + 1) % n].x;
  return s / 2;
}

// Keeps the part of polygon p (n vertices, in place) strictly left of the directed line a->b.
// Capacity of p and scratch: 16 (a triangle clipped three times stays far below).
inline void keep_left_of(Pt* p, int& n, Pt a, Pt b, Pt* scratch) {
  int m = 0;
  for (int i = 0; i < n; ++i) {
    const Pt cur = p[i], nxt = p[(i + 1) % n];
    const int sc = sign(cross3(a, b, cur)), sn = sign(cross3(a, b, nxt));
    if (sc > 0) scratch[m++] = cur;
    if (sc != sn) {
      const double s1 = cross3(a, b, cur), s2 = cross3(a, b, nxt);
      // The reference leaves the crossing point unset when the edge is (numerically) parallel to the line;
      // the edge's end is the nearest defined choice.
      scratch[m++] = sign(s2 - s1) == 0 ? nxt : Pt{(cur.x * s2 - nxt.x * s1) / (s2 - s1), (cur.y * s2 - nxt.y * s1) / (s2 - s1)};
    }
  }
  n = 0;
  for (int i = 0; i < m; ++i)
    if (i == 0 || !same_point(scratch[i], scratch[i - 1])) p[n++] = scratch[i];
  while (n > 1 && same_point(p[n - 1], p[0])) --n;
}

// Signed intersection area of the origin triangles (o, a, b) and (o, c, d).
inline double origin_triangles_overlap(Pt a, Pt b, Pt c, Pt d) {
  const Pt o{0, 0};
  const int s1 = sign(cross3(o, a, b)), s2 = sign(cross3(o, c, d));
  if (s1 == 0 || s2 == 0) return 0.0;
  if (s1 < 0) std::swap(a, b);
  if (s2 < 0) std::swap(c, d);
  Pt p[16] = {o, a, b};
  Pt scratch[16];
  int n = 3;
  keep_left_of(p, n, o, c, scratch);
  keep_left_of(p, n, c, d, scratch);
  keep_left_of(p, n, d, o, scratch);
  const double area = std::fabs(signed_area(p, n));
  return s1 * s2 < 0 ? -area : area;
}

// IoU of two quadrilaterals as DOTA_devkit's polyiou computes it: the intersection is the sum of signed
// overlaps of the fans from the origin, which handles non-convex simple polygons too.
inline double dota_polygon_iou(const double* q1, const double* q2) {
  Pt a[4], b[4];
  for (int i = 0; i < 4; ++i) {
    a[i] = {q1[2 * i], q1[2 * i + 1]};
    b[i] = {q2[2 * i], q2[2 * i + 1]};
  }
  if (signed_area(a, 4) < 0) std::reverse(a, a + 4);
  if (signed_area(b, 4) < 0) std::reverse(b, b + 4);
  double inter = 0;
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) inter += origin_triangles_overlap(a[i], a[(i + 1) % 4], b[j], b[(j + 1) % 4]);
  const double uni = std::fabs(signed_area(a, 4)) + std::fabs(signed_area(b, 4)) - inter;
  return inter / uni;
}

// Minimum-area enclosing rectangle of n points (n <= 16) as an obb (cx, cy, w, h, theta) in OBBDetection's
// convention: w the long side, theta in [-pi/2, pi/2) with the reference's pi = 3.141592. A square gets the
// representation with theta in [-pi/4, pi/4); all points equal give w = h = 0, theta = -pi/2 (as cv2 + the
// reference's normalisation do).
inline void min_area_rect(const Pt* pts, int n, double* obb) {
  // Convex hull (monotone chain), counter-clockwise in a y-up frame.
  Pt sorted[16], hull[34];
  std::copy(pts, pts + n, sorted);
  std::sort(sorted, sorted + n, [](Pt a, Pt b) { return a.x < b.x || (a.x == b.x && a.y < b.y); });
  int k = 0;
  for (int i = 0; i < n; ++i) {
    while (k >= 2 && cross(hull[k - 1] - hull[k - 2], sorted[i] - hull[k - 2]) <= 0) --k;
    hull[k++] = sorted[i];
  }
  for (int i = n - 2, lower = k + 1; i >= 0; --i) {
    while (k >= lower && cross(hull[k - 1] - hull[k - 2], sorted[i] - hull[k - 2]) <= 0) --k;
    hull[k++] = sorted[i];
  }
  const int m = std::max(1, k - 1);  // the last point repeats the first

  double best_area = -1, best_w = 0, best_h = 0, best_cx = pts[0].x, best_cy = pts[0].y;
  Pt best_u{1, 0};
  for (int e = 0; e < (m >= 2 ? m : 1); ++e) {
    Pt u{1, 0};
    if (m >= 2) {
      const Pt edge = hull[(e + 1) % m] - hull[e];
      const double len = std::hypot(edge.x, edge.y);
      if (len == 0) continue;
      u = edge * (1 / len);
    }
    const Pt v{-u.y, u.x};
    double umin = INFINITY, umax = -INFINITY, vmin = INFINITY, vmax = -INFINITY;
    for (int i = 0; i < m; ++i) {
      const double pu = gd::rotated::dot(hull[i], u), pv = gd::rotated::dot(hull[i], v);
      umin = std::min(umin, pu), umax = std::max(umax, pu), vmin = std::min(vmin, pv), vmax = std::max(vmax, pv);
    }
    const double area = (umax - umin) * (vmax - vmin);
    if (best_area < 0 || area < best_area) {
      best_area = area;
      const double cu = (umin + umax) / 2, cv = (vmin + vmax) / 2;
      best_cx = u.x * cu + v.x * cv;
      best_cy = u.y * cu + v.y * cv;
      best_w = umax - umin;
      best_h = vmax - vmin;
      best_u = u;
    }
  }
  // The long side becomes w; its direction (ux, uy) gives theta through w's axis (cos theta, -sin theta).
  if (best_h > best_w) {
    std::swap(best_w, best_h);
    best_u = {-best_u.y, best_u.x};
  }
  double theta;
  if (best_w == 0) {
    theta = gd::rotated::regular_theta(gd::rotated::kReferencePi / 2);
  } else {
    // The reference turns cv2's degrees into radians with pi = 3.141592; scale the same way so angles agree.
    theta = gd::rotated::regular_theta(std::atan2(-best_u.y, best_u.x) * (gd::rotated::kReferencePi / M_PI));
    // A square has two representations; keep the one nearer 0 (an axis-aligned square gets 0, as with cv2).
    if (best_w - best_h <= 1e-9 * best_w) {
      if (theta >= gd::rotated::kReferencePi / 4) theta -= gd::rotated::kReferencePi / 2;
      else if (theta < -gd::rotated::kReferencePi / 4) theta += gd::rotated::kReferencePi / 2;
    }
  }
  obb[0] = best_cx;
  obb[1] = best_cy;
  obb[2] = best_w;
  obb[3] = best_h;
  obb[4] = theta;
}

}  // namespace gd::polygon
