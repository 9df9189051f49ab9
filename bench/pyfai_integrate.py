#!/usr/bin/env python3
"""pyFAI's side of bench/integrate-files.ts: read and integrate a stack or a series of frames.

    /usr/bin/python3 bench/pyfai_integrate.py PONI OUT.f64 (h5 FILE DATASET | cbf FILE...)

Everything is timed, set-up included (loading the PONI, building the CSR engine on the first frame),
as `swaxs integrate` is timed as a whole command. HDF5 is read with h5py, its bitshuffle-LZ4 chunks
through the HDF5 filter plugin Debian's bitshuffle installs (or hdf5plugin where present); CBF with
fabio. Integration as in pyfai.md §8.1: 1000 bins, q_nm^-1, bbox + CSR (cython), solid angle,
polarisation 0.99, Poisson errors, the detector's gap mask (Pilatus1M in the PONI). The intensities of
every frame go to OUT.f64 (float64, frames × 1000) for the comparison; prints one JSON object.
"""
import json
import sys
import time

t0 = time.perf_counter()
import numpy as np  # noqa: E402
import pyFAI  # noqa: E402

try:
    import hdf5plugin  # noqa: F401,E402
except ImportError:
    pass


def main():
    poni, out, kind = sys.argv[1], sys.argv[2], sys.argv[3]
    ai = pyFAI.load(poni)
    kw = dict(unit="q_nm^-1", method=("bbox", "csr", "cython"), correctSolidAngle=True,
              polarization_factor=0.99, error_model="poisson")
    curves = []

    def integrate(data):
        r = ai.integrate1d(data, 1000, **kw)
        curves.append(r.intensity)

    if kind == "h5":
        import h5py
        with h5py.File(sys.argv[4], "r") as f:
            ds = f[sys.argv[5]]
            for k in range(ds.shape[0]):
                integrate(ds[k])
    else:
        import fabio
        for path in sys.argv[4:]:
            integrate(fabio.open(path).data)
    wall = time.perf_counter() - t0
    np.asarray(curves, dtype="<f8").tofile(out)
    print(json.dumps({"frames": len(curves), "wall_s": round(wall, 3),
                      "frames_per_s": round(len(curves) / wall, 1), "pyfai": pyFAI.version}))


if __name__ == "__main__":
    main()
