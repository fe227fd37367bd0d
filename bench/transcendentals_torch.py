# PyTorch's side of bench/transcendentals.js: a long-lived child (Debian's /usr/bin/python3,
# one thread) that times one call of a named case per line it reads on stdin and answers the
# milliseconds on stdout, so that the JavaScript side can alternate nabla and PyTorch in rounds.
import sys
import time

import torch

torch.set_num_threads(1)
x = torch.rand(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000, dtype=torch.float64) * 2 - 1
xg = x.clone().requires_grad_()


def value_and_grad():
    y = (torch.sin(xg) * xg).sum()
    return y.item(), torch.autograd.grad(y, xg)[0]


CASES = {
    "valueAndGrad": value_and_grad,
    "tanh": lambda: torch.tanh(x) * x + 1,
    "tanhAlone": lambda: torch.tanh(x),
    "copy": lambda: x.clone(),
}

print("ready", torch.__version__, torch.get_num_threads(), flush=True)
for line in sys.stdin:
    f = CASES[line.strip()]
    t0 = time.perf_counter()
    f()
    print((time.perf_counter() - t0) * 1e3, flush=True)
