#!/usr/bin/env python3
"""Golden values for the Porod quantities of `swaxs run` (issue 15; src/analysis/porod.ts).

    /usr/bin/python3 scripts/porod-golden.py          # writes test/fixtures/porod/spheres.csv + spheres.json
    /usr/bin/python3 scripts/porod-golden.py --out -  # prints the JSON only (the tests' live cross-check)

Made with Debian's python3-numpy and python3-scipy. The model, written here from the textbook
formulas (Guinier & Fournet 1955; Glatter & Kratky 1982, ch. 2), not from our code:

- dilute polydisperse homogeneous spheres, radii Schulz-distributed (mean R, relative width s,
  z = 1/s² − 1, p(R) ∝ R^z e^{−(z+1)R/R̄}), number density n, contrast Δρ:
  I(q) = n Δρ² ∫ p(R) V(R)² Φ(qR)² dR + B, Φ(x) = 3(sin x − x cos x)/x³;
  the R integral by scipy.integrate.quad at every q;
- the invariant over [q1, q2]: scipy.integrate.quad of q² I(q) (the continuous function, not the bins);
- the Porod constant K = 2π Δρ² S/V = 8π² n Δρ² ⟨R²⟩ (⟨R²⟩ = R̄² (z+2)/(z+1) for Schulz), the limit
  of (I − B) q⁴ at large q, and B.

The CSV holds I on 800 bins (q, I, sigma = 1 % of I): the bins our functions take.
"""
import argparse
import json
import math
import os
import sys

import numpy as np
from scipy import integrate

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "fixtures", "porod")

R_MEAN_NM = 4.0
S_REL = 0.3
N_PER_NM3 = 1e-4
DRHO = 1.0
B = 2e-3
Q = np.linspace(0.02, 6.0, 800)
INVARIANT_Q = (0.15, 2.0)
POROD_Q = (3.0, 6.0)

z = 1.0 / S_REL**2 - 1.0


def schulz(r):
    # log-space for large z; normalised below
    a = (z + 1.0) / R_MEAN_NM
    return math.exp((z + 1.0) * math.log(a) + z * math.log(r) - a * r - math.lgamma(z + 1.0)) if r > 0 else 0.0


def phi(x):
    if x < 1e-4:
        return 1.0 - x * x / 10.0
    return 3.0 * (math.sin(x) - x * math.cos(x)) / x**3


R_HI = R_MEAN_NM * (1 + 12 * S_REL)


def intensity(q):
    f = lambda r: schulz(r) * ((4.0 / 3.0) * math.pi * r**3) ** 2 * phi(q * r) ** 2
    v, _ = integrate.quad(f, 0.0, R_HI, limit=400, epsabs=0, epsrel=1e-11)
    return N_PER_NM3 * DRHO**2 * v + B


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    norm, _ = integrate.quad(schulz, 0.0, R_HI, limit=200)
    r2, _ = integrate.quad(lambda r: schulz(r) * r * r, 0.0, R_HI, limit=200)
    r2_formula = R_MEAN_NM**2 * (z + 2) / (z + 1)
    inv, inv_err = integrate.quad(lambda q: q * q * intensity(q), *INVARIANT_Q, limit=400, epsrel=1e-10)
    golden = {
        "model": "Schulz-polydisperse dilute spheres + flat background",
        "r_mean_nm": R_MEAN_NM,
        "s_rel": S_REL,
        "n_per_nm3": N_PER_NM3,
        "drho": DRHO,
        "background": B,
        "schulz_norm": norm,
        "r2_mean_nm2": r2 / norm,
        "r2_formula_nm2": r2_formula,
        "invariant_q": list(INVARIANT_Q),
        "invariant": inv,
        "invariant_quad_error": inv_err,
        "porod_q": list(POROD_Q),
        "porod_k": 8 * math.pi**2 * N_PER_NM3 * DRHO**2 * r2_formula,
    }
    if args.out == "-":
        json.dump(golden, sys.stdout, indent=1)
        return
    os.makedirs(OUT, exist_ok=True)
    I = np.array([intensity(q) for q in Q])
    with open(os.path.join(OUT, "spheres.csv"), "w") as fh:
        fh.write("q_nm,intensity,sigma\n")
        for q, v in zip(Q, I):
            fh.write(f"{q:.10g},{v:.12g},{0.01 * v:.12g}\n")
    with open(os.path.join(OUT, "spheres.json"), "w") as fh:
        json.dump(golden, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
