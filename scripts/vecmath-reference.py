#!/usr/bin/python3
"""Reference values for the native backend's vector math kernels (native/src/vecmath_impl.h).

Writes src/backend/native/vecmath-reference.json: for each function of one argument
("functions"; pow, of two, under "binary": inputs x and y, reference out), float64 inputs and the
correctly rounded float64 value of the function there, computed with mpmath at 1200 bits and
rounded once (exactly, through fractions.Fraction), plus float32 inputs with the same kind of
reference. Inputs: random values over each function's whole domain (log-uniform magnitudes,
both signs), subnormals, ±0, ±∞, NaN, the overflow and underflow thresholds, and for sin and
cos the doubles below 1.6e6 closest to a multiple of π/2 (found exactly with integer
arithmetic) and beyond, where the kernels hand over to libm. Run: /usr/bin/python3 scripts/vecmath-reference.py
"""
import json
import math
import random
import struct
from fractions import Fraction

import mpmath
from mpmath import mp, mpf

mp.prec = 1200
rng = random.Random(18)

def f32(x):
    """x rounded to float32 (±∞ past its range), as a Python float."""
    try:
        return struct.unpack("f", struct.pack("f", x))[0]
    except OverflowError:
        return math.copysign(math.inf, x)

def to_double(v):
    """The float64 nearest to the mpf v (ties to even), ±∞ past the overflow threshold."""
    if mpmath.isnan(v):
        return math.nan
    if mpmath.isinf(v):
        return math.inf if v > 0 else -math.inf
    sign, man, exp, bc = v._mpf_
    if man == 0 or exp + bc < -1100:  # zero, or far below half the smallest subnormal
        return -0.0 if sign else 0.0
    if exp + bc > 1100:
        return -math.inf if sign else math.inf
    q = Fraction(man) * (Fraction(2) ** exp)
    limit = Fraction(2) ** 1024 - Fraction(2) ** 970
    if q >= limit:
        r = math.inf
    else:
        r = float(q)
    return -r if sign else r

def loguniform(lo, hi, n, signed=True):
    out = []
    for _ in range(n):
        x = 10 ** rng.uniform(math.log10(lo), math.log10(hi))
        out.append(-x if signed and rng.random() < 0.5 else x)
    return out

def uniform(lo, hi, n):
    return [rng.uniform(lo, hi) for _ in range(n)]

SPECIAL = [0.0, -0.0, math.inf, -math.inf, math.nan, 5e-324, -5e-324, 2.2250738585072014e-308,
           -2.2250738585072014e-308, 1e-310, -1e-310, 1.0, -1.0, 0.5, -0.5, 1.7976931348623157e308,
           -1.7976931348623157e308]

def near(xs):
    """Each value with its two neighbouring doubles."""
    out = []
    for x in xs:
        out += [x, math.nextafter(x, math.inf), math.nextafter(x, -math.inf)]
    return out

def closest_to_pio2_multiples(kmax, count):
    """The doubles nearest to k·π/2, k < kmax, whose distance to it is smallest (exact)."""
    bits = 400
    P = int(mpmath.floor(mp.pi / 2 * mpf(2) ** bits))
    scored = []
    for k in range(1, kmax):
        kp = k * P
        e = kp.bit_length() - bits - 1  # floor(log2(k·π/2))
        shift = bits + e - 52
        m = (kp + (1 << (shift - 1))) >> shift
        resid = abs(kp - (m << shift))
        scored.append((resid, k, m, e))
    scored.sort()
    return [math.ldexp(m, e - 52) for _, _, m, e in scored[:count]]

def softplus(x):
    return mp.log1p(mp.exp(x))

def sigmoid(x):
    return 1 / (1 + mp.exp(-x))

INPUTS = {
    "exp": uniform(-750, 715, 300) + uniform(-1, 1, 100) + loguniform(1e-320, 1, 100)
    + near([709.782712893384, -745.1332191019411, -708.3964185322641, 708.3964185322641, 708.0, -708.0,
            0.5 * math.log(2), -0.5 * math.log(2), 1.5 * math.log(2)]) + [-1000.0, 1000.0],
    "log": loguniform(1e-323, 1e308, 300, signed=False) + [1 + 2.0 ** -k for k in range(1, 53, 3)]
    + [1 - 2.0 ** -k for k in range(1, 54, 3)] + uniform(0.5, 2, 100) + near([math.sqrt(0.5), math.sqrt(2)])
    + [-2.0, -1e-300],
    "log1p": uniform(-1, 1, 150) + loguniform(1e-320, 1, 150) + loguniform(1, 1e308, 100, signed=False)
    + [-1 + 2.0 ** -k for k in range(1, 53, 3)] + near([math.sqrt(2) - 1, math.sqrt(0.5) - 1, 2.0 ** 53, 1e16])
    + [-1.5, -2.0],
    "expm1": uniform(-60, 60, 200) + uniform(-1, 1, 100) + loguniform(1e-320, 1, 100) + uniform(-750, 715, 100)
    + near([0.5 * math.log(2), -0.5 * math.log(2), 709.782712893384, 708.0, -708.0, 37.5, -37.5]),
    "sin": uniform(-10, 10, 200) + loguniform(1e-320, 1.6e6, 200) + loguniform(1.6e6, 1e308, 60)
    + near([1.6e6, 3.141592653589793, 1.5707963267948966, 6381956970095103 * 2.0 ** 797]),
    "tanh": uniform(-25, 25, 200) + uniform(-1.2, 1.2, 100) + loguniform(1e-320, 1, 100)
    + near([1.0, -1.0, 22.0, -22.0, 0.55]),
    "sigmoid": uniform(-750, 750, 150) + uniform(-40, 40, 150) + loguniform(1e-320, 1, 100)
    + near([708.0, -708.0, 36.7, -745.1]),
}
HARD = closest_to_pio2_multiples(1 << 20, 40)
INPUTS["sin"] += near(HARD)
INPUTS["cos"] = list(INPUTS["sin"])
INPUTS["atan"] = loguniform(1e-320, 1e300, 300) + uniform(-3, 3, 200) + near(
    [0.4375, 0.6875, 1.1875, 2.4375, -0.4375, -0.6875, -1.1875, -2.4375, 2.0 ** 66, 2.0 ** 27])
INPUTS["erf"] = uniform(-7, 7, 300) + loguniform(1e-320, 1e300, 200) + near(
    [0.84375, 1.25, 2.857142857142857, 6.0, -0.84375, -1.25, -2.857142857142857, -6.0, 5.9])
INPUTS["softplus"] = uniform(-750, 750, 150) + uniform(-40, 40, 200) + loguniform(1e-320, 1, 100) + near([708.0, -708.0, 36.7, -745.1])
INPUTS["tan"] = list(INPUTS["sin"]) + uniform(-1.6, 1.6, 100) + near([0.6743431091308594, -0.6743431091308594])
# tanh, densely (its own generator, so the other functions' inputs stay as they were): where
# e = expm1(2|x|) is small (|x| < 0.1, the table kernel's first entries), around e = 2 (|x| in
# 0.5–0.6), the table's steps m·ln2/32, up to where tanh rounds to 1 (19.06) and the AVX-512
# kernel's clamp (19.5), and the inputs found worst for the old and new kernels in 2²¹-point
# sweeps against long double (fdlibm's kernel reached 2.46 ulp at 0x1.c4bdf195993d1p-3).
TANH_WORST = [float.fromhex(h) for h in """
-0x1.13dbc6ea21a85p-1 -0x1.13fdd5d415b34p-1 -0x1.15b6b8f4208c0p-1 -0x1.1780ff038577fp-1 -0x1.18a0444f0cb6bp-1
-0x1.94dbe2703dac5p-27 -0x1.989e723381f70p-27 -0x1.afee0e989e431p-3 -0x1.bbadedbda54bap-3 -0x1.bf25ecbc4f53dp-3
-0x1.c53a1ec59ebfbp-3 -0x1.d656781ed70a6p-20 -0x1.eadc5be19c6b5p-7 -0x1.f05aaf5a5433cp-6 -0x1.f21d3e34e42a5p-5
-0x1.f928281155428p-5 -0x1.f9998a253e2c1p-6 -0x1.fa1747e612242p-19 -0x1.fcd3646561af3p-7 -0x1.fd16a15af032bp-8
-0x1.fd5739c311aecp-7 -0x1.fd8f74dd7e9bfp-8 -0x1.fdb1f447d6040p-7 -0x1.fdc07053ed8adp-6 -0x1.fdff104a1ef2ep-7
-0x1.fe380875de775p-8 -0x1.fea5227c7e0d1p-7 -0x1.ff640b6e9f9b5p-10 0x1.139eab0d22cbap-1 0x1.15119197d8a03p-1
0x1.15431396e97ebp-1 0x1.8f4afbc029674p-4 0x1.95a88111c36a4p-4 0x1.a7a861aafeb78p-3 0x1.b531ec247e58cp-3
0x1.c4bdf195993d1p-3 0x1.c5847272bf621p-3 0x1.f085cba241a38p-6 0x1.f2e6237ce1cc9p-8 0x1.fb137fed13521p-7
0x1.fb7df5d61a7c5p-7 0x1.fc21c242d4e4ep-8 0x1.fd5b41cd70a3ep-8 0x1.feeb7ac33ecb5p-8""".split()]
tanh_rng = random.Random(1806)
INPUTS["tanh"] += (
    [tanh_rng.choice((-1, 1)) * tanh_rng.uniform(lo, hi) for lo, hi, count in
     [(0, 0.1, 400), (0.1, 0.5, 200), (0.5, 0.6, 200), (0.6, 1, 100), (1, 20, 200)] for _ in range(count)]
    + [math.copysign(10 ** tanh_rng.uniform(-9, -1), tanh_rng.uniform(-1, 1)) for _ in range(200)]
    + near([m * math.log(2) / 32 for m in range(1, 48)] + [19.06, 19.5, -19.5, 18.4]) + TANH_WORST
)

FUNCS = {"exp": mp.exp, "log": mp.log, "log1p": mp.log1p, "expm1": mp.expm1, "sin": mp.sin,
         "cos": mp.cos, "tan": mp.tan, "atan": mp.atan, "erf": mp.erf, "tanh": mp.tanh, "sigmoid": sigmoid, "softplus": softplus}

def reference(name, x):
    if math.isnan(x):
        return math.nan
    if name in ("log", "log1p") and x < (0 if name == "log" else -1):
        return math.nan
    if name in ("sin", "cos", "tan") and math.isinf(x):
        return math.nan
    if name == "log" and x == 0:
        return -math.inf
    if name == "log1p" and x == -1:
        return -math.inf
    if math.isinf(x):
        limits = {"exp": (0.0, math.inf), "log": (None, math.inf), "log1p": (None, math.inf),
                  "expm1": (-1.0, math.inf), "atan": (-to_double(mp.pi / 2), to_double(mp.pi / 2)), "erf": (-1.0, 1.0), "tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0), "softplus": (0.0, math.inf)}
        lo, hi = limits[name]
        return hi if x > 0 else lo
    if x == 0 and name in ("log1p", "expm1", "sin", "tan", "atan", "erf", "tanh"):
        return x  # odd functions keep the sign of zero
    return to_double(FUNCS[name](mpf(x)))

def enc(v):
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return repr(v)

out = {"note": __doc__.strip().splitlines()[0], "functions": {}}
for name, xs in INPUTS.items():
    xs = list(SPECIAL) + xs
    x32 = sorted({f32(x) for x in xs if not math.isnan(x)}, key=lambda v: (v, math.copysign(1, v))) + [math.nan]
    out["functions"][name] = {
        "float64": {"x": [enc(x) for x in xs], "y": [enc(reference(name, x)) for x in xs]},
        "float32": {"x": [enc(x) for x in x32], "y": [enc(reference(name, x)) for x in x32]},
    }
# pow(x, y): JavaScript's Math.pow (the reference backend's), which is C99's pow (Annex F.9.4.4)
# except that a NaN exponent always gives NaN and (±1)^±∞ is NaN. Special cases from those
# rules, the rest from mpmath, exp(y·log|x|) at 1200 bits with the sign of an odd power.
def is_odd_integer(y):
    return math.isfinite(y) and y == math.floor(y) and abs(y) < 2.0 ** 53 and int(y) % 2 == 1

def pow_reference(x, y):
    if math.isnan(y):
        return math.nan
    if y == 0:
        return 1.0
    if math.isnan(x):
        return math.nan
    if math.isinf(y):
        if abs(x) == 1:
            return math.nan
        return (math.inf if abs(x) > 1 else 0.0) if y > 0 else (0.0 if abs(x) > 1 else math.inf)
    odd = is_odd_integer(y)
    if x == 0:
        if y > 0:
            return x if odd else 0.0
        return math.copysign(math.inf, x) if odd else math.inf
    if math.isinf(x):
        if x > 0:
            return math.inf if y > 0 else 0.0
        return (-math.inf if odd else math.inf) if y > 0 else (-0.0 if odd else 0.0)
    if x < 0 and y != math.floor(y):
        return math.nan
    v = to_double(mp.exp(mpf(y) * mp.log(abs(mpf(x)))))
    return -v if x < 0 and odd else v

POW_SPECIAL_X = [0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5, math.inf, -math.inf, math.nan, 5e-324, -5e-324, 1e-310,
                 2.2250738585072014e-308, 1.7976931348623157e308, -1.7976931348623157e308, math.nextafter(1, 2), math.nextafter(1, 0)]
POW_SPECIAL_Y = [0.0, -0.0, 1.0, -1.0, 2.0, 3.0, -3.0, 0.5, -0.5, 1.5, math.inf, -math.inf, math.nan, 1e300, -1e300,
                 2.0 ** 53, 2.0 ** 53 + 2, 2.0 ** 51 + 1, -(2.0 ** 51 + 1), 5e-324, 1075.0, -1075.0]

def pow_inputs():
    xs, ys = [], []
    def add(x, y):
        xs.append(x)
        ys.append(y)
    for x in POW_SPECIAL_X:
        for y in POW_SPECIAL_Y:
            add(x, y)
    # |x| log-uniform over every binade, y chosen so that y·log₂|x| spreads over (−1100, 1100):
    # normal, subnormal, underflowing and overflowing results.
    for x in loguniform(1e-300, 1e300, 500, signed=False):
        if x != 1:
            add(x, rng.uniform(-1100, 1100) / math.log2(x))
    for x in loguniform(1e-300, 1e300, 200, signed=False):
        add(x, rng.uniform(-30, 30))
    # x near 1 with large y: where y·log x needs log x to 63 bits.
    for _ in range(150):
        x = 1 + rng.choice([-1, 1]) * 10 ** rng.uniform(-16, -1)
        add(x, rng.uniform(-700, 700) / math.log(x))
    # negative x: integer exponents (odd and even, up to 2⁵¹ and beyond) and non-integer ones.
    for _ in range(150):
        add(-10 ** rng.uniform(-3, 3), float(rng.randint(-60, 60)))
    for y in [2.0 ** 51 - 1, 2.0 ** 51 + 1, 2.0 ** 52 + 1, 2.0 ** 60]:
        add(-math.nextafter(1, 2), y)
        add(-math.nextafter(1, 0), -y)
    for _ in range(30):
        add(-rng.uniform(0.1, 10), rng.uniform(-5, 5))
    # subnormal bases, small integer and half-integer exponents, the overflow and underflow edges.
    for x in loguniform(5e-324, 2e-308, 40, signed=False):
        add(x, rng.choice([0.5, 0.25, -0.5, 1.0, -1.0, 2.0, 1e-3]))
    for _ in range(100):
        add(rng.uniform(-10, 10), float(rng.choice([2, 3, -1, -2, 0.5, -0.5, 10])))
    for x in [2.0, 10.0, 0.5, math.e]:
        for edge in [1024.0, -1022.0, -1074.0, -1075.0]:
            y = edge / math.log2(x)
            for v in near([y]):
                add(x, v)
    return xs, ys

def pow_cases(xs, ys):
    return {"x": [enc(x) for x in xs], "y": [enc(y) for y in ys], "out": [enc(pow_reference(x, y)) for x, y in zip(xs, ys)]}

PX, PY = pow_inputs()
PX32 = [f32(x) for x in PX]
PY32 = [f32(y) for y in PY]
out["binary"] = {"pow": {"float64": pow_cases(PX, PY), "float32": pow_cases(PX32, PY32)}}

with open("src/backend/native/vecmath-reference.json", "w") as fh:
    json.dump(out, fh, separators=(",", ":"))
    fh.write("\n")
print({k: len(v) for k, v in INPUTS.items()})
