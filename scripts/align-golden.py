#!/usr/bin/env python3
"""Golden line scans for `swaxs align` (src/align/): erf edges with Poisson noise, fitted by scipy.

Writes test/fixtures/align/linescan.csv (columns scan,x_mm,y_mm,i0,it: a vertical scan across a
three-edge stack and a horizontal one across a two-edge window) and linescan.golden.json with the
true edges and what scipy.optimize.curve_fit finds for the same model and weights:

    T(u) = L0 + sum_k (L_k - L_{k-1}) * (1 + erf((u - e_k) / (sqrt(2) s_k))) / 2
    sigma_T = sqrt(max(it, 1) / i0**2 + (0.005 * (max T - min T))**2)   (align/edges.ts SIGMA_FLOOR)

curve_fit(absolute_sigma=False), as our fit, scales the covariance by the reduced chi-square. Also
a few F-distribution tail probabilities from scipy.stats.f.sf for the edge-count test.

Run from the repository root:  python3 scripts/align-golden.py   (numpy, scipy; seed fixed)
"""
import json
import math
from pathlib import Path

import numpy as np
import scipy
from scipy.optimize import curve_fit
from scipy.special import erf
from scipy.stats import f as f_dist

OUT = Path("test/fixtures/align")
FLOOR = 0.005
rng = np.random.default_rng(15)


def model(u, k, *p):
    p = np.asarray(p)
    levels, edges, widths = p[: k + 1], p[k + 1 : 2 * k + 1], p[2 * k + 1 :]
    t = np.full_like(u, levels[0], dtype=float)
    for j in range(k):
        t += (levels[j + 1] - levels[j]) * 0.5 * (1 + erf((u - edges[j]) / (math.sqrt(2) * widths[j])))
    return t


def scan(u, truth, i0_mean):
    k = len(truth["edges"])
    p = [*truth["levels"], *truth["edges"], *truth["widths"]]
    t_true = model(u, k, *p)
    i0 = rng.poisson(i0_mean, size=u.size).astype(float)
    it = rng.poisson(i0 * t_true).astype(float)
    return i0, it


def fit(u, i0, it, truth):
    k = len(truth["edges"])
    t = it / i0
    sigma = np.sqrt(np.maximum(it, 1) / i0**2 + (FLOOR * (t.max() - t.min())) ** 2)
    # start away from the truth: plateaus from the data, edges 20 um off, widths 1.5x
    p0 = [*np.round(truth["levels"], 2), *(np.asarray(truth["edges"]) + 0.02), *(1.5 * np.asarray(truth["widths"]))]
    popt, pcov = curve_fit(
        lambda x, *p: model(x, k, *p), u, t, p0=p0, sigma=sigma, absolute_sigma=False, maxfev=20000
    )
    perr = np.sqrt(np.diag(pcov))
    chi2 = float(np.sum(((t - model(u, k, *popt)) / sigma) ** 2))
    return {
        "levels": popt[: k + 1].tolist(),
        "levels_err": perr[: k + 1].tolist(),
        "edges": popt[k + 1 : 2 * k + 1].tolist(),
        "edges_err": perr[k + 1 : 2 * k + 1].tolist(),
        "widths": popt[2 * k + 1 :].tolist(),
        "widths_err": perr[2 * k + 1 :].tolist(),
        "chi2": chi2,
    }


vertical = {"levels": [0.002, 0.21, 0.185, 0.004], "edges": [0.0, 0.62, 1.31], "widths": [0.03, 0.045, 0.035]}
horizontal = {"levels": [0.0, 0.16, 0.0], "edges": [-2.5, 2.5], "widths": [0.06, 0.06]}
y = np.round(np.linspace(-0.4, 1.8, 111), 4)
x = np.round(np.linspace(-3.5, 3.5, 71), 4)
vi0, vit = scan(y, vertical, 2e4)
hi0, hit = scan(x, horizontal, 2e4)

rows = ["scan,x_mm,y_mm,i0,it"]
rows += [f"vertical,0,{y[i]:.4f},{int(vi0[i])},{int(vit[i])}" for i in range(y.size)]
rows += [f"horizontal,{x[i]:.4f},0.725,{int(hi0[i])},{int(hit[i])}" for i in range(x.size)]
OUT.mkdir(parents=True, exist_ok=True)
(OUT / "linescan.csv").write_text("\n".join(rows) + "\n")

golden = {
    "made_by": f"scripts/align-golden.py with numpy {np.__version__}, scipy {scipy.__version__}",
    "sigma_floor": FLOOR,
    "vertical": {"truth": vertical, "scipy": fit(y, vi0, vit, vertical)},
    "horizontal": {"truth": horizontal, "scipy": fit(x, hi0, hit, horizontal)},
    "f_sf": [
        {"f": f, "d1": d1, "d2": d2, "sf": float(f_dist.sf(f, d1, d2))}
        for f, d1, d2 in [(3.2, 3, 70), (0.5, 3, 10), (20.0, 3, 100), (5.5, 6, 95), (2.1, 6, 40)]
    ],
}
(OUT / "linescan.golden.json").write_text(json.dumps(golden, indent=1) + "\n")
print(json.dumps(golden["vertical"]["scipy"]["edges"]), json.dumps(golden["horizontal"]["scipy"]["edges"]))
