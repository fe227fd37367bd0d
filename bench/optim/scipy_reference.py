"""SciPy's side of nabla's optimisation benchmark on the Moré–Garbow–Hillstrom set.

Writes scipy-reference.json beside this file. Run with Debian's SciPy (never a dependency
of nabla):

    apt-get install -y python3-scipy python3-sympy
    /usr/bin/python3 bench/optim/scipy_reference.py

Each problem is written here again, independently of the TypeScript, as residuals in SymPy;
f = Σ rᵢ², and its gradient and Hessian are differentiated symbolically (exact derivatives,
none from nabla). SciPy runs from the paper's standard start:
  L-BFGS-B  jac                 defaults (pgtol 1e-5, ftol 2.2e-9, maxiter 15000)
  BFGS      jac                 defaults (gtol 1e-5, maxiter 200n)
  Newton-CG jac, hessp          defaults (xtol 1e-5, maxiter 200n)
  trust-ncg jac, hessp          gtol 1e-5 (its default is 1e-8; 1e-5 matches the others and nabla)
It also records, for problems without a closed-form minimiser, the minimiser that
scipy.optimize.least_squares reaches from the start with tight tolerances, so the tests can
check f(xmin) against the paper's minimum.
"""
import json
import math
import os
import sys

import numpy as np
import scipy
import sympy as sp
from scipy.optimize import least_squares, minimize

E = sp.exp


def rng(n, start=1):
    return list(range(start, start + n))


def problems():
    P = {}

    def add(name, n, x0, residuals):
        P[name] = (n, x0, residuals)

    add("rosenbrock", 2, [-1.2, 1], lambda x: [10 * (x[1] - x[0] ** 2), 1 - x[0]])
    add("freudensteinRoth", 2, [0.5, -2], lambda x: [
        -13 + x[0] + ((5 - x[1]) * x[1] - 2) * x[1], -29 + x[0] + ((x[1] + 1) * x[1] - 14) * x[1]])
    add("powellBadlyScaled", 2, [0, 1], lambda x: [1e4 * x[0] * x[1] - 1, E(-x[0]) + E(-x[1]) - 1.0001])
    add("brownBadlyScaled", 2, [1, 1], lambda x: [x[0] - 1e6, x[1] - 2e-6, x[0] * x[1] - 2])
    add("beale", 2, [1, 1], lambda x: [y - x[0] * (1 - x[1] ** i) for i, y in zip((1, 2, 3), (1.5, 2.25, 2.625))])
    add("jennrichSampson", 2, [0.3, 0.4], lambda x: [2 + 2 * i - (E(i * x[0]) + E(i * x[1])) for i in rng(10)])

    def helical(x):
        theta = sp.atan(x[1] / x[0]) / (2 * sp.pi) + sp.Piecewise((0, x[0] > 0), (sp.Rational(1, 2), True))
        return [10 * (x[2] - 10 * theta), 10 * (sp.sqrt(x[0] ** 2 + x[1] ** 2) - 1), x[2]]
    add("helicalValley", 3, [-1, 0, 0], helical)

    bard_y = [0.14, 0.18, 0.22, 0.25, 0.29, 0.32, 0.35, 0.39, 0.37, 0.58, 0.73, 0.96, 1.34, 2.10, 4.39]
    add("bard", 3, [1, 1, 1], lambda x: [
        bard_y[i - 1] - (x[0] + i / (x[1] * (16 - i) + x[2] * min(i, 16 - i))) for i in rng(15)])
    gauss_y = [0.0009, 0.0044, 0.0175, 0.0540, 0.1295, 0.2420, 0.3521, 0.3989, 0.3521, 0.2420, 0.1295, 0.0540, 0.0175, 0.0044, 0.0009]
    add("gaussian", 3, [0.4, 1, 0], lambda x: [
        x[0] * E(-x[1] * ((8 - i) / 2 - x[2]) ** 2 / 2) - gauss_y[i - 1] for i in rng(15)])
    meyer_y = [34780, 28610, 23650, 19630, 16370, 13720, 11540, 9744, 8261, 7030, 6005, 5147, 4427, 3820, 3307, 2872]
    add("meyer", 3, [0.02, 4000, 250], lambda x: [x[0] * E(x[1] / (45 + 5 * i + x[2])) - meyer_y[i - 1] for i in rng(16)])

    def gulf(x):
        out = []
        for i in rng(99):
            t = i / 100
            y = 25 + (-50 * math.log(t)) ** (2 / 3)
            # |y − x₂|^x₃ as ((y − x₂)²)^(x₃/2): the same function, without a DiracDelta in its Hessian.
            out.append(E(-((y - x[1]) ** 2) ** (x[2] / 2) / x[0]) - t)
        return out
    add("gulf", 3, [5, 2.5, 0.15], gulf)
    add("box3d", 3, [0, 10, 20], lambda x: [
        E(-i / 10 * x[0]) - E(-i / 10 * x[1]) - x[2] * (math.exp(-i / 10) - math.exp(-i)) for i in rng(10)])
    add("powellSingular", 4, [3, -1, 0, 1], lambda x: [
        x[0] + 10 * x[1], math.sqrt(5) * (x[2] - x[3]), (x[1] - 2 * x[2]) ** 2, math.sqrt(10) * (x[0] - x[3]) ** 2])
    add("wood", 4, [-3, -1, -3, -1], lambda x: [
        10 * (x[1] - x[0] ** 2), 1 - x[0], math.sqrt(90) * (x[3] - x[2] ** 2), 1 - x[2],
        math.sqrt(10) * (x[1] + x[3] - 2), (x[1] - x[3]) / math.sqrt(10)])
    ko_y = [0.1957, 0.1947, 0.1735, 0.1600, 0.0844, 0.0627, 0.0456, 0.0342, 0.0323, 0.0235, 0.0246]
    ko_u = [4, 2, 1, 0.5, 0.25, 0.167, 0.125, 0.1, 0.0833, 0.0714, 0.0625]
    add("kowalikOsborne", 4, [0.25, 0.39, 0.415, 0.39], lambda x: [
        y - x[0] * (u * u + u * x[1]) / (u * u + u * x[2] + x[3]) for y, u in zip(ko_y, ko_u)])
    add("brownDennis", 4, [25, 5, -5, -1], lambda x: [
        (x[0] + i / 5 * x[1] - math.exp(i / 5)) ** 2 + (x[2] + x[3] * math.sin(i / 5) - math.cos(i / 5)) ** 2 for i in rng(20)])
    os1_y = [0.844, 0.908, 0.932, 0.936, 0.925, 0.908, 0.881, 0.850, 0.818, 0.784, 0.751, 0.718, 0.685, 0.658, 0.628, 0.603, 0.580,
             0.558, 0.538, 0.522, 0.506, 0.490, 0.478, 0.467, 0.457, 0.448, 0.438, 0.431, 0.424, 0.420, 0.414, 0.411, 0.406]
    add("osborne1", 5, [0.5, 1.5, -1, 0.01, 0.02], lambda x: [
        y - (x[0] + x[1] * E(-10 * i * x[3]) + x[2] * E(-10 * i * x[4])) for i, y in enumerate(os1_y)])

    def biggs(x):
        out = []
        for i in rng(13):
            t = i / 10
            y = math.exp(-t) - 5 * math.exp(-10 * t) + 3 * math.exp(-4 * t)
            out.append(x[2] * E(-t * x[0]) - x[3] * E(-t * x[1]) + x[5] * E(-t * x[4]) - y)
        return out
    add("biggsExp6", 6, [1, 2, 1, 1, 1, 1], biggs)
    os2_y = [1.366, 1.191, 1.112, 1.013, 0.991, 0.885, 0.831, 0.847, 0.786, 0.725, 0.746, 0.679, 0.608, 0.655, 0.616, 0.606, 0.602,
             0.626, 0.651, 0.724, 0.649, 0.649, 0.694, 0.644, 0.624, 0.661, 0.612, 0.558, 0.533, 0.495, 0.500, 0.423, 0.395, 0.375,
             0.372, 0.391, 0.396, 0.405, 0.428, 0.429, 0.523, 0.562, 0.607, 0.653, 0.672, 0.708, 0.633, 0.668, 0.645, 0.632, 0.591,
             0.559, 0.597, 0.625, 0.739, 0.710, 0.729, 0.720, 0.636, 0.581, 0.428, 0.292, 0.162, 0.098, 0.054]
    add("osborne2", 11, [1.3, 0.65, 0.65, 0.7, 0.6, 3, 5, 7, 2, 4.5, 5.5], lambda x: [
        y - (x[0] * E(-i / 10 * x[4]) + x[1] * E(-(i / 10 - x[8]) ** 2 * x[5]) + x[2] * E(-(i / 10 - x[9]) ** 2 * x[6])
             + x[3] * E(-(i / 10 - x[10]) ** 2 * x[7])) for i, y in enumerate(os2_y)])

    def watson(x):
        n = 6
        out = []
        for i in rng(29):
            t = i / 29
            s1 = sum((j - 1) * x[j - 1] * t ** (j - 2) for j in range(2, n + 1))
            s2 = sum(x[j - 1] * t ** (j - 1) for j in range(1, n + 1))
            out.append(s1 - s2 ** 2 - 1)
        return out + [x[0], x[1] - x[0] ** 2 - 1]
    add("watson", 6, [0] * 6, watson)
    add("extendedRosenbrock", 10, [-1.2, 1] * 5, lambda x: sum(
        ([10 * (x[2 * i + 1] - x[2 * i] ** 2), 1 - x[2 * i]] for i in range(5)), []))
    add("extendedPowell", 8, [3, -1, 0, 1] * 2, lambda x: sum((
        [x[4 * i] + 10 * x[4 * i + 1], math.sqrt(5) * (x[4 * i + 2] - x[4 * i + 3]), (x[4 * i + 1] - 2 * x[4 * i + 2]) ** 2,
         math.sqrt(10) * (x[4 * i] - x[4 * i + 3]) ** 2] for i in range(2)), []))
    add("penalty1", 4, [1, 2, 3, 4], lambda x: [math.sqrt(1e-5) * (xi - 1) for xi in x] + [sum(xi ** 2 for xi in x) - 0.25])

    def penalty2(x):
        n, a = 4, math.sqrt(1e-5)
        out = [x[0] - 0.2]
        out += [a * (E(x[i - 1] / 10) + E(x[i - 2] / 10) - (math.exp(i / 10) + math.exp((i - 1) / 10))) for i in range(2, n + 1)]
        out += [a * (E(x[i - n] / 10) - math.exp(-1 / 10)) for i in range(n + 1, 2 * n)]
        out += [sum((n - j + 1) * x[j - 1] ** 2 for j in range(1, n + 1)) - 1]
        return out
    add("penalty2", 4, [0.5] * 4, penalty2)

    def variably(x):
        s = sum(j * (x[j - 1] - 1) for j in rng(10))
        return [xi - 1 for xi in x] + [s, s ** 2]
    add("variablyDimensioned", 10, [1 - j / 10 for j in rng(10)], variably)
    add("trigonometric", 10, [0.1] * 10, lambda x: [
        10 - sum(sp.cos(xj) for xj in x) + i * (1 - sp.cos(x[i - 1])) - sp.sin(x[i - 1]) for i in rng(10)])
    add("brownAlmostLinear", 10, [0.5] * 10, lambda x: [x[i] + sum(x) - 11 for i in range(9)] + [sp.Mul(*x) - 1])
    h = 1 / 11
    t = [i * h for i in rng(10)]

    def boundary(x):
        xx = [0] + list(x) + [0]
        return [2 * xx[i] - xx[i - 1] - xx[i + 1] + h * h * (xx[i] + t[i - 1] + 1) ** 3 / 2 for i in rng(10)]
    add("discreteBoundaryValue", 10, [ti * (ti - 1) for ti in t], boundary)

    def integral(x):
        c = [(x[j] + t[j] + 1) ** 3 for j in range(10)]
        return [x[i] + h * ((1 - t[i]) * sum(t[j] * c[j] for j in range(i + 1))
                            + t[i] * sum((1 - t[j]) * c[j] for j in range(i + 1, 10))) / 2 for i in range(10)]
    add("discreteIntegralEquation", 10, [ti * (ti - 1) for ti in t], integral)

    def tridiagonal(x):
        xx = [0] + list(x) + [0]
        return [(3 - 2 * xx[i]) * xx[i] - xx[i - 1] - 2 * xx[i + 1] + 1 for i in rng(10)]
    add("broydenTridiagonal", 10, [-1] * 10, tridiagonal)
    add("broydenBanded", 10, [-1] * 10, lambda x: [
        x[i - 1] * (2 + 5 * x[i - 1] ** 2) + 1 - sum(x[j - 1] * (1 + x[j - 1]) for j in range(max(1, i - 5), min(10, i + 1) + 1) if j != i)
        for i in rng(10)])
    add("linearFullRank", 5, [1] * 5, lambda x: [x[i] - 2 / 10 * sum(x) - 1 for i in range(5)] + [-2 / 10 * sum(x) - 1] * 5)
    add("linearRank1", 5, [1] * 5, lambda x: [i * sum(j * x[j - 1] for j in rng(5)) - 1 for i in rng(10)])
    add("linearRank1ZeroColumns", 5, [1] * 5, lambda x: [-1] + [
        (i - 1) * sum(j * x[j - 1] for j in range(2, 5)) - 1 for i in range(2, 10)] + [-1])

    def chebyquad(x):
        n = 8
        y = [2 * xj - 1 for xj in x]
        prev, cur = [1] * n, y
        out = []
        for i in rng(n):
            integral = -1 / (i * i - 1) if i % 2 == 0 else 0
            out.append(sum(cur) / n - integral)
            prev, cur = cur, [2 * yj * cj - pj for yj, cj, pj in zip(y, cur, prev)]
        return out
    add("chebyquad", 8, [j / 9 for j in rng(8)], chebyquad)
    return P


def compile_problem(n, residuals):
    xs = sp.symbols(f"x0:{n}", real=True)
    r = [sp.sympify(ri) for ri in residuals(list(xs))]
    f = sum(ri ** 2 for ri in r)
    grad = [sp.diff(f, xi) for xi in xs]
    hess = [[sp.diff(g, xj) for xj in xs] for g in grad]
    lf = sp.lambdify([xs], f, "numpy")
    lg = sp.lambdify([xs], grad, "numpy")
    lh = sp.lambdify([xs], hess, "numpy")
    lr = sp.lambdify([xs], r, "numpy")
    return (lambda x: float(lf(x)), lambda x: np.array(lg(x), dtype=float),
            lambda x: np.array(lh(x), dtype=float), lambda x: np.array(lr(x), dtype=float))


def main():
    out = {"scipy": scipy.__version__, "sympy": sp.__version__, "problems": {}}
    for name, (n, x0, residuals) in problems().items():
        f, g, H, r = compile_problem(n, residuals)
        hessp = lambda x, p: H(x) @ p
        runs = {
            "L-BFGS-B": dict(method="L-BFGS-B", jac=g),
            "BFGS": dict(method="BFGS", jac=g),
            "Newton-CG": dict(method="Newton-CG", jac=g, hessp=hessp),
            "trust-ncg": dict(method="trust-ncg", jac=g, hessp=hessp, options={"gtol": 1e-5}),
        }
        entry = {"n": n, "f0": f(np.array(x0, dtype=float)), "runs": {}}
        for label, kw in runs.items():
            with np.errstate(all="ignore"):
                res = minimize(f, np.array(x0, dtype=float), **kw)
            entry["runs"][label] = {
                "fun": float(res.fun), "nit": int(res.nit), "nfev": int(res.nfev), "njev": int(getattr(res, "njev", 0)),
                "nhev": int(getattr(res, "nhev", 0)), "success": bool(res.success), "message": str(res.message),
            }
        with np.errstate(all="ignore"):
            ls = least_squares(r, np.array(x0, dtype=float), xtol=1e-15, ftol=1e-15, gtol=1e-15, max_nfev=20000)
        entry["leastSquares"] = {"x": ls.x.tolist(), "fun": float((ls.fun ** 2).sum())}
        out["problems"][name] = entry
        print(name, entry["f0"], {k: (v["fun"], v["nfev"]) for k, v in entry["runs"].items()}, entry["leastSquares"]["fun"], file=sys.stderr)
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "scipy-reference.json"), "w") as fh:
        json.dump(out, fh, indent=1)


if __name__ == "__main__":
    main()
