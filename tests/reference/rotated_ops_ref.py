#!/usr/bin/python3
"""Op-level parity fixture for GeoDense's rotated-box ops (src/Native/ops_rotated.cpp, roi_align_rotated.cpp).

The expected values come from the reference kernels themselves, compiled here with torch.utils.cpp_extension:
  - OBBDetection's CPU kernels box_iou_rotated and nms_rotated (what the LeMeViT detector ran; mmcv's
    equivalents agree once the angle's sign is flipped, which is asserted here),
  - mmcv's roi_align_rotated (forward and backward), asserted equal to OBBDetection's own kernel at clockwise=False,
  - DOTA_devkit's polyiou (the official evaluation's polygon IoU),
  - torchvision.ops.roi_align for the angle-0 RoIs (axis-aligned RoIAlign).
Their sources are read from the fetched repositories at build time (a checkout or a bare git dir; HEAD is read)
and compiled in a temporary folder: nothing of theirs is copied into this repository.

  - BboxToolkit's poly2obb (cv2.minAreaRect + regular_obb, pi = 3.141592), its functions taken from the fetched
    repository's source (python3-opencv needed).

Usage: /usr/bin/python3 tests/reference/rotated_ops_ref.py MMCV_REPO OBBDETECTION_REPO DOTA_DEVKIT_REPO BBOXTOOLKIT_REPO OUT_DIR
Writes OUT_DIR/{io.safetensors, meta.json}. Needs Debian's python3-torch 1.13 + python3-torchvision, g++, ninja.
"""
import json, math, os, struct, subprocess, sys, tempfile
import numpy as np
import torch
import torchvision
from torch.utils.cpp_extension import load

SEED = 20261128


def read_source(repo, path):
    if os.path.isfile(os.path.join(repo, path)):
        with open(os.path.join(repo, path)) as f:
            return f.read()
    return subprocess.run(["git", "--git-dir", repo, "show", f"HEAD:{path}"], check=True, capture_output=True, text=True).stdout


def write_if_changed(target, text):
    # Unchanged files keep their timestamps, so a rerun does not recompile (minutes on a loaded machine).
    os.makedirs(os.path.dirname(target), exist_ok=True)
    if os.path.isfile(target):
        with open(target) as f:
            if f.read() == text:
                return
    with open(target, "w") as f:
        f.write(text)


def stage(repo, paths, root):
    for path in paths:
        write_if_changed(os.path.join(root, path), read_source(repo, path))


def build_extensions(mmcv, obbdet, devkit, work):
    stage(mmcv, ["mmcv/ops/csrc/common/box_iou_rotated_utils.hpp", "mmcv/ops/csrc/common/pytorch_cpp_helper.hpp",
                 "mmcv/ops/csrc/common/pytorch_device_registry.hpp", "mmcv/ops/csrc/pytorch/cpu/box_iou_rotated.cpp",
                 "mmcv/ops/csrc/pytorch/cpu/nms_rotated.cpp", "mmcv/ops/csrc/pytorch/cpu/roi_align_rotated.cpp"], work)
    stage(obbdet, ["mmdet/ops/roi_align_rotated/src/roi_align_rotated_cpu.cpp",
                   "mmdet/ops/box_iou_rotated/src/box_iou_rotated_cpu.cpp", "mmdet/ops/box_iou_rotated/src/box_iou_rotated_utils.h",
                   "mmdet/ops/nms_rotated/src/nms_rotated_cpu.cpp", "mmdet/ops/nms_rotated/src/box_iou_rotated_utils.h"], work)
    stage(devkit, ["polyiou.cpp"], work)
    # Glue: mmcv's files register themselves in mmcv's device registry; that registration is switched off and the
    # CPU entry points are called directly.
    mmcv_glue = os.path.join(work, "mmcv_glue.cpp")
    write_if_changed(mmcv_glue, """#include <torch/extension.h>
#include "pytorch_device_registry.hpp"
#undef REGISTER_DEVICE_IMPL
#define REGISTER_DEVICE_IMPL(key, device, value)
#include "pytorch/cpu/box_iou_rotated.cpp"
#include "pytorch/cpu/nms_rotated.cpp"
#include "pytorch/cpu/roi_align_rotated.cpp"
Tensor iou(Tensor a, Tensor b, bool aligned) {
  auto out = at::zeros({aligned ? a.size(0) : a.size(0) * b.size(0)}, a.options());
  box_iou_rotated_cpu(a, b, out, 0, aligned);
  return aligned ? out : out.view({a.size(0), b.size(0)});
}
Tensor roi_fwd(Tensor x, Tensor rois, int ph, int pw, double scale, int sr, bool aligned, bool cw) {
  auto out = at::zeros({rois.size(0), x.size(1), ph, pw}, x.options());
  roi_align_rotated_forward_cpu(x, rois, out, ph, pw, (float)scale, sr, aligned, cw);
  return out;
}
Tensor roi_bwd(Tensor g, Tensor rois, std::vector<int64_t> shape, int ph, int pw, double scale, int sr, bool aligned, bool cw) {
  auto out = at::zeros(shape, g.options());
  roi_align_rotated_backward_cpu(g, rois, out, ph, pw, (float)scale, sr, aligned, cw);
  return out;
}
PYBIND11_MODULE(TORCH_EXTENSION_NAME, m) {
  m.def("iou", &iou); m.def("nms", &nms_rotated_cpu); m.def("roi_fwd", &roi_fwd); m.def("roi_bwd", &roi_bwd);
}
""")
    obb_glue = os.path.join(work, "obbdet_glue.cpp")
    write_if_changed(obb_glue, """#include <torch/extension.h>
#include "mmdet/ops/roi_align_rotated/src/roi_align_rotated_cpu.cpp"
PYBIND11_MODULE(TORCH_EXTENSION_NAME, m) { m.def("roi_fwd", &ROIAlignRotated_forward_cpu); m.def("roi_bwd", &ROIAlignRotated_backward_cpu); }
""")
    # OBBDetection's IoU and NMS each carry a copy of the IoU header: namespaces keep the copies apart.
    boxes_glue = os.path.join(work, "obbdet_boxes_glue.cpp")
    write_if_changed(boxes_glue, """#include <torch/extension.h>
#include <algorithm>
#include <cassert>
#include <cmath>
namespace iou_ext {
#include "mmdet/ops/box_iou_rotated/src/box_iou_rotated_cpu.cpp"
}
namespace nms_ext {
#include "mmdet/ops/nms_rotated/src/nms_rotated_cpu.cpp"
}
PYBIND11_MODULE(TORCH_EXTENSION_NAME, m) { m.def("iou", &iou_ext::box_iou_rotated_cpu); m.def("nms", &nms_ext::nms_rotated_cpu); }
""")
    devkit_glue = os.path.join(work, "polyiou_glue.cpp")
    write_if_changed(devkit_glue, """#include <torch/extension.h>
#include <pybind11/stl.h>
#include "polyiou.cpp"
PYBIND11_MODULE(TORCH_EXTENSION_NAME, m) { m.def("iou_poly", &iou_poly); }
""")
    common = os.path.join(work, "mmcv/ops/csrc/common")
    kw = dict(build_directory=work, verbose=False, extra_cflags=["-O2", "-w"])
    mm = load("gd_ref_mmcv", [mmcv_glue], extra_include_paths=[common, os.path.join(work, "mmcv/ops/csrc")], **kw)
    ob = load("gd_ref_obbdet", [obb_glue], extra_include_paths=[work], **kw)
    obx = load("gd_ref_obbdet_boxes", [boxes_glue], extra_include_paths=[work], **kw)
    dk = load("gd_ref_polyiou", [devkit_glue], extra_include_paths=[work], **kw)
    return mm, ob, obx, dk


def random_boxes(g, n, span=60.0):
    b = torch.empty(n, 5)
    b[:, 0:2] = torch.rand(n, 2, generator=g) * span
    b[:, 2:4] = 2 + torch.rand(n, 2, generator=g) * 30
    b[:, 4] = (torch.rand(n, generator=g) - 0.5) * math.pi
    return b


def iou_cases(g):
    a = random_boxes(g, 32)
    b = random_boxes(g, 24)
    special_a = torch.tensor([
        [10, 10, 8, 4, 0.3],          # identical to special_b[0]
        [10, 10, 8, 8, 0.0],          # square vs its quarter turn
        [0, 0, 4, 4, 0.0],            # touching special_b[2] along an edge
        [20, 20, 10, 10, 0.2],        # contains special_b[3]
        [5000.5, 3000.25, 40, 12, 1.1],  # large coordinates, partly overlapping special_b[4]
        [30, 30, 0.0, 5, 0.4],        # zero width
        [40, 40, 50, 0.5, -1.2],      # very thin
        [50, 50, 10, 6, -math.pi / 2],  # at the edge of the angle range
    ])
    special_b = torch.tensor([
        [10, 10, 8, 4, 0.3],
        [10, 10, 8, 8, math.pi / 2],
        [4, 0, 4, 4, 0.0],
        [21, 20, 3, 2, 1.3],
        [5010.0, 3002.0, 40, 12, 0.9],
        [30, 30, 4, 5, 0.4],
        [40, 40, 50, 0.5, 0.4],
        [50, 50, 10, 6, math.pi / 2 - 1e-6],
    ])
    return torch.cat([a, special_a]), torch.cat([b, special_b])


def nms_case(g):
    # Clusters of jittered boxes so that suppression decisions matter; distinct scores (no ties).
    centres = torch.rand(12, 2, generator=g) * 200
    boxes = []
    for c in centres:
        k = 12
        b = torch.empty(k, 5)
        b[:, 0:2] = c + torch.randn(k, 2, generator=g) * 3
        b[:, 2] = 20 + torch.randn(k, generator=g) * 3
        b[:, 3] = 8 + torch.randn(k, generator=g)
        b[:, 4] = 0.4 + torch.randn(k, generator=g) * 0.15
        boxes.append(b)
    boxes = torch.cat(boxes)
    scores = torch.randperm(boxes.shape[0], generator=g).float() / boxes.shape[0] + 0.001
    return boxes, scores


def roi_case(g):
    feats = torch.randn(2, 8, 24, 32, generator=g)
    k = 30
    rois = torch.empty(k, 6)
    rois[:, 0] = torch.randint(0, 2, (k,), generator=g).float()
    rois[:, 1] = torch.rand(k, generator=g) * 64          # image pixels; scale 0.5 onto the 32-wide map
    rois[:, 2] = torch.rand(k, generator=g) * 48
    rois[:, 3] = 4 + torch.rand(k, generator=g) * 40
    rois[:, 4] = 2 + torch.rand(k, generator=g) * 20
    rois[:, 5] = (torch.rand(k, generator=g) - 0.5) * 2 * math.pi
    rois[0] = torch.tensor([0, -6, -4, 20, 10, 0.7])     # mostly outside the map
    rois[1] = torch.tensor([1, 63, 47, 12, 8, -0.3])     # across the far corner
    rois[2] = torch.tensor([0, 30, 20, 0.5, 0.5, 0.0])   # tiny
    grad = torch.randn(k, 8, 7, 7, generator=g)
    return feats, rois, grad


def random_quads(g, n):
    centre = torch.rand(n, 1, 2, generator=g, dtype=torch.float64) * 50
    radius = 5 + torch.rand(n, 4, 1, generator=g, dtype=torch.float64) * 15
    angles = torch.sort(torch.rand(n, 4, generator=g, dtype=torch.float64) * 2 * math.pi, dim=1).values
    pts = centre + radius * torch.stack([torch.cos(angles), torch.sin(angles)], -1)
    return pts.reshape(n, 8)


def polygon_cases(g):
    a = random_quads(g, 24)
    b = random_quads(g, 20)
    square = [0, 0, 10, 0, 10, 10, 0, 10]
    special_a = torch.tensor([
        square,
        [0, 10, 10, 10, 10, 0, 0, 0],        # same square, reversed order
        [0, 0, 8, 0, 2, 2, 0, 8],            # non-convex dart
        [100, 100, 110, 100, 110, 110, 100, 110],
        [20, 20, 30, 20, 30, 30, 20, 30],    # touches special_b[1] at an edge
        [0, 0, 10, 10, 10, 0, 0, 10],        # self-intersecting bow tie
    ], dtype=torch.float64)
    special_b = torch.tensor([
        square,
        [30, 20, 40, 20, 40, 30, 30, 30],
        [5, 5, 15, 5, 15, 15, 5, 15],
        [2, 1, 9, 3, 7, 9, 1, 6],
    ], dtype=torch.float64)
    return torch.cat([a, special_a]), torch.cat([b, special_b])


def bboxtoolkit_poly2obb(repo):
    """BboxToolkit's own poly2obb, regular_obb and regular_theta, executed from its source (the package itself
    would pull in its plotting and dataset dependencies)."""
    import ast, cv2, numpy
    namespace = {"np": numpy, "cv2": cv2, "pi": 3.141592}
    for path, names in (("BboxToolkit/utils.py", {"regular_theta", "regular_obb"}), ("BboxToolkit/transforms.py", {"poly2obb"})):
        tree = ast.parse(read_source(repo, path))
        functions = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name in names]
        exec(compile(ast.Module(body=functions, type_ignores=[]), path, "exec"), namespace)
    return namespace["poly2obb"]


def min_area_rect_cases(g):
    n = 40
    obb = torch.empty(n, 5, dtype=torch.float64)
    obb[:, 0:2] = torch.rand(n, 2, generator=g, dtype=torch.float64) * 1000
    obb[:, 2] = 5 + torch.rand(n, generator=g, dtype=torch.float64) * 100
    obb[:, 3] = obb[:, 2] * (0.1 + 0.85 * torch.rand(n, generator=g, dtype=torch.float64))
    obb[:, 4] = (torch.rand(n, generator=g, dtype=torch.float64) - 0.5) * math.pi
    c, s = torch.cos(obb[:, 4]), torch.sin(obb[:, 4])
    v1 = torch.stack([obb[:, 2] / 2 * c, -obb[:, 2] / 2 * s], 1)
    v2 = torch.stack([-obb[:, 3] / 2 * s, -obb[:, 3] / 2 * c], 1)
    ctr = obb[:, 0:2]
    rects = torch.cat([ctr + v1 + v2, ctr + v1 - v2, ctr - v1 - v2, ctr - v1 + v2], 1)
    noisy = rects[:20] + (torch.rand(20, 8, generator=g, dtype=torch.float64) - 0.5) * 2  # hand-labelled, not quite rectangles
    special = torch.tensor([
        [0, 0, 20, 0, 20, 40, 0, 40],          # upright: w along y, theta at the edge of the range
        [0, 0, 40, 0, 40, 20, 0, 20],          # lying
        [10, 10, 30, 10, 30, 30, 10, 30],      # square
        [0, 0, 40, 0, 50, 10, 10, 10],         # parallelogram
        [100, 100, 120, 90, 130, 110, 110, 125],  # irregular convex quad
    ], dtype=torch.float64)
    # Rectangles (exact and special shapes) have one minimum-area rectangle; the noisy quadrilaterals often have two
    # of equal area, between which cv2 decides by float32 rounding, so they are kept apart.
    return torch.cat([rects, special]), noisy


def write_safetensors(path, tensors, meta):
    header, blobs, offset = {"__metadata__": meta}, [], 0
    codes = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64"}
    for name, t in tensors.items():
        t = t.contiguous()
        data = t.numpy().tobytes()
        header[name] = {"dtype": codes[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header).encode()
    raw += b" " * ((8 - len(raw) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for blob in blobs:
            f.write(blob)


def main():
    mmcv, obbdet, devkit, bboxtoolkit, out_dir = sys.argv[1:6]
    os.makedirs(out_dir, exist_ok=True)
    work = os.path.join(tempfile.gettempdir(), "gd_rotated_ref")
    mm, ob, obx, dk = build_extensions(mmcv, obbdet, devkit, work)
    g = torch.Generator().manual_seed(SEED)
    t = {}

    t["iou_boxes1"], t["iou_boxes2"] = iou_cases(g)
    # OBBDetection's kernel is the one whose corners match `obb` (w along (cos, -sin)). mmcv's turns the other way:
    # the same numbers with every angle negated, which is checked here and used for the aligned (row-by-row) form.
    t["iou"] = obx.iou(t["iou_boxes1"], t["iou_boxes2"], True)
    flip = torch.tensor([1, 1, 1, 1, -1.0])
    assert torch.allclose(mm.iou(t["iou_boxes1"] * flip, t["iou_boxes2"] * flip, False), t["iou"], atol=1e-5)
    t["iou_aligned"] = mm.iou(t["iou_boxes1"][-8:] * flip, t["iou_boxes2"][-8:] * flip, True)

    t["nms_boxes"], t["nms_scores"] = nms_case(g)
    for thr, key in ((0.1, "nms_keep_0.1"), (0.5, "nms_keep_0.5"), (0.8, "nms_keep_0.8")):
        t[key] = obx.nms(t["nms_boxes"], t["nms_scores"], thr)
        print(f"nms {thr}: mmcv (angles flipped) keeps the same boxes:", torch.equal(t[key], mm.nms(t["nms_boxes"] * flip, t["nms_scores"], thr)))

    feats, rois, grad = roi_case(g)
    t["roi_features"], t["roi_rois"], t["roi_grad_output"] = feats, rois, grad
    settings = {"a": (0.5, 2, True, False), "b": (0.25, 0, False, True)}  # scale, sampling, aligned, clockwise
    for key, (scale, sr, aligned, cw) in settings.items():
        t[f"roi_{key}_output"] = mm.roi_fwd(feats, rois, 7, 7, scale, sr, aligned, cw)
        t[f"roi_{key}_grad_input"] = mm.roi_bwd(grad, rois, list(feats.shape), 7, 7, scale, sr, aligned, cw)
    # OBBDetection's kernel is mmcv's with clockwise=False: check it rather than assume it.
    obb_out = ob.roi_fwd(feats, rois, 0.5, 7, 7, 2, True)
    obb_grad = ob.roi_bwd(grad, rois, 0.5, 7, 7, 2, 8, 24, 32, 2, True)
    assert torch.allclose(obb_out, t["roi_a_output"], atol=1e-5) and torch.allclose(obb_grad, t["roi_a_grad_input"], atol=1e-5)
    # Angle 0: torchvision's axis-aligned RoIAlign on the same boxes.
    axis = rois.clone()
    axis[:, 5] = 0
    t["roi_axis_rois"] = axis
    corners = torch.stack([axis[:, 0], axis[:, 1] - axis[:, 3] / 2, axis[:, 2] - axis[:, 4] / 2,
                           axis[:, 1] + axis[:, 3] / 2, axis[:, 2] + axis[:, 4] / 2], 1)
    t["roi_axis_output"] = torchvision.ops.roi_align(feats, corners, (7, 7), 0.5, 2, aligned=True)

    t["poly1"], t["poly2"] = polygon_cases(g)
    t["poly_iou"] = torch.tensor([[dk.iou_poly(p.tolist(), q.tolist()) for q in t["poly2"]] for p in t["poly1"]], dtype=torch.float64)

    poly2obb = bboxtoolkit_poly2obb(bboxtoolkit)
    t["mar_polygons"], t["mar_noisy_polygons"] = min_area_rect_cases(g)
    t["mar_obb"] = torch.from_numpy(poly2obb(t["mar_polygons"].numpy()).astype("float64"))
    t["mar_noisy_obb"] = torch.from_numpy(poly2obb(t["mar_noisy_polygons"].numpy()).astype("float64"))

    meta = {"seed": str(SEED), "torch": torch.__version__, "torchvision": torchvision.__version__, "opencv": __import__("cv2").__version__,
            "roi_settings": json.dumps(settings), "nms_thresholds": "0.1,0.5,0.8"}
    write_safetensors(os.path.join(out_dir, "io.safetensors"), t, meta)
    with open(os.path.join(out_dir, "meta.json"), "w") as f:
        json.dump({**meta, "tensors": {k: list(v.shape) for k, v in t.items()}}, f, indent=1)
    print("wrote", out_dir, {k: tuple(v.shape) for k, v in t.items()})


if __name__ == "__main__":
    main()
