# Reference values for src/nn/recurrent.test.ts: PyTorch's nn.RNN/LSTM/GRU (float64, batch_first)
# with random weights, their outputs, final states and the gradients of a random linear
# functional of both. Run with Debian's python3-torch: /usr/bin/python3 src/nn/recurrent-reference.py
# (writes src/nn/recurrent-reference.json). Weights are written in nabla's orientation
# ([in, gates·hidden], PyTorch's weight_ih_l{l} transposed); biases as they are.
import json
import torch

torch.manual_seed(20261203)
B, T, I, H, L = 2, 5, 3, 4, 2


def case(name, module, gates):
    module = module.double()
    x = torch.randn(B, T, I, dtype=torch.float64, requires_grad=True)
    h0 = torch.randn(L, B, H, dtype=torch.float64, requires_grad=True)
    c0 = torch.randn(L, B, H, dtype=torch.float64, requires_grad=True) if name == "LSTM" else None
    out, state = module(x, (h0, c0) if c0 is not None else h0)
    hn, cn = state if c0 is not None else (state, None)
    u = torch.randn_like(out)
    v = torch.randn_like(hn)
    w = torch.randn_like(cn) if cn is not None else None
    loss = (out * u).sum() + (hn * v).sum() + ((cn * w).sum() if cn is not None else 0)
    loss.backward()
    t = lambda a: a.detach().tolist()
    params, grads = {}, {}
    for l in range(L):
        for ours, theirs, transpose in [("weightIh", "weight_ih_l", True), ("weightHh", "weight_hh_l", True), ("biasIh", "bias_ih_l", False), ("biasHh", "bias_hh_l", False)]:
            p = getattr(module, f"{theirs}{l}")
            params[f"{ours}{l}"] = t(p.T if transpose else p)
            grads[f"{ours}{l}"] = t(p.grad.T if transpose else p.grad)
    rec = {"x": t(x), "h0": t(h0), "u": t(u), "v": t(v), "params": params, "output": t(out), "hn": t(hn),
           "grads": grads, "gradX": t(x.grad), "gradH0": t(h0.grad), "loss": loss.item()}
    if c0 is not None:
        rec.update({"c0": t(c0), "w": t(w), "cn": t(cn), "gradC0": t(c0.grad)})
    return rec


cases = {
    "RNN-tanh": case("RNN", torch.nn.RNN(I, H, num_layers=L, nonlinearity="tanh", batch_first=True), 1),
    "RNN-relu": case("RNN", torch.nn.RNN(I, H, num_layers=L, nonlinearity="relu", batch_first=True), 1),
    "LSTM": case("LSTM", torch.nn.LSTM(I, H, num_layers=L, batch_first=True), 4),
    "GRU": case("GRU", torch.nn.GRU(I, H, num_layers=L, batch_first=True), 3),
}
cases["meta"] = {"torch": torch.__version__, "batch": B, "time": T, "input": I, "hidden": H, "layers": L}
with open(__file__.replace(".py", ".json"), "w") as f:
    json.dump(cases, f)
