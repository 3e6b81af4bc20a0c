#!/usr/bin/python3
"""Parity fixture for GeoDense's UperNet decode head and FCN auxiliary head.

Re-derives MMSegmentation's UPerHead (PPM + FPN) and FCNHead in plain torch, with the same
module tree, so `state_dict()` yields mmseg's key names (`decode_head.psp_modules.0.1.conv.weight`,
`decode_head.fpn_bottleneck.bn.running_mean`, `auxiliary_head.convs.0.conv.weight`, ...).
Every weight and BatchNorm statistic comes from a fixed seed; the heads run in eval mode.

Usage: /usr/bin/python3 tests/reference/upernet_ref.py OUT_DIR
Writes OUT_DIR/{weights.pth, io.safetensors, meta.json}. Torch 1.13 (Debian python3-torch).
"""
import json, os, struct, sys
import torch
import torch.nn as nn
import torch.nn.functional as F

IN_CHANNELS = [32, 64, 96, 128]   # lemevit-nano dense features (strides 4, 8, 16, 32)
CHANNELS = 32                     # decode head width (512 in the paper's config)
AUX_CHANNELS = 16                 # auxiliary head width (256 in the paper's config)
AUX_IN_INDEX = 2                  # the stride-16 feature
POOL_SCALES = (1, 2, 3, 6)
NUM_CLASSES = 5                   # Potsdam: 6 labels, clutter (5) ignored -> 5 logits
IGNORE_INDEX = 5
AUX_LOSS_WEIGHT = 0.4
IMAGE = (2, 3, 64, 96)            # batch, bands, height, width of the (virtual) input image
SEED = 20240517


class ConvBnRelu(nn.Module):
    """mmcv ConvModule with norm_cfg=BN: conv without bias, then `bn`, then ReLU."""

    def __init__(self, cin, cout, kernel):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel, padding=kernel // 2, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


def upsample(x, size):
    return F.interpolate(x, size=size, mode="bilinear", align_corners=False)


class Classifier(nn.Module):
    """What every mmseg decode head shares: Dropout2d then a 1x1 `conv_seg` (with bias).
    conv_seg is created first, so it leads the state dict."""

    def __init__(self, channels, num_classes, dropout):
        super().__init__()
        self.conv_seg = nn.Conv2d(channels, num_classes, 1)
        self.dropout = nn.Dropout2d(dropout)

    def classify(self, x):
        return self.conv_seg(self.dropout(x))


class UperHead(Classifier):
    def __init__(self, in_channels, channels, num_classes, pool_scales, dropout=0.1):
        super().__init__(channels, num_classes, dropout)
        top = in_channels[-1]
        # pyramid pooling on the coarsest feature: (pool, ConvModule) pairs, so keys read `psp_modules.i.1.*`
        self.psp_modules = nn.ModuleList(
            nn.Sequential(nn.AdaptiveAvgPool2d(s), ConvBnRelu(top, channels, 1)) for s in pool_scales)
        self.bottleneck = ConvBnRelu(top + len(pool_scales) * channels, channels, 3)
        self.lateral_convs = nn.ModuleList(ConvBnRelu(c, channels, 1) for c in in_channels[:-1])
        self.fpn_convs = nn.ModuleList(ConvBnRelu(channels, channels, 3) for _ in in_channels[:-1])
        self.fpn_bottleneck = ConvBnRelu(len(in_channels) * channels, channels, 3)

    def forward(self, feats):
        top = feats[-1]
        pooled = [upsample(branch(top), top.shape[2:]) for branch in self.psp_modules]
        laterals = [conv(f) for conv, f in zip(self.lateral_convs, feats)]
        laterals.append(self.bottleneck(torch.cat([top] + pooled, dim=1)))
        # top-down: each level receives the upsampled sum from the level above
        for i in range(len(laterals) - 1, 0, -1):
            laterals[i - 1] = laterals[i - 1] + upsample(laterals[i], laterals[i - 1].shape[2:])
        outs = [conv(l) for conv, l in zip(self.fpn_convs, laterals)] + [laterals[-1]]
        size = outs[0].shape[2:]
        outs = [outs[0]] + [upsample(o, size) for o in outs[1:]]
        fused = self.fpn_bottleneck(torch.cat(outs, dim=1))
        return self.classify(fused), fused


class FcnHead(Classifier):
    """FCNHead with num_convs=1, kernel 3, concat_input=False."""

    def __init__(self, in_channels, channels, num_classes, dropout=0.1):
        super().__init__(channels, num_classes, dropout)
        self.convs = nn.Sequential(ConvBnRelu(in_channels, channels, 3))

    def forward(self, x):
        return self.classify(self.convs(x))


class Heads(nn.Module):
    def __init__(self):
        super().__init__()
        self.decode_head = UperHead(IN_CHANNELS, CHANNELS, NUM_CLASSES, POOL_SCALES)
        self.auxiliary_head = FcnHead(IN_CHANNELS[AUX_IN_INDEX], AUX_CHANNELS, NUM_CLASSES)


def ce_non_ignored(logits, labels):
    """mmseg CrossEntropyLoss(avg_non_ignore=True): mean over pixels whose label is not ignored,
    logits first resized (bilinear) to the label size."""
    logits = upsample(logits, labels.shape[1:])
    per_pixel = F.cross_entropy(logits, labels, ignore_index=IGNORE_INDEX, reduction="none")
    return per_pixel.sum() / (labels != IGNORE_INDEX).sum()


def write_safetensors(path, tensors):
    header, blobs, off = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        dt = {torch.float32: "F32", torch.int64: "I64"}[t.dtype]
        b = t.numpy().tobytes()
        header[name] = {"dtype": dt, "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def randomise(model, g):
    with torch.no_grad():
        for name, p in model.named_parameters():
            r = torch.randn(p.shape, generator=g)
            if p.ndim > 1: p.copy_(r / p[0].numel() ** 0.5)   # fan-in scaled: activations stay O(1)
            elif name.endswith("weight"): p.copy_(1.0 + 0.1 * r)
            else: p.copy_(0.1 * r)
        for name, b in model.named_buffers():
            if name.endswith("running_mean"): b.copy_(0.1 * torch.randn(b.shape, generator=g))
            elif name.endswith("running_var"): b.copy_(0.5 + torch.rand(b.shape, generator=g))
            elif name.endswith("num_batches_tracked"): b.fill_(7)


def main():
    out = sys.argv[1]
    torch.manual_seed(SEED)
    g = torch.Generator().manual_seed(SEED)
    model = Heads()
    randomise(model, g)
    model.eval()
    n, _, h, w = IMAGE
    feats = [torch.randn(n, c, h // s, w // s, generator=g) for c, s in zip(IN_CHANNELS, (4, 8, 16, 32))]
    labels = torch.randint(0, NUM_CLASSES + 1, (n, h, w), generator=g)   # includes the ignored label 5
    with torch.no_grad():
        decode_logits, fused = model.decode_head(feats)
        aux_logits = model.auxiliary_head(feats[AUX_IN_INDEX])
        loss_decode = ce_non_ignored(decode_logits, labels)
        loss_aux = ce_non_ignored(aux_logits, labels)
    io = {f"feature{i + 1}": f for i, f in enumerate(feats)}
    io.update({
        "decode_logits": decode_logits,                 # stride 4
        "fpn_fused": fused,                             # fpn_bottleneck output, before dropout + conv_seg
        "aux_logits": aux_logits,                       # stride 16
        "logits": upsample(decode_logits, (h, w)),      # what EncoderDecoder returns: resized to the image
        "aux_logits_full": upsample(aux_logits, (h, w)),
        "labels": labels,
        "loss_decode": loss_decode.reshape(1),
        "loss_aux": loss_aux.reshape(1),
        "loss_total": (loss_decode + AUX_LOSS_WEIGHT * loss_aux).reshape(1),
    })
    os.makedirs(out, exist_ok=True)
    sd = model.state_dict()
    torch.save(sd, os.path.join(out, "weights.pth"))
    write_safetensors(os.path.join(out, "io.safetensors"), io)
    meta = {"in_channels": IN_CHANNELS, "channels": CHANNELS, "aux_channels": AUX_CHANNELS,
            "aux_in_index": AUX_IN_INDEX, "pool_scales": list(POOL_SCALES), "num_classes": NUM_CLASSES,
            "ignore_index": IGNORE_INDEX, "aux_loss_weight": AUX_LOSS_WEIGHT, "image": list(IMAGE),
            "seed": SEED, "torch": torch.__version__, "state_dict_keys": list(sd.keys())}
    with open(os.path.join(out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    print(f"{len(sd)} keys, decode {tuple(decode_logits.shape)}, aux {tuple(aux_logits.shape)}, "
          f"loss {loss_decode.item():.6f} + 0.4 * {loss_aux.item():.6f}")


if __name__ == "__main__":
    main()
