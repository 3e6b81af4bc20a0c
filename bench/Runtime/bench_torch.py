"""The runtime benchmark's baseline: the same measurements as Program.cs, from python3-torch.
Run with Debian's interpreter: /usr/bin/python3 bench/Runtime/bench_torch.py [threads]"""
import sys
import time

import torch
import torch.nn.functional as F

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
torch.set_num_threads(threads)
print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")


def per_call(n, loop):
    loop(n // 10)
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        loop(n)
        best = min(best, (time.perf_counter() - start) / n * 1e9)
    return best


def seconds(reps, op):
    op()
    best = float("inf")
    for _ in range(reps):
        start = time.perf_counter()
        op()
        best = min(best, time.perf_counter() - start)
    return best


def report(name, ns):
    print(f"{name:<45} {ns:10.1f} ns/call")


def report_flops(name, flops, secs):
    print(f"{name:<45} {flops / secs / 1e9:10.1f} GFLOP/s ({secs * 1e3:.1f} ms)")


def noop():
    pass


one = torch.ones(1)
other = torch.ones(1)


def loop_noop(n):
    for _ in range(n):
        noop()


def loop_dim(n):
    for _ in range(n):
        one.dim()


def loop_add(n):
    for _ in range(n):
        torch.add(one, other)


report("python function call (no-op)", per_call(2_000_000, loop_noop))
report("tensor.dim() (metadata query)", per_call(2_000_000, loop_dim))
report("add 1-element", per_call(500_000, loop_add))
with torch.no_grad():
    report("add 1-element, no_grad", per_call(500_000, loop_add))

with torch.inference_mode():
    x = torch.randn(8, 64, 56, 56)
    w = torch.randn(64, 64, 3, 3)
    conv_flops = 2.0 * 8 * 64 * 56 * 56 * 64 * 9
    report_flops("conv2d 8x64x56x56, 64 3x3 filters, pad 1", conv_flops, seconds(10, lambda: F.conv2d(x, w, None, 1, 1)))
    a = torch.randn(4096, 1024)
    lw = torch.randn(1024, 1024)
    lb = torch.randn(1024)
    linear_flops = 2.0 * 4096 * 1024 * 1024
    report_flops("linear 4096x1024 @ 1024x1024 + bias", linear_flops, seconds(10, lambda: F.linear(a, lw, lb)))
