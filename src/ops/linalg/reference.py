"""Reference values for src/ops/linalg/linalg.test.ts, computed with PyTorch float64.

Run: /usr/bin/python3 src/ops/linalg/reference.py > src/ops/linalg/reference.json
(torch 1.13, torch.linalg + autograd). For each case: the inputs, the function's value, the
gradient of a fixed weighted sum of its outputs, and a Hessian-vector product of that sum along
a fixed direction (autograd, create_graph=True). Outputs that are defined up to sign
(eigenvectors, singular vectors) enter only through sign-invariant squares.
"""
import json

import numpy as np
import torch

torch.set_default_dtype(torch.float64)
rng = np.random.default_rng(12)


def rand(*shape):
    return torch.tensor(rng.uniform(-1, 1, size=shape))


def tolist(t):
    return t.detach().numpy().tolist()


def case(name, fn, inputs):
    """fn maps the input tensors to a tuple of outputs; the loss is Σ weights·outputs."""
    xs = [x.clone().requires_grad_(True) for x in inputs]
    outs = fn(*xs)
    weights = [rand(*o.shape) for o in outs]
    loss = sum((w * o).sum() for w, o in zip(weights, outs))
    grads = torch.autograd.grad(loss, xs, create_graph=True)
    direction = [rand(*x.shape) for x in xs]
    inner = sum((g * v).sum() for g, v in zip(grads, direction))
    hvp = torch.autograd.grad(inner, xs)
    return name, {
        "inputs": [tolist(x) for x in inputs],
        "values": [tolist(o) for o in outs],
        "weights": [tolist(w) for w in weights],
        "grads": [tolist(g) for g in grads],
        "direction": [tolist(v) for v in direction],
        "hvp": [tolist(h) for h in hvp],
    }


def spd(x):
    return x @ x.mT + 3 * torch.eye(x.shape[-1])


def sym(x):
    return 0.5 * (x + x.mT)


def invertible(x):
    return x + 3 * torch.eye(x.shape[-1])


def lower(x):
    return torch.tril(x) + 2 * torch.eye(x.shape[-1])


cases = dict([
    case("cholesky", lambda x: (torch.linalg.cholesky(spd(x)),), [rand(2, 3, 3)]),
    case("solve", lambda a, b: (torch.linalg.solve(invertible(a), b),), [rand(2, 3, 3), rand(2, 3, 2)]),
    case("solveVector", lambda a, b: (torch.linalg.solve(invertible(a), b),), [rand(3, 3), rand(3)]),
    case("inv", lambda a: (torch.linalg.inv(invertible(a)),), [rand(2, 3, 3)]),
    case("det", lambda a: (torch.linalg.det(invertible(a)),), [rand(2, 3, 3)]),
    case("slogdet", lambda a: (torch.linalg.slogdet(invertible(a) - 2.5 * torch.eye(3))[1],), [rand(2, 3, 3)]),
    case("triangularSolve", lambda a, b: (torch.linalg.solve_triangular(lower(a), b, upper=False),), [rand(2, 3, 3), rand(3, 2)]),
    case("triangularSolveT", lambda a, b: (torch.linalg.solve_triangular(lower(a).mT, b, upper=True),), [rand(3, 3), rand(2, 3, 2)]),
    case("choSolve", lambda x, b: (torch.cholesky_solve(b, torch.linalg.cholesky(spd(x))),), [rand(2, 3, 3), rand(2, 3, 2)]),
    case("eigh", lambda x: (lambda r: (r[0], r[1] ** 2))(torch.linalg.eigh(sym(x) + torch.diag(torch.tensor([0.0, 2.0, 4.0, 6.0])))), [rand(2, 4, 4)]),
    case("eigvalsh", lambda x: (torch.linalg.eigvalsh(sym(x)),), [rand(2, 4, 4)]),
    case("svd", lambda a: (lambda r: (r[0] ** 2, r[1], r[2] ** 2))(torch.linalg.svd(a, full_matrices=False)), [rand(2, 5, 3)]),
    case("svdWide", lambda a: (lambda r: (r[0] ** 2, r[1], r[2] ** 2))(torch.linalg.svd(a, full_matrices=False)), [rand(3, 5)]),
    case("svdvals", lambda a: (torch.linalg.svdvals(a),), [rand(2, 4, 3)]),
    case("qr", lambda a: torch.linalg.qr(a), [rand(2, 5, 3)]),
    case("qrWide", lambda a: torch.linalg.qr(a), [rand(3, 5)]),
    case("lstsq", lambda a, b: (torch.linalg.pinv(a) @ b,), [rand(6, 3), rand(6, 2)]),
    case("pinv", lambda a: (torch.linalg.pinv(a),), [rand(2, 3, 4)]),
    case("expm", lambda a: (torch.linalg.matrix_exp(a),), [rand(2, 3, 3)]),
    case("expmLarge", lambda a: (torch.linalg.matrix_exp(4 * a),), [rand(4, 4)]),
    case("normVector", lambda x: (torch.linalg.vector_norm(x, dim=-1),), [rand(2, 5)]),
    case("normFro", lambda a: (torch.linalg.matrix_norm(a, "fro"),), [rand(2, 3, 4)]),
    case("normNuc", lambda a: (torch.linalg.matrix_norm(a, "nuc"),), [rand(2, 3, 4)]),
    case("norm2", lambda a: (torch.linalg.matrix_norm(a, 2),), [rand(2, 3, 4)]),
    case("norm1", lambda a: (torch.linalg.matrix_norm(a, 1),), [rand(2, 3, 4)]),
    case("normInf", lambda a: (torch.linalg.matrix_norm(a, float("inf")),), [rand(2, 3, 4)]),
])

print(json.dumps({"note": __doc__.strip().splitlines()[0], "torch": torch.__version__, "cases": cases}))
