#!/usr/bin/python3
"""Make LIT parity fixtures by running the reference implementation (github.com/ziplab/LIT).

Usage: make_lit_fixture.py LIT_REPO OUT_DIR VARIANT SEED H W
       make_lit_fixture.py LIT_REPO OUT_DIR VARIANT keys     (only OUT_DIR/VARIANT.json: state-dict keys and shapes)

LIT_REPO is a checkout of ziplab/LIT; its model files are imported from there at run time, never copied:
  LIT-Ti:    classification/code_for_lit_ti/lit.py (classifier), detection/mmdet/models/backbones/lit_ti.py (dense)
  LIT-S/M/B: classification/code_for_lit_s_m_b/models/lit.py (classifier), detection/mmdet/models/backbones/lit.py (dense)
Its compiled deformable convolution has no CPU kernel, so the reference's own DeformConv2dPack runs with
torchvision.ops.deform_conv2d behind DeformConv2dFunction (same offset layout, (dy, dx) per tap, and the same
zero-outside bilinear sampling; checked by make_deform_conv_fixture.py and the C# tests against both).
timm, mmdet and mmcv are replaced by the few stand-ins the model files import.

Writes OUT_DIR/{weights.pth (classifier, {"model": ...}), weights_dense.pth (dense backbone), io.safetensors, meta.json}.
io.safetensors: input_cls [2,3,S,S] (S = the classifier's image size, which the reference classifiers require) and
logits; input [2,3,H,W] and feature1..feature4 of the dense backbone. Every parameter and BatchNorm buffer is
randomised (offset convs included, so the sampling positions are fractional and reach past the borders).
"""
import sys, os, json, struct, types, importlib.util
from functools import partial
import torch, torch.nn as nn
import torchvision

VARIANTS = {
    # name: (layout, dims, depths, heads, mlp_ratios, classifier image size); the paper's Table 1 plus two small test variants
    "ti":      ("tiny", [64, 128, 320, 512], [3, 4, 6, 3], [1, 2, 5, 8], [8, 8, 4, 4], 224),
    "s":       ("hierarchical", [96, 192, 384, 768], [2, 2, 6, 2], [3, 6, 12, 24], [4] * 4, 224),
    "m":       ("hierarchical", [96, 192, 384, 768], [2, 2, 18, 2], [3, 6, 12, 24], [4] * 4, 224),
    "b":       ("hierarchical", [128, 256, 512, 1024], [2, 2, 18, 2], [4, 8, 16, 32], [4] * 4, 224),
    "ti-nano": ("tiny", [16, 32, 64, 96], [1, 1, 1, 1], [1, 2, 2, 4], [2] * 4, 64),
    "nano":    ("hierarchical", [16, 32, 64, 128], [1, 1, 1, 1], [1, 2, 2, 4], [4] * 4, 64),
}
NUM_CLASSES = 10
DENSE_TABLE_IMAGE_SIZE = 800   # detection/lit.py sizes its bias tables for 800 // patch_size, whatever the input


def stub(name, **attrs):
    module = types.ModuleType(name)
    module.__path__ = []
    module.__dict__.update(attrs)
    sys.modules[name] = module
    return module


class _Registry:
    def register_module(self, *a, **k):
        return (lambda cls: cls) if not a or not isinstance(a[0], type) else a[0]


class _TorchvisionDeformConv(torch.autograd.Function):
    """Stands in for the compiled DeformConv2dFunction.apply(input, offset, weight, bias, stride, padding, dilation,
    groups, deformable_groups, im2col_step); torchvision derives the groups from the weight and offset shapes."""
    @staticmethod
    def apply(input, offset, weight, bias, stride, padding, dilation, groups, deformable_groups, im2col_step):
        return torchvision.ops.deform_conv2d(input, offset, weight, bias, stride=stride, padding=padding, dilation=dilation)


def install_stand_ins():
    from torch.nn.init import trunc_normal_ as tn

    class DropPath(nn.Module):
        def __init__(self, p=0.):
            super().__init__(); self.drop_prob = p
        def forward(self, x):
            return x

    def trunc_normal_(t, mean=0., std=1., a=-2., b=2.):
        with torch.no_grad():
            return tn(t, mean, std, a, b)

    to_2tuple = lambda x: x if isinstance(x, tuple) else (x, x)
    stub("timm"); stub("timm.models", register_model=lambda f: f)
    stub("timm.models.layers", DropPath=DropPath, to_2tuple=to_2tuple, trunc_normal_=trunc_normal_)
    stub("timm.models.registry", register_model=lambda f: f)
    stub("timm.models.vision_transformer", _cfg=lambda **k: dict(k))
    stub("params", args=types.SimpleNamespace())
    stub("mmcv_custom", load_checkpoint=None)
    stub("mmcv"); stub("mmcv.runner", load_checkpoint=None)
    stub("mmdet"); stub("mmdet.utils", get_root_logger=None)
    stub("mmdet.models"); stub("mmdet.models.builder", BACKBONES=_Registry())
    stub("mmdet.models.backbones")
    stub("mm_modules"); stub("mm_modules.DCN"); stub("mm_modules.DCN.modules"); stub("mm_modules.DCN.functions")
    stub("mm_modules.DCN.functions.deform_conv2d_func", DeformConv2dFunction=_TorchvisionDeformConv)


def load(path, name, package=None):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    if package: module.__package__ = package
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def randomise(model, g):
    with torch.no_grad():
        for name, p in model.named_parameters():
            r = torch.randn(p.shape, generator=g)
            if p.ndim > 1 and "pos_embed" not in name and "cls_token" not in name and "bias_table" not in name:
                p.copy_(r / p[0].numel() ** 0.5)       # fan-in scaled, keeps activations O(1); offsets O(1) pixels
            elif name.endswith("weight") and p.ndim == 1:
                p.copy_(1.0 + 0.1 * r)                 # norm scales near one
            elif p.ndim == 1:
                p.copy_(0.1 * r)
            else:
                p.copy_(0.5 * r)                       # position embeddings, class token, bias tables
        for name, b in model.named_buffers():
            if name.endswith("running_mean"): b.copy_(torch.randn(b.shape, generator=g) * 0.1)
            elif name.endswith("running_var"): b.copy_(torch.rand(b.shape, generator=g) + 0.5)


def write_safetensors(path, tensors):
    header, blobs, off = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        dt = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64"}[t.dtype]
        b = t.numpy().tobytes()
        header[name] = {"dtype": dt, "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b); off += len(b)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h))); f.write(h)
        for b in blobs: f.write(b)


def build(repo, variant, num_classes=NUM_CLASSES):
    layout, dims, depths, heads, mlp, size = VARIANTS[variant]
    install_stand_ins()
    dcn = os.path.join(repo, "classification/code_for_lit_s_m_b/mm_modules/DCN/modules/deform_conv2d.py")
    sys.modules["mm_modules.DCN.modules.deform_conv2d"] = load(dcn, "mm_modules.DCN.modules.deform_conv2d", "mm_modules.DCN.modules")
    if layout == "tiny":
        sys.path.insert(0, os.path.join(repo, "classification/code_for_lit_ti"))
        cls_mod = load(os.path.join(repo, "classification/code_for_lit_ti/lit.py"), "ref_lit_ti_cls")
        det_mod = load(os.path.join(repo, "detection/mmdet/models/backbones/lit_ti.py"), "mmdet.models.backbones.lit_ti", "mmdet.models.backbones")
        common = dict(img_size=size, patch_size=4, embed_dims=dims, num_heads=heads, mlp_ratios=mlp, qkv_bias=True,
                      norm_layer=partial(nn.LayerNorm, eps=1e-6), depths=depths)
        classifier = cls_mod.LIT(num_classes=num_classes, **common)
        dense = det_mod.LIT(**common)
    else:
        sys.path.insert(0, os.path.join(repo, "classification/code_for_lit_s_m_b"))
        cls_mod = load(os.path.join(repo, "classification/code_for_lit_s_m_b/models/lit.py"), "ref_lit_cls")
        det_mod = load(os.path.join(repo, "detection/mmdet/models/backbones/lit.py"), "mmdet.models.backbones.lit", "mmdet.models.backbones")
        common = dict(patch_size=4, in_chans=3, embed_dim=dims[0], depths=depths, num_heads=heads, mlp_ratio=mlp[0],
                      qkv_bias=True, qk_scale=None, drop_rate=0., drop_path_rate=0., ape=False, patch_norm=True)
        classifier = cls_mod.LIT(img_size=size, num_classes=num_classes, **common)
        dense = det_mod.LIT(**common)
    return layout, dims, depths, heads, mlp, size, classifier, dense


def write_keys(repo, out, variant):
    *_, classifier, dense = build(repo, variant, num_classes=1000)   # the released ImageNet checkpoints' shapes
    shapes = lambda m: {k: list(v.shape) for k, v in m.state_dict().items()}
    info = {"variant": variant, "classifier": shapes(classifier), "dense": shapes(dense),
            "classifier_params": sum(p.numel() for p in classifier.parameters()),
            "dense_params": sum(p.numel() for p in dense.parameters())}
    os.makedirs(out, exist_ok=True)
    json.dump(info, open(os.path.join(out, f"{variant}.json"), "w"))
    print(variant, info["classifier_params"], info["dense_params"])


def main():
    if sys.argv[4] == "keys":
        return write_keys(sys.argv[1], sys.argv[2], sys.argv[3])
    repo, out, variant, seed, H, W = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
    torch.manual_seed(seed)
    layout, dims, depths, heads, mlp, size, classifier, dense = build(repo, variant)
    g = torch.Generator().manual_seed(seed + 1)
    randomise(classifier, g)
    randomise(dense, g)
    classifier.eval(); dense.eval()
    x_cls = torch.randn(2, 3, size, size, generator=g)
    x = torch.randn(2, 3, H, W, generator=g)
    with torch.no_grad():
        logits = classifier(x_cls)
        feats = dense(x)
    os.makedirs(out, exist_ok=True)
    torch.save({"model": classifier.state_dict(), "epoch": 299}, os.path.join(out, "weights.pth"))
    torch.save(dense.state_dict(), os.path.join(out, "weights_dense.pth"))
    io = {"input_cls": x_cls, "logits": logits, "input": x}
    for i, f in enumerate(feats): io[f"feature{i + 1}"] = f
    write_safetensors(os.path.join(out, "io.safetensors"), io)
    meta = {"variant": variant, "layout": layout, "dims": dims, "depths": depths, "heads": heads, "mlp_ratios": mlp,
            "image_size": size, "dense_table_image_size": DENSE_TABLE_IMAGE_SIZE, "num_classes": NUM_CLASSES, "seed": seed,
            "input_shape": [2, 3, H, W], "classifier_params": sum(p.numel() for p in classifier.parameters()),
            "dense_params": sum(p.numel() for p in dense.parameters()), "torch": torch.__version__,
            "torchvision": torchvision.__version__,
            "note": "eval mode; logits of the classifier on input_cls; feature1..4 of the dense (detection) backbone on input"}
    json.dump(meta, open(os.path.join(out, "meta.json"), "w"), indent=1)
    print(json.dumps(meta))


if __name__ == "__main__":
    main()
