#!/usr/bin/env python3
"""pyFAI's side of bench/run-vs-pyfai.ts: read and integrate the frames of an experiment, nothing else.

    /usr/bin/python3 bench/pyfai_run.py JOB.json

JOB.json: {"detectors": {name: {"poni", "mask" (EDF/CBF or null), "npt", "unit", "polarization"}},
           "frames": [[detector, file], ...]}
Each frame is read with fabio and integrated with pyFAI (bbox splitting, CSR, cython, solid angle,
the polarisation factor, Poisson errors) as `swaxs run` integrates it; the engines are built before
the clock starts (pyFAI caches them on first use), so what is timed is read + integrate per frame.
Prints one JSON object: frames, wall seconds, frames/s, pyFAI version.
"""
import json
import sys
import time

import fabio
import pyFAI
from pyFAI.azimuthalIntegrator import AzimuthalIntegrator


def main():
    job = json.load(open(sys.argv[1]))
    ais = {}
    for name, d in job["detectors"].items():
        ai = pyFAI.load(d["poni"])
        mask = fabio.open(d["mask"]).data if d.get("mask") else None
        ais[name] = (ai, mask, d)
    # warm up: build each detector's CSR engine on its first frame (not timed)
    for name, (ai, mask, d) in ais.items():
        first = next(f for det, f in job["frames"] if det == name)
        integrate(ai, mask, d, fabio.open(first).data)
    t0 = time.perf_counter()
    for det, f in job["frames"]:
        ai, mask, d = ais[det]
        integrate(ai, mask, d, fabio.open(f).data)
    wall = time.perf_counter() - t0
    n = len(job["frames"])
    print(json.dumps({"frames": n, "wall_s": round(wall, 3), "frames_per_s": round(n / wall, 1),
                      "pyfai": pyFAI.version}))


def integrate(ai, mask, d, data):
    return ai.integrate1d(data, d["npt"], unit=d["unit"], method=("bbox", "csr", "cython"), mask=mask,
                          correctSolidAngle=True, polarization_factor=d["polarization"], error_model="poisson")


if __name__ == "__main__":
    main()
