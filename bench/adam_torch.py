"""PyTorch's side of bench/adam-rounds.js: torch.optim.Adam's step() alone (lr 1e-3, in place,
one thread) on the 784-256-128-10 MLP's parameter shapes, float32, gradients fixed. Reads a call
count per line on stdin and answers the wall and CPU milliseconds per step() of that batch, as
JSON ({"wallMs", "cpuMs"}; CPU: time.process_time, which preemption by other processes does not
inflate)."""
import json
import sys
import time

import torch

torch.set_num_threads(1)
SHAPES = [(256, 784), (256,), (128, 256), (128,), (10, 128), (10,)]
gen = torch.Generator().manual_seed(0)
params = [torch.nn.Parameter(torch.randn(s, generator=gen)) for s in SHAPES]
for p in params:
    p.grad = torch.randn(p.shape, generator=gen) * 1e-2
opt = torch.optim.Adam(params, lr=1e-3)
for _ in range(20):
    opt.step()
print("ready", flush=True)
for line in sys.stdin:
    calls = int(line)
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(calls):
        opt.step()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({"wallMs": wall * 1e3 / calls, "cpuMs": cpu * 1e3 / calls}), flush=True)
