#!/usr/bin/python3
"""Reference LIT throughput on this machine: bench_lit_ref.py LIT_REPO VARIANT BATCH H W [THREADS] [SECONDS]

Times the reference classifier (ziplab/LIT, imported at run time by make_lit_fixture.build; torchvision's CPU
deform_conv2d behind its DeformConv2dPack) at 1000 classes with random weights, the way `geodense model bench`
times ours: eval + inference mode, 2 warm-up passes, then as many passes as fit in SECONDS (10).
"""
import sys, os, time
import torch
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_lit_fixture import build

repo, variant, B, H, W = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
if len(sys.argv) > 6: torch.set_num_threads(int(sys.argv[6]))
seconds = float(sys.argv[7]) if len(sys.argv) > 7 else 10.0
*_, model, _ = build(repo, variant, num_classes=1000)
model.eval()
x = torch.randn(B, 3, H, W)
with torch.inference_mode():
    for _ in range(2): model(x)
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds: model(x); n += 1
    dt = time.perf_counter() - t0
print(f"reference lit-{variant} batch={B} {H}x{W} threads={torch.get_num_threads()}: {n * B / dt:.2f} img/s")
