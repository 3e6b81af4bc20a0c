#!/usr/bin/python3
"""Reference fixtures for GeoDense's Oriented R-CNN parts, computed BY THE REFERENCE CODE.

Loads OBBDetection's own source files (anchor_generator.py, midpoint_offset_coder.py, obb2obb_delta_xywht_coder.py,
transforms_obb/{form,misc}.py) and LeMeViT's object_detection backbone (lemevit.py) at run time from their git
mirrors, with only their registry/framework import lines replaced by stubs (nothing re-implemented), then writes:

  OUT_DIR/coders.safetensors  anchors of a few levels, midpoint-offset encode/decode, obb-delta encode/decode,
                              obb2hbb and regular_obb, on seeded random boxes
  OUT_DIR/detector-nano.pth  an mmcv-style checkpoint `{"state_dict": ..., "meta": ...}` of a nano detector (reference
                              LeMeViT nano backbone with extra_norms; FPN 16, FC 32, 3 classes), every tensor seeded
  OUT_DIR/keys-small.txt      `name shape` of every tensor of faster_rcnn_orpn_lemevit_small_rsp_fpn_1x_dota10:
                              backbone keys from the reference LeMeViT itself (incl. extra_norms, norm, norm_c);
                              neck/rpn_head/roi_head keys from the config's modules (mmcv ConvModule without norm is
                              `conv`; OBBShared2FCBBoxHead is shared_fcs.{0,1}, fc_cls, fc_reg)

Usage: /usr/bin/python3 tests/reference/oriented_rcnn_ref.py OBBDETECTION_GIT_DIR LEMEVIT_GIT_DIR OUT_DIR
(git dirs as the `fetch` tool leaves them; torch 1.13 from Debian's python3-torch).
"""
import json, math, os, struct, subprocess, sys, types
import torch
import torch.nn as nn

sys.path.insert(0, "/work/shared/tools/reference/stubs")


def source(git_dir, path):
    return subprocess.check_output(["git", "--git-dir", git_dir, "show", f"HEAD:{path}"], text=True)


class Registry:
    def register_module(self, *a, **k):
        return lambda cls: cls


def load(git_dir, path, extra):
    """Exec a reference file with its package-relative and framework imports dropped; `extra` supplies the names."""
    keep = []
    for line in source(git_dir, path).splitlines():
        s = line.strip()
        if s.startswith(("from .", "from mmdet", "from mmcv", "import mmcv", "import cv2")):
            continue
        keep.append(line)
    ns = dict(extra)
    exec(compile("\n".join(keep), path, "exec"), ns)
    return ns


def write_safetensors(path, tensors):
    header, blobs, off = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        dt = {torch.float32: "F32", torch.int64: "I64"}[t.dtype]
        b = t.numpy().tobytes()
        header[name] = {"dtype": dt, "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b); off += len(b)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h))); f.write(h)
        for b in blobs: f.write(b)


def coders(obb_git, out):
    reg = Registry()
    misc = load(obb_git, "mmdet/core/bbox/transforms_obb/misc.py", {})
    form = load(obb_git, "mmdet/core/bbox/transforms_obb/form.py",
                {"get_bbox_type": misc["get_bbox_type"], "regular_obb": misc["regular_obb"]})
    base = {"BaseBBoxCoder": object, "BBOX_CODERS": reg, "obb2hbb": form["obb2hbb"], "obb2poly": form["obb2poly"],
            "rectpoly2obb": form["rectpoly2obb"], "regular_theta": misc["regular_theta"], "regular_obb": misc["regular_obb"]}
    mid = load(obb_git, "mmdet/core/bbox/coder/obb/midpoint_offset_coder.py", base)
    delta = load(obb_git, "mmdet/core/bbox/coder/obb/obb2obb_delta_xywht_coder.py", base)
    anchors_ns = load(obb_git, "mmdet/core/anchor/anchor_generator.py", {"ANCHOR_GENERATORS": reg})

    g = torch.Generator().manual_seed(20261128)
    n = 64
    def rand(lo, hi, *shape):
        return lo + (hi - lo) * torch.rand(*shape, generator=g)
    # ground truth / proposals: obb with w the long side, θ in [-pi/2, pi/2)
    gt = misc["regular_obb"](torch.stack([rand(20, 200, n), rand(20, 200, n), rand(4, 120, n), rand(4, 120, n),
                                          rand(-math.pi, math.pi, n)], -1))
    proposals = misc["regular_obb"](torch.stack([gt[:, 0] + rand(-8, 8, n), gt[:, 1] + rand(-8, 8, n),
                                                 gt[:, 2] * rand(0.7, 1.3, n), gt[:, 3] * rand(0.7, 1.3, n),
                                                 gt[:, 4] + rand(-0.6, 0.6, n)], -1))
    hbb_anchors = form["obb2hbb"](proposals)
    t = {"gt": gt, "proposals": proposals, "anchors_hbb": hbb_anchors}

    mcoder = mid["MidpointOffsetCoder"](target_stds=(1.0, 1.0, 1.0, 1.0, 0.5, 0.5))
    t["midpoint_encoded"] = mcoder.encode(hbb_anchors, gt)
    deltas6 = rand(-0.8, 0.8, n, 6)
    t["midpoint_deltas"] = deltas6
    t["midpoint_decoded"] = mcoder.decode(hbb_anchors, deltas6)

    dcoder = delta["OBB2OBBDeltaXYWHTCoder"](target_stds=(0.1, 0.1, 0.2, 0.2, 0.1))
    t["delta_encoded"] = dcoder.encode(proposals, gt)
    deltas5 = rand(-1.5, 1.5, n, 5)
    t["delta_deltas"] = deltas5
    t["delta_decoded"] = dcoder.decode(proposals, deltas5)

    t["obb2hbb"] = form["obb2hbb"](gt)
    raw = torch.stack([rand(0, 100, n), rand(0, 100, n), rand(1, 50, n), rand(1, 50, n), rand(-4, 4, n)], -1)
    t["raw_obb"] = raw
    t["regular_obb"] = misc["regular_obb"](raw)

    gen = anchors_ns["AnchorGenerator"](strides=[4, 8, 16, 32, 64], ratios=[0.5, 1.0, 2.0], scales=[8])
    sizes = [(5, 7), (3, 4), (2, 2), (1, 1), (1, 1)]
    for level, a in enumerate(gen.grid_anchors(sizes, device="cpu")):
        t[f"anchors_level{level}"] = a
    for level, v in enumerate(gen.valid_flags(sizes, (18, 26), device="cpu")):
        t[f"valid_level{level}"] = v.long()
    write_safetensors(os.path.join(out, "coders.safetensors"), t)
    return sizes


def detector_state(lemevit_git, depth, dims, fpn, fc, classes):
    """state_dict of the reference backbone + the config's neck / rpn_head / roi_head module tree."""
    stubs = {"get_root_logger": lambda *a, **k: None, "_load_checkpoint": None, "BACKBONES": Registry()}
    mmdet = types.ModuleType("mmdet"); mmdet_utils = types.ModuleType("mmdet.utils")
    mmdet_utils.get_root_logger = stubs["get_root_logger"]
    sys.modules.setdefault("mmdet", mmdet); sys.modules.setdefault("mmdet.utils", mmdet_utils)
    ns = load(lemevit_git, "object_detection/mmdet/models/backbones/lemevit.py", stubs)
    backbone = ns["LeMeViT"](depth=depth, embed_dim=dims, head_dim=32, mlp_ratios=[4] * 5,
                             attn_type=["C", "D", "D", "S", "S"], queries_len=16, qkv_bias=True, qk_scale=None,
                             attn_drop=0., qk_dims=None, cpe_ks=3, pre_norm=True, mlp_dwconv=False,
                             representation_size=None, layer_scale_init_value=-1, use_checkpoint_stages=[],
                             frozen_stages=[-1])
    state = {f"backbone.{k}": v for k, v in backbone.state_dict().items()}

    class ConvNoNorm(nn.Module):  # mmcv ConvModule(norm_cfg=None, act_cfg=None): a biased conv named `conv`
        def __init__(self, cin, cout, k):
            super().__init__(); self.conv = nn.Conv2d(cin, cout, k, padding=k // 2)
    neck = nn.Module()
    neck.lateral_convs = nn.ModuleList([ConvNoNorm(c, fpn, 1) for c in dims[1:]])
    neck.fpn_convs = nn.ModuleList([ConvNoNorm(fpn, fpn, 3) for _ in range(4)])
    rpn = nn.Module()   # OrientedRPNHead._init_layers: 3 anchors, sigmoid (1 channel each), 6 deltas each
    rpn.rpn_conv = nn.Conv2d(fpn, fpn, 3, padding=1); rpn.rpn_cls = nn.Conv2d(fpn, 3, 1); rpn.rpn_reg = nn.Conv2d(fpn, 18, 1)
    bbox = nn.Module()  # OBBConvFCBBoxHead with num_shared_fcs=2; fc_cls 15 + 1, fc_reg class-agnostic 5
    bbox.shared_fcs = nn.ModuleList([nn.Linear(fpn * 49, fc), nn.Linear(fc, fc)])
    bbox.fc_cls = nn.Linear(fc, classes + 1); bbox.fc_reg = nn.Linear(fc, 5)
    for prefix, m in (("neck.", neck), ("rpn_head.", rpn), ("roi_head.bbox_head.", bbox)):
        state.update({f"{prefix}{k}": v for k, v in m.state_dict().items()})
    return state


def keys_small(lemevit_git, out):
    state = detector_state(lemevit_git, [1, 2, 2, 6, 2], [96, 96, 192, 320, 384], 256, 1024, 15)
    lines = [f"{k} {list(v.shape)}" for k, v in state.items()]
    with open(os.path.join(out, "keys-small.txt"), "w") as f:
        f.write("\n".join(line.replace(" ", "", 0) for line in lines) + "\n")


def checkpoint_nano(lemevit_git, out):
    torch.manual_seed(20261128)
    state = detector_state(lemevit_git, [1, 1, 1, 1, 1], [32, 32, 64, 96, 128], 16, 32, 3)
    g = torch.Generator().manual_seed(7)
    for k, v in state.items():
        if v.dtype == torch.float32:
            v.copy_(torch.randn(v.shape, generator=g) * 0.1)
    torch.save({"state_dict": state, "meta": {"CLASSES": ["plane", "ship", "small-vehicle"], "epoch": 12}},
               os.path.join(out, "detector-nano.pth"))


if __name__ == "__main__":
    obb_git, lemevit_git, out = sys.argv[1:4]
    os.makedirs(out, exist_ok=True)
    coders(obb_git, out)
    keys_small(lemevit_git, out)
    checkpoint_nano(lemevit_git, out)
    print("wrote", out)
