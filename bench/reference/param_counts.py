#!/usr/bin/python3
"""Parameter counts of the reference LeMeViT variants: param_counts.py REF_LEMEVIT_PY

REF_LEMEVIT_PY is the reference repo's models/lemevit.py (exported from a fetched mirror, never committed).
Uses the stubs and variant table of /work/shared/tools/reference (see make_lemevit_fixture.py)."""
import sys, os, importlib.util
TOOLS = os.environ.get("GEODENSE_REF_TOOLS", "/work/shared/tools/reference")
sys.path.insert(0, os.path.join(TOOLS, "stubs"))
sys.path.insert(0, TOOLS)
import torch
from make_lemevit_fixture import VARIANTS

spec = importlib.util.spec_from_file_location("ref_lemevit", sys.argv[1])
mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
for classes in (51, 1000):
    for name, cfg in VARIANTS.items():
        m = mod.LeMeViT(num_classes=classes, attn_type=["C", "D", "D", "S", "S"], **cfg)
        total = sum(p.numel() for p in m.parameters())
        head = sum(p.numel() for n, p in m.named_parameters() if n.startswith("head."))
        stages = [sum(p.numel() for n, p in m.named_parameters() if n.startswith(f"stages.{i}.")) for i in range(5)]
        print(f"{name:5s} classes={classes:4d} params={total:>11,d} ({total / 1e6:.2f}M) backbone={total - head:,d} "
              f"keys={len(m.state_dict())} stages={stages}")
