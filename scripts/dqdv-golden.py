#!/usr/bin/env python3
"""Ground truth for dQ/dV (src/echem/dqdv.ts, issue 15): a cycler log with an analytic Q(V).

    /usr/bin/python3 scripts/dqdv-golden.py     # writes test/fixtures/dqdv/{golden_log.csv,golden.json}

numpy only. The cell's capacity as a function of voltage is analytic: two plateaus as tanh steps on
a small linear background,

    discharge  Q(V) = sum_i Q_i/2 * (1 - tanh((V - V_i)/w_i)) + c * (V_top - V)
    charge     Q(V) = sum_i Q_i/2 * (1 + tanh((V - V_i)/w_i)) + c * (V - V_bottom)

so |dQ/dV| = sum_i Q_i/(2 w_i) sech^2((V - V_i)/w_i) + c: peaks at V_i of height Q_i/(2 w_i) + c,
and the charge passed between two voltages is Q(a) - Q(b) exactly. The log (a generic CSV: time_s,
voltage_v, current_ma, charge_mah) is a constant-current discharge and charge at 1 mA, records every
10 s, with V found by inverting Q(V) at each record's charge, plus Gaussian voltage noise of 1 mV. It
holds what must not make spikes: an OCV rest before, a 10-min interruption in the middle of the
discharge (the voltage relaxes 40 mV up with no current), a rest at the turning point (discharge to
charge) and a rest after.

golden.json: the plateaus (V_i, Q_i, w_i), c, the voltage limits, and for a bin width of 5 mV on
the grid k * 5 mV: the expected dQ/dV of every bin inside the traversed range, (Q(lo) - Q(hi)) / w.
"""
import json
import os

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "fixtures", "dqdv")

V_TOP, V_BOTTOM = 2.6, 1.8
C = 0.05  # mAh/V background
DISCHARGE = [(2.30, 0.30, 0.020), (2.08, 0.70, 0.015)]  # (V_i [V], Q_i [mAh], w_i [V])
CHARGE = [(2.22, 0.55, 0.020), (2.38, 0.45, 0.020)]
I_MA = 1.0
DT_S = 10.0
NOISE_V = 0.001
BIN_MV = 5.0
PAUSE_AT_MAH = 0.55  # the interruption, on the 2.08 V plateau
RELAX_V = 0.040


def q_discharge(v):
    v = np.asarray(v, float)
    return sum(q / 2 * (1 - np.tanh((v - v0) / w)) for v0, q, w in DISCHARGE) + C * (V_TOP - v)


def q_charge(v):
    v = np.asarray(v, float)
    return sum(q / 2 * (1 + np.tanh((v - v0) / w)) for v0, q, w in CHARGE) + C * (v - V_BOTTOM)


def v_of_q(qfun, q, falling):
    """Invert the monotonic Q(V) on a fine grid (0.01 mV)."""
    grid = np.arange(V_BOTTOM, V_TOP + 1e-9, 1e-5)
    qs = qfun(grid)
    if falling:  # Q rises as V falls
        return np.interp(q, qs[::-1], grid[::-1])
    return np.interp(q, qs, grid)


def expected_bins(qfun, lo_v, hi_v):
    """Every 5-mV bin fully inside [lo_v, hi_v]: centre and (charge passed in it) / width."""
    w = BIN_MV / 1000
    k0 = int(np.ceil(lo_v / w - 1e-9))
    k1 = int(np.floor(hi_v / w + 1e-9))
    edges = np.arange(k0, k1 + 1) * w
    qe = qfun(edges)
    return {
        "voltage_v": ((edges[:-1] + edges[1:]) / 2).round(6).tolist(),
        "dqdv_mah_v": (np.abs(np.diff(qe)) / w).tolist(),
    }


def main():
    rng = np.random.default_rng(20250515)
    t, v, i, q = [], [], [], []
    now = 0.0
    net = 0.0  # net charge since the start, negative on discharge

    def rec(volt, cur):
        t.append(now)
        v.append(volt + rng.normal(0, NOISE_V))
        i.append(cur)
        q.append(net)

    def rest(v0, seconds, relax=0.0):
        nonlocal now
        for k in range(int(seconds / 60)):
            rec(v0 + relax * (1 - np.exp(-k * 60 / 120)), 0.0)
            now += 60.0

    q_total_d = float(q_discharge(V_BOTTOM))
    q_total_c = float(q_charge(V_TOP))
    rest(V_TOP, 600)
    # discharge, interrupted once
    cap = 0.0
    paused = False
    while True:
        rec(float(v_of_q(q_discharge, cap, True)), -I_MA)
        if not paused and cap >= PAUSE_AT_MAH:
            paused = True
            now += DT_S
            rest(float(v_of_q(q_discharge, cap, True)), 600, RELAX_V)
            continue
        step = min(DT_S, (q_total_d - cap) * 3600 / I_MA)
        if step <= 1e-9:
            break
        now += step
        cap += I_MA * step / 3600
        net -= I_MA * step / 3600
    now += DT_S
    rest(V_BOTTOM, 600, RELAX_V)
    cap = 0.0
    while True:
        rec(float(v_of_q(q_charge, cap, False)), I_MA)
        step = min(DT_S, (q_total_c - cap) * 3600 / I_MA)
        if step <= 1e-9:
            break
        now += step
        cap += I_MA * step / 3600
        net += I_MA * step / 3600
    now += DT_S
    rest(V_TOP, 300)

    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "golden_log.csv"), "w") as f:
        f.write("# dQ/dV ground truth made by scripts/dqdv-golden.py (analytic Q(V), 1 mV noise)\n")
        f.write("time_s,voltage_v,current_ma,charge_mah\n")
        for row in zip(t, v, i, q):
            f.write(f"{row[0]:.1f},{row[1]:.6f},{row[2]:.3f},{row[3]:.9f}\n")
    peaks = lambda plateaus: [
        {"voltage_v": v0, "charge_mah": q0, "width_v": w0, "height_mah_v": q0 / (2 * w0) + C}
        for v0, q0, w0 in plateaus
    ]
    golden = {
        "about": "analytic dQ/dV of golden_log.csv (scripts/dqdv-golden.py)",
        "columns": "time=time_s,voltage=voltage_v,current=current_ma,charge=charge_mah",
        "bin_mv": BIN_MV,
        "noise_v": NOISE_V,
        "background_mah_v": C,
        "v_top": V_TOP,
        "v_bottom": V_BOTTOM,
        "discharge": {
            "capacity_mah": q_total_d,
            "peaks": peaks(DISCHARGE),
            # a window of ±60 mV around each peak: the charge passed in it
            "windows": [
                {"lo_v": v0 - 0.06, "hi_v": v0 + 0.06, "charge_mah": float(q_discharge(v0 - 0.06) - q_discharge(v0 + 0.06))}
                for v0, _, _ in DISCHARGE
            ],
            "bins": expected_bins(q_discharge, V_BOTTOM, V_TOP),
        },
        "charge": {
            "capacity_mah": q_total_c,
            "peaks": peaks(CHARGE),
            "windows": [
                {"lo_v": v0 - 0.06, "hi_v": v0 + 0.06, "charge_mah": float(q_charge(v0 + 0.06) - q_charge(v0 - 0.06))}
                for v0, _, _ in CHARGE
            ],
            "bins": expected_bins(q_charge, V_BOTTOM, V_TOP),
        },
    }
    with open(os.path.join(OUT, "golden.json"), "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")
    print(f"{len(t)} records, discharge {q_total_d:.4f} mAh, charge {q_total_c:.4f} mAh → {OUT}")


if __name__ == "__main__":
    main()
