#!/usr/bin/python3
"""MACs of the reference LeMeViT at 224x224 from torch.profiler FLOP counts: macs_profiler.py REF_LEMEVIT_PY"""
import sys, importlib.util
sys.path.insert(0,'/work/shared/tools/reference/stubs'); sys.path.insert(0,'/work/shared/tools/reference')
import torch
from make_lemevit_fixture import VARIANTS
torch.set_num_threads(1)
spec = importlib.util.spec_from_file_location("r", sys.argv[1]); m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
for v in ['tiny','small']:
    net = m.LeMeViT(num_classes=1000, attn_type=["C","D","D","S","S"], **VARIANTS[v]).eval()
    with torch.no_grad(), torch.profiler.profile(with_flops=True) as p:
        net(torch.randn(1,3,224,224))
    tot={}
    for e in p.key_averages():
        if e.flops: tot[e.key]=e.flops
    print(v, {k: round(f/2e6,1) for k,f in tot.items()}, 'GMACs(matmul+conv)=%.3f'%(sum(f for k,f in tot.items() if k in ('aten::addmm','aten::bmm','aten::mm','aten::conv2d','aten::matmul'))/2e9))
