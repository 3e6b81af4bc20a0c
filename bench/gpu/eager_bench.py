"""PyTorch eager LeMeViT throughput on CUDA, timed like `geodense model bench` (2 warm-up passes, then as many passes
as fit in SECONDS, synchronised). Usage: eager_bench.py REF_DIR VARIANT BATCH SIZE SECONDS fp32|bf16
REF_DIR holds the reference lemevit.py, make_lemevit_fixture.py (its VARIANTS) and the import stubs."""
import sys, os, time, importlib.util
ref_dir, variant, batch, size, seconds, precision = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), sys.argv[6]
sys.path.insert(0, os.path.join(ref_dir, "stubs"))
sys.path.insert(0, ref_dir)
import torch
from make_lemevit_fixture import VARIANTS
spec = importlib.util.spec_from_file_location("ref_lemevit", os.path.join(ref_dir, "lemevit.py"))
mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
model = mod.LeMeViT(num_classes=1000, attn_type=["C", "D", "D", "S", "S"], **VARIANTS[variant]).eval().cuda()
x = torch.randn(batch, 3, size, size, device="cuda")
autocast = torch.autocast("cuda", dtype=torch.bfloat16, enabled=precision == "bf16")
with torch.inference_mode(), autocast:
    for _ in range(2): model(x)
    torch.cuda.synchronize()
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        model(x); n += 1
        torch.cuda.synchronize()
    dt = time.perf_counter() - t0
print(f"pytorch-eager {variant} {precision} batch={batch} {size}x{size} on {torch.cuda.get_device_name()}: {n * batch / dt:.2f} img/s")
