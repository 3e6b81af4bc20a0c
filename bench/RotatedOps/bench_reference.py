#!/usr/bin/python3
"""The reference kernels on the sizes of bench/RotatedOps/Program.cs, for a same-session ratio.

Builds (or reuses, from $TMPDIR/gd_rotated_ref) the extensions of tests/reference/rotated_ops_ref.py:
mmcv's roi_align_rotated and OBBDetection's nms_rotated / box_iou_rotated (single-threaded CPU kernels).
Usage: /usr/bin/python3 bench/RotatedOps/bench_reference.py MMCV OBBDETECTION DOTA_DEVKIT [threads]
(the same repositories as the fixture script; BboxToolkit is not needed here)
"""
import math, os, sys, tempfile, time
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/reference"))
import rotated_ops_ref as ref


def best(budget, run):
    run()
    best_s, start = float("inf"), time.perf_counter()
    while True:
        t = time.perf_counter()
        run()
        best_s = min(best_s, time.perf_counter() - t)
        if time.perf_counter() - start >= budget:
            return best_s


def main():
    torch.set_num_threads(int(sys.argv[4]) if len(sys.argv) > 4 else 2)
    mm, _, obx, _ = ref.build_extensions(*sys.argv[1:4], os.path.join(tempfile.gettempdir(), "gd_rotated_ref"))
    g = torch.Generator().manual_seed(1)
    feats = torch.randn(1, 256, 256, 256, generator=g)
    rois = torch.stack([torch.zeros(2000), torch.rand(2000, generator=g) * 1024, torch.rand(2000, generator=g) * 1024,
                        16 + torch.rand(2000, generator=g) * 200, 8 + torch.rand(2000, generator=g) * 60,
                        (torch.rand(2000, generator=g) - 0.5) * math.pi], 1)
    grad = torch.randn(2000, 256, 7, 7, generator=g)
    fwd = best(5, lambda: mm.roi_fwd(feats, rois, 7, 7, 0.25, 2, True, False))
    bwd = best(5, lambda: mm.roi_bwd(grad, rois, list(feats.shape), 7, 7, 0.25, 2, True, False))
    centres = torch.rand(40, 2, generator=g) * 1024
    idx = torch.arange(2000) % 40
    boxes = torch.stack([centres[idx, 0] + 4 * torch.rand(2000, generator=g), centres[idx, 1] + 4 * torch.rand(2000, generator=g),
                         40 + 8 * torch.rand(2000, generator=g), 16 + 4 * torch.rand(2000, generator=g),
                         0.5 + 0.2 * torch.rand(2000, generator=g)], 1)
    scores = torch.rand(2000, generator=g)
    for name, s in [("RoIAlignRotated forward, 2000 RoIs, 256 ch, 7x7, sampling 2", fwd),
                    ("RoIAlignRotated forward + backward, same sizes", fwd + bwd),
                    ("NmsRotated, 2000 boxes, IoU 0.1", best(3, lambda: obx.nms(boxes, scores, 0.1))),
                    ("BoxIouRotated, 2000 x 2000", best(3, lambda: obx.iou(boxes, boxes, True)))]:
        print(f"{name:<62} {s * 1000:9.1f} ms")


if __name__ == "__main__":
    main()
