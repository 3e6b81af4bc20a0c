#!/usr/bin/python3
"""Deformable-convolution reference values from torchvision.ops.deform_conv2d (Debian python3-torchvision 0.14, CPU).

Usage: make_deform_conv_fixture.py OUT.safetensors

For each case: float64 input, offset (random, reaching past the borders), weight, bias, a projection p, the output,
and the gradients of sum(output * p) with respect to input, offset, weight and bias. Case settings go in the
safetensors metadata ("cases": [...]) so the C# test reads them from the file.
"""
import sys, json, struct
import torch
from torchvision.ops import deform_conv2d

CASES = [
    # LIT's token merging: 2x2 kernel, stride 2, no padding, one group, one deformable group
    dict(b=2, c=4, h=6, w=7, cout=5, k=2, stride=2, padding=0, dilation=1, groups=1, deform_groups=1),
    # the general path: padding, weight groups and deformable groups
    dict(b=1, c=4, h=5, w=6, cout=6, k=3, stride=1, padding=1, dilation=1, groups=2, deform_groups=2),
    # stride + dilation
    dict(b=1, c=3, h=7, w=6, cout=2, k=3, stride=2, padding=2, dilation=2, groups=1, deform_groups=1),
]


def main():
    out = sys.argv[1]
    g = torch.Generator().manual_seed(1234)
    tensors, cases = {}, []
    for n, case in enumerate(CASES):
        k, s, p, d = case["k"], case["stride"], case["padding"], case["dilation"]
        ho = (case["h"] + 2 * p - d * (k - 1) - 1) // s + 1
        wo = (case["w"] + 2 * p - d * (k - 1) - 1) // s + 1
        r = lambda *shape: torch.randn(*shape, generator=g, dtype=torch.float64)
        x = r(case["b"], case["c"], case["h"], case["w"]).requires_grad_()
        offset = (2.0 * r(case["b"], 2 * case["deform_groups"] * k * k, ho, wo)).requires_grad_()
        weight = r(case["cout"], case["c"] // case["groups"], k, k).requires_grad_()
        bias = r(case["cout"]).requires_grad_()
        y = deform_conv2d(x, offset, weight, bias, stride=s, padding=p, dilation=d)
        proj = r(*y.shape)
        (y * proj).sum().backward()
        for name, t in dict(input=x, offset=offset, weight=weight, bias=bias, projection=proj, output=y,
                            grad_input=x.grad, grad_offset=offset.grad, grad_weight=weight.grad, grad_bias=bias.grad).items():
            tensors[f"case{n}.{name}"] = t.detach()
        cases.append(case)
    header, blobs, off = {"__metadata__": {"cases": json.dumps(cases), "torchvision": __import__("torchvision").__version__}}, [], 0
    for name, t in tensors.items():
        b = t.contiguous().numpy().tobytes()
        header[name] = {"dtype": "F64", "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b); off += len(b)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(out, "wb") as f:
        f.write(struct.pack("<Q", len(h))); f.write(h)
        for b in blobs: f.write(b)
    print(out, len(tensors), "tensors")


if __name__ == "__main__":
    main()
