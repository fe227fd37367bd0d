"""Reference spectra for src/landscape/landscape.test.ts, computed with PyTorch in float64.

A 4-8-3 tanh MLP (67 parameters, weights stored [in, out] as nabla does) with mean
cross-entropy over 24 seeded samples plus 0.01·‖θ‖² (so the trained point is an isolated minimum). Two points: the seeded initial weights ("random") and
the weights after full-batch L-BFGS to a small gradient ("trained", near a minimum). For each
the dense Hessian (torch.autograd.functional.hessian) gives every eigenvalue
(torch.linalg.eigvalsh), the trace and the squared Frobenius norm.

Run: /usr/bin/python3 mlp_hessian.py > mlp_hessian.json
"""
import json
import torch

torch.set_default_dtype(torch.float64)
g = torch.Generator().manual_seed(17)
X = torch.randn(24, 4, generator=g)
y = (X[:, 0] + X[:, 1] * X[:, 2] > 0).long() + (X[:, 3] > 0.8).long()
shapes = [("w1", (4, 8)), ("b1", (8,)), ("w2", (8, 3)), ("b2", (3,))]
DECAY = 1e-2
sizes = [torch.Size(s).numel() for _, s in shapes]


def unpack(theta):
    out, o = {}, 0
    for (name, shape), size in zip(shapes, sizes):
        out[name] = theta[o:o + size].reshape(shape)
        o += size
    return out


def loss(theta):
    p = unpack(theta)
    h = torch.tanh(X @ p["w1"] + p["b1"])
    return torch.nn.functional.cross_entropy(h @ p["w2"] + p["b2"], y) + DECAY * (theta ** 2).sum()


def describe(theta):
    H = torch.autograd.functional.hessian(loss, theta)
    ev = torch.linalg.eigvalsh(H)
    grad = torch.autograd.grad(loss(theta.requires_grad_()), theta)[0]
    return {
        "params": {k: v.tolist() for k, v in unpack(theta.detach()).items()},
        "loss": loss(theta.detach()).item(),
        "gradNorm": grad.norm().item(),
        "eigenvalues": ev.tolist(),
        "trace": H.trace().item(),
        "frobenius2": (H ** 2).sum().item(),
        "blockTraces": {name: H[o:o + s, o:o + s].trace().item() for (name, _), s, o in zip(shapes, sizes, [sum(sizes[:i]) for i in range(4)])},
    }


theta0 = torch.randn(sum(sizes), generator=g) * 0.7
random_point = describe(theta0.clone())
theta = theta0.clone().requires_grad_()
opt = torch.optim.LBFGS([theta], lr=1, max_iter=500, tolerance_grad=1e-10, tolerance_change=0, line_search_fn="strong_wolfe")


def closure():
    opt.zero_grad()
    value = loss(theta)
    value.backward()
    return value


for _ in range(5):
    opt.step(closure)
trained = theta.detach().clone()
print(json.dumps({"X": X.tolist(), "y": y.tolist(), "random": random_point, "trained": describe(trained)}))
