#!/usr/bin/python3
"""Head-level parity fixture for GeoDense's Oriented R-CNN, computed by OBBDetection's own modules.

Runs the reference FPN, OrientedRPNHead (its AnchorGenerator, MidpointOffsetCoder and proposal generation through
arb_batched_nms) and OBBStandardRoIHead (OBBSingleRoIExtractor over RoIAlignRotated, OBBShared2FCBBoxHead with the
OBB2OBBDeltaXYWHTCoder, test-time multiclass_arb_nms with obb_nms) on a small config with seeded random weights and
random backbone features. Every reference file is read from the fetched OBBDetection git dir and executed with only its
framework imports removed; what those imports provided is either another reference file run the same way, one of
OBBDetection's CPU kernels (nms, nms_rotated, roi_align_rotated) compiled here with torch's cpp_extension as
tests/reference/rotated_ops_ref.py compiles them, or an mmcv/mmdet infrastructure stand-in defined below (registries,
builders, fp16 decorators, Config attribute access, weight-init helpers, multi_apply, ConvModule without norm and
activation). Nothing of the model is re-implemented here.

Writes OUT_DIR/heads-state.safetensors (the state dict, reference key names: neck.*, rpn_head.*, roi_head.bbox_head.*)
and OUT_DIR/heads-io.safetensors:
  features.{0..3}                  backbone features [2, C_i, H/s, W/s] (strides 4, 8, 16, 32), image 128 x 160
  neck.{0..4}                      FPN outputs P2..P6
  rpn_cls.{0..4}, rpn_reg.{0..4}   OrientedRPNHead outputs per level
  proposals.{0,1}                  [n, 6] obb + score per image (simple_test_rpn)
  roi_feats.0, cls_score.0, bbox_pred.0   the box head's input and outputs on image 0's proposals
  det_bboxes.{0,1}, det_labels.{0,1}      final detections per image (simple_test_bboxes): [n, 6] obb + score, [n]
Metadata: the config numbers the C# test builds its model with.

Usage: /usr/bin/python3 tools/reference/make_orcnn_fixture.py OBBDETECTION_GIT_DIR OUT_DIR
(OBBDETECTION_GIT_DIR as `fetch github:jbwang1997/OBBDetection` leaves it; Debian's python3-torch 1.13, g++, ninja).
"""
import ast, importlib.util, json, os, sys, tempfile, types
import torch
import torch.nn as nn
from torch.utils.cpp_extension import load as load_extension

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SEED = 20261128
CONFIG = dict(in_channels=[8, 16, 24, 32], fpn=16, fc=32, classes=3, height=128, width=160, batch=2,
              nms_pre=500, rpn_nms=0.8, max_proposals=150, score_thr=0.05, rcnn_nms=0.1, max_per_img=100)

spec = importlib.util.spec_from_file_location("rotated_ops_ref", os.path.join(REPO, "tests", "reference", "rotated_ops_ref.py"))
rotated_ops_ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(rotated_ops_ref)

FRAMEWORK = {"mmdet", "mmcv", "BboxToolkit", "cv2"}


class DropFrameworkImports(ast.NodeTransformer):
    """Relative and framework imports become `pass` (at any depth: some sit under `if` or inside functions)."""

    def visit_ImportFrom(self, node):
        return ast.Pass() if node.level > 0 or node.module.split(".")[0] in FRAMEWORK else node

    def visit_Import(self, node):
        return ast.Pass() if any(a.name.split(".")[0] in FRAMEWORK for a in node.names) else node


def run_reference(obb_git, path, names):
    """Executes one OBBDetection source file; `names` supplies what its dropped imports provided."""
    tree = ast.fix_missing_locations(DropFrameworkImports().visit(ast.parse(rotated_ops_ref.read_source(obb_git, path))))
    ns = {"__name__": "ref." + path.replace("/", ".")[:-3]}
    ns.update(names)
    exec(compile(tree, path, "exec"), ns)
    return ns


# --- mmcv / mmdet infrastructure stand-ins (no model behaviour lives here) ---

class Registry:
    def register_module(self, *args, **kwargs):
        return lambda cls: cls


def decorator_factory(*args, **kwargs):   # auto_fp16(), force_fp32(...): fp32 throughout here
    return lambda f: f


def no_init(*args, **kwargs):             # xavier_init / normal_init: the weights are set from the seeded state dict
    pass


class ConfigDict(dict):                   # mmcv.Config's attribute access
    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError as e:
            raise AttributeError(name) from e


def multi_apply(func, *args, **kwargs):   # mmdet.core.utils.multi_apply
    return tuple(map(list, zip(*map(lambda *a: func(*a, **kwargs), *args))))


class ConvModule(nn.Module):
    """mmcv.cnn.ConvModule as FPN builds it (norm_cfg=None, act_cfg=None): a biased conv named `conv`."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, conv_cfg=None, norm_cfg=None,
                 act_cfg=None, inplace=True):
        super().__init__()
        assert conv_cfg is None and norm_cfg is None and act_cfg is None, "only the plain conv FPN uses is stood in for"
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=padding)

    def forward(self, x):
        return self.conv(x)


def builder(classes):
    def build(cfg, **extra):
        cfg = dict(cfg)
        return classes[cfg.pop("type")](**cfg, **extra)
    return build


def build_kernels(obb_git):
    """OBBDetection's CPU kernels: horizontal nms, nms_rotated and roi_align_rotated (forward, backward)."""
    work = os.path.join(tempfile.gettempdir(), "gd_orcnn_ref")
    rotated_ops_ref.stage(obb_git, ["mmdet/ops/nms/src/cpu/nms_cpu.cpp", "mmdet/ops/nms_rotated/src/nms_rotated_cpu.cpp",
                                    "mmdet/ops/nms_rotated/src/box_iou_rotated_utils.h",
                                    "mmdet/ops/roi_align_rotated/src/roi_align_rotated_cpu.cpp"], work)
    glue = os.path.join(work, "orcnn_glue.cpp")
    rotated_ops_ref.write_if_changed(glue, """#include <torch/extension.h>
#include <algorithm>
#include <cmath>
#include "mmdet/ops/nms/src/cpu/nms_cpu.cpp"
namespace rotated {
#include "mmdet/ops/nms_rotated/src/nms_rotated_cpu.cpp"
}
#include "mmdet/ops/roi_align_rotated/src/roi_align_rotated_cpu.cpp"
PYBIND11_MODULE(TORCH_EXTENSION_NAME, m) {
  m.def("nms", &nms_cpu); m.def("nms_rotated", &rotated::nms_rotated_cpu);
  m.def("roi_fwd", &ROIAlignRotated_forward_cpu); m.def("roi_bwd", &ROIAlignRotated_backward_cpu);
}
""")
    return load_extension("gd_ref_orcnn", [glue], extra_include_paths=[work], build_directory=work, verbose=False,
                          extra_cflags=["-O2", "-w"])


def reference_modules(obb_git):
    ext = build_kernels(obb_git)
    r = lambda path, **names: run_reference(obb_git, path, names)
    registry = Registry()

    misc = r("mmdet/core/bbox/transforms_obb/misc.py")
    form = r("mmdet/core/bbox/transforms_obb/form.py", get_bbox_type=misc["get_bbox_type"], regular_obb=misc["regular_obb"])
    transforms = {k: v for ns in (misc, form) for k, v in ns.items() if callable(v) and not k.startswith("_")}
    coder_base = dict(BaseBBoxCoder=object, BBOX_CODERS=registry, **transforms)
    midpoint = r("mmdet/core/bbox/coder/obb/midpoint_offset_coder.py", **coder_base)
    delta = r("mmdet/core/bbox/coder/obb/obb2obb_delta_xywht_coder.py", **coder_base)
    anchors = r("mmdet/core/anchor/anchor_generator.py", ANCHOR_GENERATORS=registry)

    nms_wrapper = r("mmdet/ops/nms/nms_wrapper.py", nms_ext=types.SimpleNamespace(nms=ext.nms))
    nms_rotated = r("mmdet/ops/nms_rotated/nms_rotated_wrapper.py", bt=None, nms=nms_wrapper["nms"],
                    nms_rotated_ext=types.SimpleNamespace(nms_rotated=ext.nms_rotated))
    roi_align = r("mmdet/ops/roi_align_rotated/roi_align_rotated.py",
                  roi_align_rotated_ext=types.SimpleNamespace(forward=ext.roi_fwd, backward=ext.roi_bwd))
    ops = types.SimpleNamespace(RoIAlignRotated=roi_align["RoIAlignRotated"])
    obb_nms = r("mmdet/core/post_processing/obb/obb_nms.py", arb_batched_nms=nms_rotated["arb_batched_nms"],
                get_bbox_dim=misc["get_bbox_dim"])

    core = dict(transforms, auto_fp16=decorator_factory, force_fp32=decorator_factory, multi_apply=multi_apply,
                multiclass_arb_nms=obb_nms["multiclass_arb_nms"], arb_batched_nms=nms_rotated["arb_batched_nms"],
                build_bbox_coder=builder({"MidpointOffsetCoder": midpoint["MidpointOffsetCoder"],
                                          "OBB2OBBDeltaXYWHTCoder": delta["OBB2OBBDeltaXYWHTCoder"]}),
                build_anchor_generator=builder({"AnchorGenerator": anchors["AnchorGenerator"]}),
                build_loss=lambda cfg: None, build_assigner=None, build_sampler=None, normal_init=no_init,
                xavier_init=no_init, HEADS=registry, NECKS=registry, ROI_EXTRACTORS=registry, ConvModule=ConvModule)

    fpn = r("mmdet/models/necks/fpn.py", **core)["FPN"]
    base_dense = r("mmdet/models/dense_heads/base_dense_head.py")["BaseDenseHead"]
    anchor_head = r("mmdet/models/dense_heads/obb/obb_anchor_head.py", BaseDenseHead=base_dense, **core)["OBBAnchorHead"]
    rpn_mixin = r("mmdet/models/dense_heads/rpn_test_mixin.py")["RPNTestMixin"]
    rpn_head = r("mmdet/models/dense_heads/obb/oriented_rpn_head.py", OBBAnchorHead=anchor_head, RPNTestMixin=rpn_mixin,
                 **core)["OrientedRPNHead"]

    base_extractor = r("mmdet/models/roi_heads/roi_extractors/obb/obb_base_roi_extractor.py", ops=ops)["OBBBaseRoIExtractor"]
    extractor = r("mmdet/models/roi_heads/roi_extractors/obb/obb_single_level_roi_extractor.py",
                  OBBBaseRoIExtractor=base_extractor, **core)["OBBSingleRoIExtractor"]
    obbox_head = r("mmdet/models/roi_heads/bbox_heads/obb/obbox_head.py", accuracy=None, **core)["OBBoxHead"]
    convfc = r("mmdet/models/roi_heads/bbox_heads/obb/obb_convfc_bbox_head.py", OBBoxHead=obbox_head, **core)
    base_roi_head = r("mmdet/models/roi_heads/obb/obb_base_roi_head.py", build_shared_head=None)["OBBBaseRoIHead"]
    mixins = r("mmdet/models/roi_heads/obb/obb_test_mixins.py", **core)
    roi_head = r("mmdet/models/roi_heads/obb/obb_standard_roi_head.py", OBBBaseRoIHead=base_roi_head,
                 OBBoxTestMixin=mixins["OBBoxTestMixin"], OBBMaskTestMixin=mixins["OBBMaskTestMixin"],
                 build_roi_extractor=builder({"OBBSingleRoIExtractor": extractor}),
                 build_head=builder({"OBBShared2FCBBoxHead": convfc["OBBShared2FCBBoxHead"]}), **core)["OBBStandardRoIHead"]
    return fpn, rpn_head, roi_head


def build_model(fpn_cls, rpn_cls, roi_cls):
    """The modules with the numbers of faster_rcnn_orpn_*_fpn_1x_dota10.py; widths and counts from CONFIG."""
    c = CONFIG
    neck = fpn_cls(in_channels=c["in_channels"], out_channels=c["fpn"], num_outs=5)
    rpn_test = ConfigDict(nms_across_levels=False, nms_pre=c["nms_pre"], nms_post=c["max_proposals"], max_num=c["max_proposals"],
                          nms_thr=c["rpn_nms"], min_bbox_size=0)
    rpn = rpn_cls(in_channels=c["fpn"], feat_channels=c["fpn"],
                  anchor_generator=dict(type="AnchorGenerator", scales=[8], ratios=[0.5, 1.0, 2.0], strides=[4, 8, 16, 32, 64]),
                  bbox_coder=dict(type="MidpointOffsetCoder", target_means=[0.0] * 6, target_stds=[1.0, 1.0, 1.0, 1.0, 0.5, 0.5]),
                  loss_cls=dict(type="CrossEntropyLoss", use_sigmoid=True, loss_weight=1.0),
                  loss_bbox=dict(type="SmoothL1Loss", beta=1.0 / 9.0, loss_weight=1.0), test_cfg=rpn_test)
    rcnn_test = ConfigDict(score_thr=c["score_thr"], nms=dict(type="obb_nms", iou_thr=c["rcnn_nms"]), max_per_img=c["max_per_img"])
    roi = roi_cls(bbox_roi_extractor=dict(type="OBBSingleRoIExtractor", roi_layer=dict(type="RoIAlignRotated", out_size=7, sample_num=2),
                                          out_channels=c["fpn"], extend_factor=(1.4, 1.2), featmap_strides=[4, 8, 16, 32]),
                  bbox_head=dict(type="OBBShared2FCBBoxHead", start_bbox_type="obb", end_bbox_type="obb", in_channels=c["fpn"],
                                 fc_out_channels=c["fc"], roi_feat_size=7, num_classes=c["classes"],
                                 bbox_coder=dict(type="OBB2OBBDeltaXYWHTCoder", target_means=[0.0] * 5, target_stds=[0.1, 0.1, 0.2, 0.2, 0.1]),
                                 reg_class_agnostic=True,
                                 loss_cls=dict(type="CrossEntropyLoss", use_sigmoid=False, loss_weight=1.0),
                                 loss_bbox=dict(type="SmoothL1Loss", beta=1.0, loss_weight=1.0)),
                  test_cfg=rcnn_test)
    return neck, rpn, roi


def main():
    obb_git, out = sys.argv[1:3]
    os.makedirs(out, exist_ok=True)
    neck, rpn, roi = build_model(*reference_modules(obb_git))
    state = {}
    for prefix, module in (("neck.", neck), ("rpn_head.", rpn), ("roi_head.", roi)):
        module.eval()
        state.update({prefix + k: v for k, v in module.state_dict().items()})
    # seeded weights of unit gain (std 1/sqrt(fan_in)) so every layer's outputs stay O(1) and objectness spreads over
    # (0, 1) without ties; box deltas small (gain 0.2) so proposals stay on the image: a RoI wholly outside it gets
    # all-zero features, hence the same scores as every other such RoI, and NMS among equal scores is sort order alone
    g = torch.Generator().manual_seed(SEED)
    with torch.no_grad():
        for k, v in state.items():
            if v.dim() > 1:
                gain = 0.2 if k.endswith(("rpn_reg.weight", "fc_reg.weight")) else 1.0
                v.copy_(torch.randn(v.shape, generator=g) * gain / v[0].numel() ** 0.5)
            else:
                v.copy_(torch.randn(v.shape, generator=g) * 0.1)

    c = CONFIG
    strides = [4, 8, 16, 32]
    features = [torch.randn(c["batch"], ch, c["height"] // s, c["width"] // s, generator=g) for ch, s in zip(c["in_channels"], strides)]
    metas = [dict(img_shape=(c["height"], c["width"], 3), pad_shape=(c["height"], c["width"], 3), scale_factor=1.0)] * c["batch"]
    io = {f"features.{i}": f for i, f in enumerate(features)}
    with torch.no_grad():
        maps = neck(features)
        io.update({f"neck.{i}": m for i, m in enumerate(maps)})
        cls_scores, bbox_preds = rpn(maps)
        io.update({f"rpn_cls.{i}": t for i, t in enumerate(cls_scores)})
        io.update({f"rpn_reg.{i}": t for i, t in enumerate(bbox_preds)})
        proposals = rpn.simple_test_rpn(maps, metas)
        for b in range(c["batch"]):
            io[f"proposals.{b}"] = proposals[b]
            image_maps = [m[b:b + 1] for m in maps]
            if b == 0:
                rois = torch.cat([proposals[0].new_zeros(len(proposals[0]), 1), proposals[0][:, :5]], 1)
                results = roi._bbox_forward(image_maps, rois)
                io["roi_feats.0"], io["cls_score.0"], io["bbox_pred.0"] = results["bbox_feats"], results["cls_score"], results["bbox_pred"]
            det_bboxes, det_labels = roi.simple_test_bboxes(image_maps, metas[b:b + 1], [proposals[b]], roi.test_cfg)
            io[f"det_bboxes.{b}"], io[f"det_labels.{b}"] = det_bboxes, det_labels
    meta = {"seed": str(SEED), "torch": torch.__version__, "config": json.dumps(c)}
    rotated_ops_ref.write_safetensors(os.path.join(out, "heads-state.safetensors"), state, meta)
    rotated_ops_ref.write_safetensors(os.path.join(out, "heads-io.safetensors"), io, meta)
    print("wrote", out, {k: tuple(v.shape) for k, v in io.items() if not k.startswith(("features", "neck", "rpn_"))})
    for b in range(c["batch"]):
        p, d = io[f"proposals.{b}"], io[f"det_bboxes.{b}"]
        print(f"image {b}: proposal scores {p[:, 5].min():.3f}..{p[:, 5].max():.3f} ({p[:, 5].unique().numel()} distinct), "
              f"sides up to {p[:, 2:4].max():.1f}; detections per class {torch.bincount(io[f'det_labels.{b}'], minlength=c['classes']).tolist()}, "
              f"scores {d[:, 5].min():.3f}..{d[:, 5].max():.3f} ({d[:, 5].unique().numel()} distinct)")


if __name__ == "__main__":
    main()
