"""Max |ours - reference| per tensor of two safetensors files (no safetensors package needed).
Usage: compare_outputs.py OURS EXPECTED TOLERANCE -> prints one line per tensor, exits 1 if any exceeds
TOLERANCE x max(1, |reference|)."""
import sys, json, struct
import torch

def read(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n)); data = f.read()
    types = {"F32": torch.float32, "F64": torch.float64, "BF16": torch.bfloat16, "F16": torch.float16, "I64": torch.int64}
    out = {}
    for name, meta in header.items():
        if name == "__metadata__": continue
        a, b = meta["data_offsets"]
        out[name] = torch.frombuffer(bytearray(data[a:b]), dtype=types[meta["dtype"]]).reshape(meta["shape"]).double()
    return out

ours, expected, tolerance = read(sys.argv[1]), read(sys.argv[2]), float(sys.argv[3])
ok = True
for name, ref in expected.items():
    if name not in ours: continue
    err = (ours[name] - ref).abs().max().item(); scale = max(1.0, ref.abs().max().item())
    good = err <= tolerance * scale; ok &= good
    print(f"  {name:10s} max abs diff {err:.3e} (reference max {scale:.3g}) {'ok' if good else 'OVER ' + str(tolerance)}")
sys.exit(0 if ok else 1)
