"""Reference values for src/probability/*.test.ts, written to reference.json beside this file.

Run with Debian's python3 (torch 1.13, scipy 1.10, mpmath): `/usr/bin/python3 src/probability/reference.py`.
Distribution quantities and KL divergences come from torch.distributions in float64;
lgamma/digamma/trigamma from scipy.special; the implicit Gamma-sample gradient
dz/da = -(dP/da)/p(z; a) from mpmath at 40 digits (dP/da by mpmath.diff of the regularized
incomplete gamma function). The tests need only the JSON, never Python.
"""
import json
import math
import os

import mpmath
import scipy.special as sp
import torch
import torch.distributions as D

torch.set_default_dtype(torch.float64)
T = lambda v: torch.tensor(v, dtype=torch.float64)


def to_list(t):
    return t.detach().tolist()


# Each case: family, positional parameters, points for logProb/cdf/icdf.
CASES = [
    ("Normal", [[0.3, -1.2, 4.0], [1.5, 0.7, 2.2]], [-1.0, 0.5, 3.3], True),
    ("Uniform", [[-1.0, 0.5, 2.0], [1.0, 3.0, 2.5]], [-0.2, 1.0, 2.2], True),
    ("Exponential", [[0.5, 2.0, 3.7]], [0.1, 1.0, 2.5], True),
    ("Laplace", [[0.3, -1.2, 4.0], [1.5, 0.7, 2.2]], [-1.0, 0.5, 3.3], True),
    ("Gamma", [[0.4, 2.5, 9.0], [1.5, 0.7, 2.2]], [0.1, 1.0, 3.3], False),
    ("Beta", [[0.5, 2.0, 5.0], [1.5, 0.7, 3.0]], [0.1, 0.5, 0.93], False),
    ("Bernoulli", [[0.1, 0.5, 0.87]], [1.0, 0.0, 1.0], False),
]


def distribution_cases():
    out = []
    for name, params, points, has_cdf in CASES:
        d = getattr(D, name)(*[T(p) for p in params])
        x = T(points)
        case = {
            "family": name,
            "params": params,
            "points": points,
            "logProb": to_list(d.log_prob(x)),
            "mean": to_list(d.mean),
            "variance": to_list(d.variance),
            "entropy": to_list(d.entropy()),
        }
        if has_cdf:
            case["cdf"] = to_list(d.cdf(x))
            q = T([0.05, 0.5, 0.9])
            case["icdfPoints"] = to_list(q)
            case["icdf"] = to_list(d.icdf(q))
        out.append(case)
    probs = [[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]]
    d = D.Categorical(T(probs))
    out.append({
        "family": "Categorical", "params": [probs], "points": [2.0, 0.0],
        "logProb": to_list(d.log_prob(T([2.0, 0.0]))), "entropy": to_list(d.entropy()),
    })
    return out


# Parameter sets per family for KL, chosen so every registered pair is finite somewhere.
KL_PARAMS = {
    "Normal": [[0.3, -0.4], [1.5, 0.6]],
    "Laplace": [[-0.2, 0.8], [0.9, 1.3]],
    "Exponential": [[1.7, 0.6]],
    "Gamma": [[2.5, 0.8], [1.5, 2.2]],
    "Beta": [[2.0, 0.7], [3.0, 1.4]],
    "Uniform": [[0.1, 0.3], [0.8, 0.6]],
    "Bernoulli": [[0.3, 0.85]],
    "Categorical": [[[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]]],
}
KL_PARAMS_Q = {
    "Normal": [[0.1, 0.7], [2.0, 0.5]],
    "Laplace": [[0.4, -0.3], [1.7, 0.6]],
    "Exponential": [[0.9, 2.1]],
    "Gamma": [[1.2, 3.0], [0.7, 1.9]],
    "Beta": [[1.3, 0.6], [2.4, 1.8]],
    "Uniform": [[-0.5, 0.2], [1.5, 0.9]],
    "Bernoulli": [[0.55, 0.2]],
    "Categorical": [[[0.5, 0.25, 0.25], [0.1, 0.6, 0.3]]],
}


def kl_cases():
    out = []
    for (p_cls, q_cls), _ in D.kl._KL_REGISTRY.items():
        if p_cls.__name__ not in KL_PARAMS or q_cls.__name__ not in KL_PARAMS_Q:
            continue
        p = p_cls(*[T(v) for v in KL_PARAMS[p_cls.__name__]])
        q = q_cls(*[T(v) for v in KL_PARAMS_Q[q_cls.__name__]])
        value = D.kl_divergence(p, q)
        out.append({"p": p_cls.__name__, "q": q_cls.__name__, "value": [v if math.isfinite(v) else "Infinity" for v in to_list(value)]})
    return out


def mvn_cases():
    loc = T([0.5, -1.0, 2.0])
    a = T([[2.0, 0.3, -0.4], [0.3, 1.5, 0.2], [-0.4, 0.2, 1.1]])
    loc2 = T([0.0, 0.4, 1.0])
    b = T([[1.2, -0.2, 0.1], [-0.2, 0.9, 0.0], [0.1, 0.0, 2.0]])
    p = D.MultivariateNormal(loc, a)
    q = D.MultivariateNormal(loc2, b)
    x = T([[0.1, 0.2, 0.3], [1.0, -2.0, 2.5]])
    return {
        "loc": to_list(loc), "covariance": to_list(a), "loc2": to_list(loc2), "covariance2": to_list(b),
        "points": to_list(x), "logProb": to_list(p.log_prob(x)), "entropy": p.entropy().item(),
        "variance": to_list(p.variance), "kl": D.kl_divergence(p, q).item(),
    }


def special_cases():
    xs = [1e-3, 0.1, 0.5, 1.0, 1.5, 2.0, 3.7, 10.0, 123.4, 1e5]
    return {"x": xs, "lgamma": [float(sp.gammaln(x)) for x in xs], "digamma": [float(sp.digamma(x)) for x in xs],
            "trigamma": [float(sp.polygamma(1, x)) for x in xs]}


def implicit_gamma_cases():
    mpmath.mp.dps = 40
    out = []
    for a, z in [(0.3, 0.01), (0.3, 2.0), (1.0, 0.5), (1.0, 3.0), (2.5, 1.0), (2.5, 6.0), (10.0, 5.0), (10.0, 14.0), (50.0, 49.0), (50.0, 70.0),
                 (0.05, 1e-10), (0.05, 3.0), (5.0, 40.0), (1000.0, 950.0), (1000.0, 1050.0)]:
        am, zm = mpmath.mpf(a), mpmath.mpf(z)
        dp = mpmath.diff(lambda s: mpmath.gammainc(s, 0, zm, regularized=True), am)
        pdf = mpmath.exp((am - 1) * mpmath.log(zm) - zm - mpmath.loggamma(am))
        out.append({"a": a, "z": z, "dzda": float(-dp / pdf)})
    return out


def gamma_cdf_cases():
    """Gamma(a, rate).cdf at x, and its derivatives in a, rate and x (scipy; mpmath for d/da)."""
    import scipy.stats as st
    mpmath.mp.dps = 40
    out = []
    for a, rate, x in [(0.4, 1.5, 0.1), (2.5, 0.7, 1.0), (9.0, 2.2, 3.3), (3.0, 1.0, 7.5), (120.0, 2.0, 55.0)]:
        P = lambda s, y: mpmath.gammainc(s, 0, y, regularized=True)
        y = mpmath.mpf(rate) * mpmath.mpf(x)
        out.append({
            "a": a, "rate": rate, "x": x, "cdf": float(st.gamma.cdf(x, a, scale=1 / rate)),
            "da": float(mpmath.diff(lambda s: P(s, y), mpmath.mpf(a))),
            "dx": float(st.gamma.pdf(x, a, scale=1 / rate)),
            "drate": float(x * st.gamma.pdf(rate * x, a)),
        })
    return out


def kl_mc_case():
    # KL(Gamma(3, 2) || Laplace(1, 1)) has no closed form: integrate numerically.
    p, q = D.Gamma(T(3.0), T(2.0)), D.Laplace(T(1.0), T(1.0))
    mpmath.mp.dps = 30
    f = lambda x: mpmath.exp(p.log_prob(T(float(x))).item()) * (p.log_prob(T(float(x))).item() - q.log_prob(T(float(x))).item())
    return float(mpmath.quad(f, [0, 1, 3, 10, 60]))


if __name__ == "__main__":
    data = {
        "distributions": distribution_cases(), "kl": kl_cases(), "mvn": mvn_cases(), "special": special_cases(),
        "implicitGamma": implicit_gamma_cases(), "gammaCdf": gamma_cdf_cases(), "klGammaLaplace": kl_mc_case(),
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference.json")
    with open(path, "w") as fh:
        json.dump(data, fh, indent=1)
        fh.write("\n")
    print("wrote", path)
