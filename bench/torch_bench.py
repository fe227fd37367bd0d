# PyTorch's side of `npm run bench`, run by bench/run.js as a child process with Debian's
# /usr/bin/python3 (python3-torch; never a project dependency). One thread, as the bench
# compares single-threaded kernels. Reads the cases as JSON on argv[1], prints results as JSON.
import json
import resource
import sys
import time

import torch

torch.set_num_threads(1)


def time_ms(fn, warmup=2, reps=5, inner=1):
    """Median milliseconds per call, as bench/run.js's timeMs measures."""
    for _ in range(warmup):
        for _ in range(inner):
            fn()
    samples = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - t0) * 1e3 / inner)
    samples.sort()
    return samples[len(samples) // 2]


def matmul(n, dtype, reps, inner, warmup):
    dt = torch.float64 if dtype == "float64" else torch.float32
    a = torch.rand(n, n, dtype=dt) * 2 - 1
    b = torch.rand(n, n, dtype=dt) * 2 - 1
    ms = time_ms(lambda: a @ b, warmup, reps, inner)
    return 2 * n**3 / (ms * 1e6)


def tanh_expr(reps):
    x = torch.rand(1_000_000, dtype=torch.float64) * 2 - 1
    # ms for 10⁶ elements = ns per element.
    return time_ms(lambda: torch.tanh(x) * x + 1, 3, reps)


def copy_array(reps):
    x = torch.rand(1_000_000, dtype=torch.float64)
    return time_ms(lambda: x.clone(), 3, reps)


def value_and_grad(reps):
    x = (torch.rand(1_000_000, dtype=torch.float64) * 2 - 1).requires_grad_()

    def step():
        y = (torch.sin(x) * x).sum()
        return y.item(), torch.autograd.grad(y, x)[0]

    return time_ms(step, 3, reps)


def tiny_eager(reps):
    a = torch.tensor([1.0, 2.0], dtype=torch.float64)
    b = torch.tensor([3.0, 4.0], dtype=torch.float64)
    return time_ms(lambda: a + b, 3, reps, 20000) * 1e3


def tiny_recorded(reps, ops):
    a = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    b = torch.tensor([3.0, 4.0], dtype=torch.float64)

    def forward():
        y = a + b
        for _ in range(ops - 1):
            y = a + b
        return y

    return time_ms(forward, 3, reps, 5) * 1e3 / ops


def small_op(op, dtype, reps, inner):
    """Microseconds per call of one small eager op (bench/run.js's smallOpCase), on uniform inputs."""
    dt = torch.float64 if dtype == "float64" else torch.float32
    g = torch.Generator().manual_seed(1)
    rand = lambda *shape: torch.rand(*shape, dtype=dt, generator=g) * 2 - 1
    if op.startswith("matmul"):
        m, k, n = (int(d) for d in op.split(" ")[1].split("x"))
        a, b = rand(m, k), rand(k, n)
        fn = lambda: a @ b
    else:
        x, bias = rand(128, 10), rand(10)
        fn = {
            "sum": lambda: x.sum(-1),
            "mean": lambda: x.mean(-1),
            "max": lambda: x.amax(-1),
            "add bias": lambda: x + bias,
        }[op]
    return time_ms(fn, 3, reps, inner) * 1e3


def mlp(dtype, labels, data):
    """
    One Adam step of the 784-256-128-10 ReLU MLP on bench/mlp.js's batch, as a function, written
    as PyTorch's users write it: nn.Sequential, cross_entropy on integer labels (log_softmax and
    nll_loss in one), optim.Adam, zero_grad(set_to_none=True) (PyTorch 2's default).
    """
    dt = torch.float64 if dtype == "float64" else torch.float32
    torch.manual_seed(0)
    with open(data, "rb") as f:
        x = torch.frombuffer(bytearray(f.read()), dtype=torch.float64).reshape(len(labels), 784).to(dt)
    y = torch.tensor(labels, dtype=torch.long)
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 256), torch.nn.ReLU(),
        torch.nn.Linear(256, 128), torch.nn.ReLU(),
        torch.nn.Linear(128, 10),
    ).to(dt)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()

    return step


def mixed_workload():
    """
    bench/mlp.js's nablaMixedWorkload in PyTorch: what a long-lived program does before it
    trains (matmuls of other sizes in both dtypes, elementwise work and reductions, gradients,
    a Hessian, a few linalg calls, another model's steps).
    """
    g = torch.Generator().manual_seed(0)
    for dt in (torch.float64, torch.float32):
        for m, k, n in ((17, 33, 9), (64, 64, 64), (200, 300, 100), (512, 512, 512), (128, 128, 10), (1000, 50, 3)):
            a = torch.rand(m, k, dtype=dt, generator=g) * 2 - 1
            b = torch.rand(k, n, dtype=dt, generator=g) * 2 - 1
            for _ in range(3):
                (a @ b).sum(-1).tolist()
            (a.T @ a).tolist()
        for size in (10, 1000, 100_000, 1_000_000):
            x = torch.rand(size, dtype=dt, generator=g) * 2 - 1
            (torch.tanh(x) * x + 1).numpy()
            torch.exp(-x.square()).sum().item()
            x.reshape(size // 10, 10).max(-1).values.numpy()
            t = x.clone().requires_grad_()
            y = (torch.sin(t) * t).sum()
            y.item(), torch.autograd.grad(y, t)[0].numpy()
            t = x.clone().requires_grad_()
            torch.autograd.grad(torch.log1p(t.square()).mean(), t)[0].numpy()
    x = torch.rand(50, 50, dtype=torch.float64, generator=g) * 2 - 1
    spd = x @ x.T + 50 * torch.eye(50, dtype=torch.float64)
    torch.linalg.cholesky(spd), torch.linalg.solve(spd, torch.ones(50, 1, dtype=torch.float64))
    torch.linalg.inv(spd), torch.linalg.eigh(spd)
    torch.autograd.functional.hessian(lambda v: torch.tanh(x @ v).sum(), torch.ones(50, dtype=torch.float64))
    s = spd.clone().requires_grad_()
    torch.autograd.grad(torch.linalg.slogdet(s).logabsdet, s)
    other = torch.nn.Sequential(torch.nn.Linear(784, 64), torch.nn.Tanh(), torch.nn.Linear(64, 10)).double()
    opt = torch.optim.SGD(other.parameters(), lr=0.01)
    xs = torch.randn(128, 784, dtype=torch.float64, generator=g)
    ys = torch.arange(128) % 10
    for _ in range(20):
        opt.zero_grad(set_to_none=True)
        torch.nn.functional.cross_entropy(other(xs), ys).backward()
        opt.step()


def train(dtype, labels, data, reps, warmup, mixed=False):
    """Samples/s of the MLP's training step; `mixed`: after mixed_workload in this process."""
    if mixed:
        mixed_workload()
    return len(labels) / (time_ms(mlp(dtype, labels, data), warmup, reps) / 1e3)


def serve(dtype, labels, data, mixed, warmup):
    """
    bench/mlp-rounds.js's PyTorch child: after `warmup` steps says it is ready (with torch's
    version), then per stdin line N runs N steps and prints wall and CPU ms per step.
    """
    if mixed:
        mixed_workload()
    step = mlp(dtype, labels, data)
    for _ in range(warmup):
        step()
    print(json.dumps({"ready": True, "version": torch.__version__}), flush=True)
    for line in sys.stdin:
        n = int(line)
        c0, t0 = time.process_time(), time.perf_counter()
        for _ in range(n):
            step()
        wall = (time.perf_counter() - t0) * 1e3 / n
        print(json.dumps({"wallMs": wall, "cpuMs": (time.process_time() - c0) * 1e3 / n}), flush=True)


def rss_mb():
    with open("/proc/self/statm") as f:
        return round(int(f.read().split()[1]) * resource.getpagesize() / 2**20)


def train_memory(labels, data, steps, seconds):
    """bench/mlp-child.js memory record for PyTorch: float32, up to `steps` steps or `seconds`."""
    step = mlp("float32", labels, data)
    every = max(1, steps // 10)
    samples = []
    t0 = time.perf_counter()
    done = 0
    while done < steps and time.perf_counter() - t0 < seconds:
        step()
        done += 1
        if done % every == 0:
            samples.append(rss_mb())
    # VmHWM, the high-water mark of this process's resident memory (not ru_maxrss, which a
    # child of a large process starts at its parent's size).
    with open("/proc/self/status") as f:
        hwm = next(line for line in f if line.startswith("VmHWM:"))
    peak = round(int(hwm.split()[1]) / 1024)
    return {"steps": done, "seconds": time.perf_counter() - t0, "samplesMB": samples, "peakMB": peak}


def linalg(op, n, reps, warmup):
    """Median ms of one float64 torch.linalg call on the same kind of input as bench/run.js's."""
    g = torch.Generator().manual_seed(1)
    x = torch.rand(n, n, dtype=torch.float64, generator=g) * 2 - 1
    spd = x @ x.T + n * torch.eye(n, dtype=torch.float64)
    b = torch.rand(n, 1, dtype=torch.float64, generator=g) * 2 - 1
    fns = {
        "cholesky": lambda: torch.linalg.cholesky(spd),
        "solve": lambda: torch.linalg.solve(spd, b),
        "inv": lambda: torch.linalg.inv(spd),
        "eigh": lambda: torch.linalg.eigh(spd),
        "eigvalsh": lambda: torch.linalg.eigvalsh(spd),
        "svd": lambda: torch.linalg.svd(x, full_matrices=False),
        "svdvals": lambda: torch.linalg.svdvals(x),
    }
    return time_ms(fns[op], warmup, reps)
def quad(f, a, b, points, reps, inner, warmup):
    """Median ms of one scipy.integrate.quad call (default tolerances) on an integrand of the quad test set."""
    import importlib.util
    import math
    import os
    import warnings

    from scipy import integrate

    path = os.path.join(os.path.dirname(__file__), "..", "scripts", "quad-reference.py")
    sys.dont_write_bytecode = True  # no __pycache__ left in the source tree
    spec = importlib.util.spec_from_file_location("quad_reference", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fn = module.compile_expression(f)
    lo, hi = (x if isinstance(x, (int, float)) else math.inf if x == "inf" else -math.inf for x in (a, b))
    warnings.simplefilter("ignore")  # the set's hard problems warn on every call
    return time_ms(lambda: integrate.quad(fn, lo, hi, points=points), warmup, reps, inner)


def per_example(mode, n, reps, warmup):
    """Per-example gradients of the 784-256-10 MLP's loss over n examples: functorch's vmap of grad, or a loop."""
    import functorch

    g = torch.Generator().manual_seed(0)
    p = {
        "W1": torch.randn(784, 256, dtype=torch.float64, generator=g) * 0.05, "b1": torch.zeros(256, dtype=torch.float64),
        "W2": torch.randn(256, 10, dtype=torch.float64, generator=g) * 0.05, "b2": torch.zeros(10, dtype=torch.float64),
    }
    x = torch.randn(n, 784, dtype=torch.float64, generator=g)
    y = torch.nn.functional.one_hot(torch.arange(n) % 10, 10).to(torch.float64)

    def loss(p, x, y):
        h = torch.relu(x @ p["W1"] + p["b1"])
        return -(y * torch.log_softmax(h @ p["W2"] + p["b2"], -1)).sum()

    if mode == "vmap":
        per = functorch.vmap(functorch.grad(loss), in_dims=(None, 0, 0))
        return time_ms(lambda: per(p, x, y), warmup, reps)
    grad = functorch.grad(loss)
    return time_ms(lambda: [grad(p, x[i], y[i]) for i in range(n)], warmup, reps)


def hessian_tanh(n, reps, warmup):
    """torch.autograd.functional.hessian of sum(tanh(A x)), x in R^n, vectorized."""
    g = torch.Generator().manual_seed(0)
    a = torch.randn(n, n, dtype=torch.float64, generator=g) / n**0.5
    x = torch.randn(n, dtype=torch.float64, generator=g)
    f = lambda v: torch.tanh(a @ v).sum()
    return time_ms(lambda: torch.autograd.functional.hessian(f, x, vectorize=True), warmup, reps)


def main():
    cases = json.loads(sys.argv[1])
    out = {"version": torch.__version__, "threads": torch.get_num_threads(), "results": {}}
    for case in cases:
        kind = case["kind"]
        if kind == "matmul":
            value = matmul(case["n"], case["dtype"], case["reps"], case["inner"], case["warmup"])
        elif kind == "tanh":
            value = tanh_expr(case["reps"])
        elif kind == "copy":
            value = copy_array(case["reps"])
        elif kind == "grad":
            value = value_and_grad(case["reps"])
        elif kind == "tinyEager":
            value = tiny_eager(case["reps"])
        elif kind == "tinyRecorded":
            value = tiny_recorded(case["reps"], case["ops"])
        elif kind == "serve":
            serve(case["dtype"], case["labels"], case["data"], case["mixed"], case.get("warmup", 20))
            return
        elif kind == "small":
            value = small_op(case["op"], case["dtype"], case["reps"], case["inner"])
        elif kind == "trainMemory":
            value = train_memory(case["labels"], case["data"], case["steps"], case["seconds"])
        elif kind == "linalg":
            value = linalg(case["op"], case["n"], case["reps"], case["warmup"])
        elif kind == "perExample":
            value = per_example(case["mode"], case["n"], case["reps"], case["warmup"])
        elif kind == "quad":
            value = quad(case["f"], case["a"], case["b"], case["points"], case["reps"], case["inner"], case["warmup"])
            out["scipy"] = __import__("scipy").__version__
        elif kind == "hessianTanh":
            value = hessian_tanh(case["n"], case["reps"], case["warmup"])
        elif kind == "train":
            value = train(case["dtype"], case["labels"], case["data"], case["reps"], case["warmup"], case.get("mixed", False))
        else:
            continue
        out["results"][case["id"]] = value
    print(json.dumps(out))


main()
