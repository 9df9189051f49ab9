#!/usr/bin/env python3
"""Golden values for `swaxs design transmission` and `swaxs phases` (issue 15).

    /usr/bin/python3 scripts/design-golden.py            # writes test/fixtures/design/golden.json
    /usr/bin/python3 scripts/design-golden.py --out -    # prints it (the tests' live cross-check)

Made with Debian's python3-xraydb (4.4.7) and python3-pymatgen (2022.11.7), run from the
repository root (it runs `node --import tsx scripts/design-structures.ts` for the built-in phases).

- transmission: xraydb.material_mu(formula, energy_eV, density, kind="total") [1/cm] for the cell's
  materials at 8.04, 16 and 17.44 keV; steel as the mole ratios of its mass fractions.
- phases: pymatgen XRDCalculator(wavelength).get_pattern(structure, scaled=True,
  two_theta_range=(0, 2θ(q=40 nm⁻¹))) for the built-in phases (from our JSON; per-element
  Debye-Waller B = the occupancy-weighted mean of our per-site B, since pymatgen takes one B per
  element) and for the COD CIFs in test/fixtures/design (pymatgen's own CIF parser, conventional
  cell, no B: the CIFs carry none). Each peak: 2θ, d [Å], q [nm⁻¹], intensity (max 100) and its
  hkl families with multiplicities.
"""
import argparse
import json
import math
import os
import subprocess
import sys

import xraydb
from pymatgen.analysis.diffraction.xrd import XRDCalculator
from pymatgen.core import Lattice, Structure
from pymatgen.io.cif import CifParser

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "test", "fixtures", "design")
CIFS = ["cod-1000041-NaCl.cif", "cod-1010921-cristobalite.cif", "cod-1011240-hematite.cif"]
ENERGIES_KEV = [8.04, 16.0, 17.44]
Q_MAX_NM = 40.0
# weighted Kα (International Tables), the values src/design/energy.ts uses
WAVELENGTHS = {"CuKa": 1.54184, "16keV": 12.398419843320026 / 16.0}

STEEL_MASS = {"Fe": 0.655, "Cr": 0.17, "Ni": 0.12, "Mo": 0.025, "Mn": 0.02, "C": 0.0003}
MATERIALS = [
    # name as the test passes it to `swaxs design transmission`, xraydb formula, density g/cm³
    ("C19H12O3", "C19H12O3", 1.32),
    ("Li6PS5Cl", "Li6PS5Cl", 1.64),
    ("S", "S", 2.07),
    ("Li2S", "Li2S", 1.66),
    ("In", "In", 7.31),
    ("steel", None, 7.99),
]


def steel_formula():
    moles = {el: w / xraydb.atomic_mass(el) for el, w in STEEL_MASS.items()}
    return "".join(f"{el}{n:.6f}" for el, n in moles.items())


def transmission():
    rows = []
    for name, formula, density in MATERIALS:
        f = formula or steel_formula()
        for e in ENERGIES_KEV:
            mu = float(xraydb.material_mu(f, e * 1000.0, density=density, kind="total"))
            rows.append({"material": name, "density_g_cm3": density, "energy_kev": e, "mu_per_cm": mu})
    return rows


def pattern(structure, wavelength_a, dw=None):
    two_theta_max = 2 * math.degrees(math.asin(min(1.0, Q_MAX_NM / 10 * wavelength_a / (4 * math.pi))))
    calc = XRDCalculator(wavelength=wavelength_a, debye_waller_factors=dw or {})
    p = calc.get_pattern(structure, scaled=True, two_theta_range=(0, two_theta_max))
    peaks = []
    for tt, i, fams, d in zip(p.x, p.y, p.hkls, p.d_hkls):
        peaks.append({
            "two_theta_deg": float(tt),
            "d_A": float(d),
            "q_nm": 20 * math.pi / float(d),
            "intensity": float(i),
            "families": [{"hkl": list(f["hkl"]), "multiplicity": int(f["multiplicity"])} for f in fams],
        })
    return peaks


def builtin_structures():
    js = subprocess.run(["node", "--import", "tsx", "scripts/design-structures.ts"], cwd=ROOT,
                        check=True, capture_output=True, text=True).stdout
    out = {}
    for name, s in json.loads(js).items():
        lat = Lattice.from_parameters(s["a"], s["b"], s["c"], s["alpha"], s["beta"], s["gamma"])
        species, coords, bsum, wsum = [], [], {}, {}
        for at in s["atoms"]:
            el = at["species"].rstrip("+-0123456789")
            species.append({el: at["occ"]})
            coords.append([at["x"], at["y"], at["z"]])
            bsum[el] = bsum.get(el, 0.0) + at["occ"] * at["b"]
            wsum[el] = wsum.get(el, 0.0) + at["occ"]
        dw = {el: bsum[el] / wsum[el] for el in bsum}
        out[name] = (Structure(lat, species, coords), dw)
    return out


def phases():
    out = {}
    for name, (st, dw) in builtin_structures().items():
        out[name] = {key: pattern(st, lam, dw) for key, lam in WAVELENGTHS.items()}
    for cif in CIFS:
        st = CifParser(os.path.join(FIXTURES, cif)).get_structures(primitive=False)[0]
        out[cif] = {key: pattern(st, lam) for key, lam in WAVELENGTHS.items()}
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(FIXTURES, "golden.json"))
    args = ap.parse_args()
    golden = {
        "made_by": "scripts/design-golden.py",
        "xraydb": xraydb.__version__,
        "pymatgen": __import__("pymatgen.core").core.__version__,
        "q_max_nm": Q_MAX_NM,
        "wavelengths_A": WAVELENGTHS,
        "transmission": transmission(),
        "phases": phases(),
    }
    text = json.dumps(golden, indent=1) + "\n"
    if args.out == "-":
        sys.stdout.write(text)
    else:
        with open(args.out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
