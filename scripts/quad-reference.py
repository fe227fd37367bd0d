"""Records scipy.integrate.quad on the quad test set (value, abserr, neval, the number of points
it really evaluated, its warning, its time per call on this machine) and the exact integrals (closed forms, else mpmath at 30
digits) into src/numeric/integrate/quad-reference.json, for quad-bar.test.ts.

The set: the 15 integrals of Bailey, Jeyabalan & Li, "A comparison of three high-precision
quadrature schemes", Experimental Mathematics 14 (2005); the QAGS/QAGI/QAGP problems of GSL's
integration tests (integration/test.c, testfn.c); and members of the integrand families of
table 4.1 of the QUADPACK book (Piessens et al. 1983) at one parameter value each.
scipy's default tolerances throughout (epsabs = epsrel = 1.49e-8, limit = 50).
Run with Debian's /usr/bin/python3 (scipy 1.10, mpmath): python3 scripts/quad-reference.py
"""
import json
import math
import os
import time
import warnings

import mpmath as mp
from scipy import integrate, special

mp.mp.dps = 30
inf = math.inf
pi = math.pi

# name, integrand (nabla's expression syntax, in x; read by the test and the bench too), a, b,
# points, exact (a float, or a zero-argument mpmath expression)
PROBLEMS = [
    ("bjl01", "x*log1p(x)", 0, 1, None, 0.25),
    ("bjl02", "x^2*atan(x)", 0, 1, None, (pi - 2 + 2 * math.log(2)) / 12),
    ("bjl03", "exp(x)*cos(x)", 0, pi / 2, None, lambda: (mp.exp(mp.pi / 2) - 1) / 2),
    ("bjl04", "atan(sqrt(2 + x^2))/((1 + x^2)*sqrt(2 + x^2))", 0, 1, None, lambda: 5 * mp.pi**2 / 96),
    ("bjl05", "sqrt(x)*log(x)", 0, 1, None, -4 / 9),
    ("bjl06", "sqrt(1 - x^2)", 0, 1, None, pi / 4),
    ("bjl07", "sqrt(x)/sqrt(1 - x^2)", 0, 1, None, lambda: 2 * mp.sqrt(mp.pi) * mp.gamma(0.75) / mp.gamma(0.25)),
    ("bjl08", "log(x)^2", 0, 1, None, 2.0),
    ("bjl09", "log(cos(x))", 0, pi / 2, None, lambda: -mp.pi * mp.log(2) / 2),
    ("bjl10", "sqrt(tan(x))", 0, pi / 2, None, lambda: mp.pi * mp.sqrt(2) / 2),
    ("bjl11", "1/(1 + x^2)", 0, inf, None, pi / 2),
    ("bjl12", "exp(-x)/sqrt(x)", 0, inf, None, lambda: mp.sqrt(mp.pi)),
    ("bjl13", "exp(-x^2/2)", 0, inf, None, lambda: mp.sqrt(mp.pi / 2)),
    ("bjl14", "exp(-x)*cos(x)", 0, inf, None, 0.5),
    ("bjl15", "sin(x)/x", 0, inf, None, pi / 2),
    ("gsl_f1", "x^2.6*log(1/x)", 0, 1, None, 1 / 3.6**2),
    ("gsl_f11", "log(1/x)", 1, 1000, None, lambda: -(1000 * mp.log(1000) - 999)),
    ("gsl_f455", "log(x)/(1 + 100*x^2)", 0, inf, None, lambda: -mp.pi * mp.log(10) / 20),
    ("gsl_f15", "x^2*exp(-x/32)", 0, inf, None, 65536.0),
    ("gsl_f16", "1/(1 + 10*x)^2", 99.9, inf, None, 1e-4),
    ("gsl_myfn1", "exp(-x - x^2)", -inf, inf, None, lambda: mp.sqrt(mp.pi) * mp.exp(0.25)),
    ("gsl_myfn2", "exp(x)", -inf, 1, None, lambda: mp.e),
    ("gsl_f454", "x^3*log(abs((x^2 - 1)*(x^2 - 2)))", 0, 3, [1, math.sqrt(2)], lambda: 61 * mp.log(2) + mp.mpf(77) / 4 * mp.log(7) - 27),
    ("gsl_f3", "cos(2^1.3*sin(x))", 0.3, 2.71, None, lambda: mp.quad(lambda x: mp.cos(mp.mpf(2) ** mp.mpf("1.3") * mp.sin(x)), [mp.mpf("0.3"), mp.mpf("2.71")])),
    ("book_f1", "x^(-0.5)*log(1/x)", 0, 1, None, 4.0),
    ("book_f2", "4^(-2)/((x - pi/4)^2 + 16^(-2))", 0, 1, None, lambda: mp.atan((4 - mp.pi) * 4) + mp.atan(mp.pi * 4)),
    ("book_f3", "cos(8*sin(x))", 0, pi, None, lambda: mp.pi * mp.besselj(0, 8)),
    ("book_f7", "abs(x - 1/3)^(-0.8)", 0, 1, None, lambda: ((mp.mpf(2) / 3) ** mp.mpf("0.2") + (mp.mpf(1) / 3) ** mp.mpf("0.2")) / mp.mpf("0.2")),
    ("book_f9", "1/((x + 1.5)*sqrt(1 - x^2))", -1, 1, None, lambda: mp.pi / mp.sqrt(mp.mpf("1.5") ** 2 - 1)),
    ("book_f10", "sin(x)^(-0.8)", 0, pi / 2, None, lambda: mp.mpf(2) ** mp.mpf("-1.8") * mp.gamma(0.1) ** 2 / mp.gamma(0.2)),
    ("book_f11", "log(1/x)^(-0.5)", 0, 1, None, lambda: mp.sqrt(mp.pi)),
    ("book_f12", "exp(20*(x - 1))*sin(16*x)", 0, 1, None, lambda: (20 * mp.sin(16) - 16 * mp.cos(16) + 16 * mp.exp(-20)) / (400 + 256)),
    ("book_f13", "cos(4*x)/sqrt(x*(1 - x))", 0, 1, None, lambda: mp.pi * mp.cos(2) * mp.besselj(0, 2)),
]

NAMESPACE = {name: getattr(math, name) for name in ("sin", "cos", "tan", "atan", "exp", "log", "log1p", "sqrt")}
NAMESPACE.update(abs=abs, pi=math.pi)


def compile_expression(source):
    """nabla's syntax to a Python function: only ^ differs (** in Python, with the same precedence)."""
    return eval("lambda x: " + source.replace("^", "**"), NAMESPACE)  # noqa: S307 (the fixed table above)


def seconds_per_call(f, a, b, points):
    """scipy's time for one quad call: the best of 5 runs of a loop of at least 0.05 s."""
    warnings.simplefilter("ignore")  # the warnings were recorded by run(); the timing loops repeat them
    repeats, best = 1, float("inf")
    while True:
        start = time.perf_counter()
        for _ in range(repeats):
            integrate.quad(f, a, b, points=points)
        elapsed = time.perf_counter() - start
        if elapsed >= 0.05:
            break
        repeats *= 2
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(repeats):
            integrate.quad(f, a, b, points=points)
        best = min(best, (time.perf_counter() - start) / repeats)
    return best


def run(name, source, a, b, points, exact):
    f = compile_expression(source)
    calls = [0]

    def counted(x):
        calls[0] += 1
        return f(x)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value, abserr, info = integrate.quad(counted, a, b, points=points, full_output=1)[:3]
    exact_value = float(exact()) if callable(exact) else float(exact)
    return {
        "name": name, "f": source, "a": a if math.isfinite(a) else str(a), "b": b if math.isfinite(b) else str(b),
        "points": points, "exact": exact_value, "value": value, "abserr": abserr,
        "neval": int(info["neval"]), "calls": calls[0], "seconds": seconds_per_call(f, a, b, points), "warning": str(caught[0].message).split("\n")[0] if caught else None,
    }


def main():
    rows = [run(*p) for p in PROBLEMS]
    out = os.path.join(os.path.dirname(__file__), "..", "src", "numeric", "integrate", "quad-reference.json")
    with open(out, "w") as fh:
        json.dump({"source": "scripts/quad-reference.py (scipy " + __import__("scipy").__version__ + ")", "problems": rows}, fh, indent=1)
    for r in rows:
        tol = max(1.49e-8, 1.49e-8 * abs(r["exact"]))
        err = abs(r["value"] - r["exact"])
        print(f'{r["name"]:10} err={err:.2e} est={r["abserr"]:.2e} calls={r["calls"]:5} neval={r["neval"]:5} ok={err <= tol and r["warning"] is None} {r["warning"] or ""}')


# bench/torch_bench.py loads this file for compile_expression, without rerunning the table.
if __name__ == "__main__":
    main()
