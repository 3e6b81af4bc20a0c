#!/usr/bin/python3
"""End-to-end fixture: reference LeMeViT-nano dense features -> UperHead + FCNHead (re-derived in
upernet_ref.py) -> logits resized to the image, i.e. what mmseg's EncoderDecoder returns.

The backbone half comes from the shared lemevit-nano fixture, which was produced by running the
reference LeMeViT code (/work/shared/tools/reference/make_lemevit_fixture.py): its input, its
reference feature1..feature4 and its mmseg-layout checkpoint (`state_dict` -> `backbone.*`).
This script adds randomised heads on top and records the outputs.

Usage: /usr/bin/python3 tests/reference/segmentor_ref.py LEMEVIT_FIXTURE_DIR OUT_DIR
Writes OUT_DIR/{heads.pth, io.safetensors}: heads.pth holds `decode_head.*` and `auxiliary_head.*`
(with the fixture's weights_mmseg.pth they form a complete mmseg segmentor checkpoint).
"""
import json, os, struct, sys
import numpy as np
import torch
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import upernet_ref as ref

SEED = 4242


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__": continue
        assert info["dtype"] == "F32", info
        a, b = info["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[a:b], dtype=np.float32).copy()).reshape(info["shape"])
    return out


def main():
    fixture, out = sys.argv[1], sys.argv[2]
    io = read_safetensors(os.path.join(fixture, "io.safetensors"))
    feats = [io[f"feature{i}"] for i in range(1, 5)]
    assert [f.shape[1] for f in feats] == ref.IN_CHANNELS, [f.shape for f in feats]
    torch.manual_seed(SEED)
    heads = ref.Heads()
    ref.randomise(heads, torch.Generator().manual_seed(SEED))
    heads.eval()
    image = io["input"]
    size = image.shape[2:]
    with torch.no_grad():
        decode, _ = heads.decode_head(feats)
        aux = heads.auxiliary_head(feats[ref.AUX_IN_INDEX])
        result = {"input": image, "logits": ref.upsample(decode, size), "aux_logits": ref.upsample(aux, size)}
    os.makedirs(out, exist_ok=True)
    torch.save(heads.state_dict(), os.path.join(out, "heads.pth"))
    ref.write_safetensors(os.path.join(out, "io.safetensors"), result)
    print(f"image {tuple(image.shape)} -> logits {tuple(result['logits'].shape)}, aux {tuple(result['aux_logits'].shape)}")


if __name__ == "__main__":
    main()
