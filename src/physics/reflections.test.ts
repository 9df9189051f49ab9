import { describe, expect, it } from "vitest";
import { readFixture } from "../../test/support/fixtures.js";
import { pythonWith, runPython, toolAvailable } from "../../test/support/tools.js";
import { type Reflection, reflections, reflectionsOf } from "./reflections.js";
import { argyrodite, CELL_PHASES, cellVolume, PHASES, type PhaseName, structure } from "./structures.js";
import { AVOGADRO, atomicMass, elementOf, HC_KEV_A, R_E_CM } from "./xray.js";

const WL_16 = (HC_KEV_A / 16) * 1e-10;
const WL_CU = (HC_KEV_A / 8.0478) * 1e-10;

/** Relative intensity of the integrated ring in 2θ (README §1.2 convention): ∝ intensity·P̄/cosθ. */
function rel2theta(refl: Reflection[]): number[] {
  const w = refl.map((r) => (r.intensity * r.polarisation) / Math.cos((r.twoThetaDeg * Math.PI) / 360));
  const max = Math.max(...w);
  return w.map((x) => (100 * x) / max);
}

interface PmgRow {
  q_nm: number;
  intensity: number;
  multiplicity: number;
  hkl: number[][];
}
/** Index of our reflection nearest to q, or −1 when none lies within tol. */
function nearest(refl: Reflection[], q: number, tol: number): number {
  let best = -1;
  for (let i = 0; i < refl.length; i++) {
    const d = Math.abs(refl[i]!.qNm - q);
    if (d < tol && (best < 0 || d < Math.abs(refl[best]!.qNm - q))) best = i;
  }
  return best;
}

const golden = JSON.parse(readFixture("physics", "reflections_pymatgen.json").toString("utf8")) as {
  phases: Record<string, { reflections: PmgRow[] }>;
};

// shared/physics/reflections.csv names its phases differently (and has no calibrants)
const CSV_NAME: Record<(typeof CELL_PHASES)[number], string> = {
  Li2S: "Li2S",
  In: "In",
  LiIn: "LiIn",
  Li6PS5Cl: "Li6PS5Cl",
  S8: "alpha-S8",
  steel: "Fe(fcc,316L)",
};
const csvRows = readFixture("physics", "reflections.csv")
  .toString("utf8")
  .trim()
  .split("\n")
  .slice(1)
  .map((l) => {
    const c = l.match(/"[^"]*"|[^,]+/g)!; // quoted names hold commas
    return {
      phase: c[0]!.replace(/"/g, ""),
      q: Number(c[3]),
      mult: Number(c[4]),
      wRel: Number(c[6]),
      i16: Number(c[7]),
      iCu: Number(c[8]),
    };
  });

describe("structures", () => {
  it.each([
    ["Li2S", 12, 1.641],
    ["In", 2, 7.31],
    ["LiIn", 16, 5.18],
    ["Li6PS5Cl", 76, 1.865],
    ["S8", 128, 2.067],
    ["steel", 4, 8.0],
    // NIST SRM 674b / 660c certificates' X-ray densities: 7.215 and 4.713 g/cm³
    ["CeO2", 12, 7.215],
    ["LaB6", 7, 4.713],
  ] as const)("%s: %i sites, X-ray density %f g/cm³ (README §1.1)", (phase, sites, rho) => {
    const s = structure(phase);
    expect(s.atoms.length).toBe(sites);
    const mass = s.atoms.reduce((m, a) => m + a.occ * atomicMass(elementOf(a.species)), 0);
    expect(mass / AVOGADRO / (cellVolume(s) * 1e-24)).toBeCloseTo(rho, 1);
  });

  it("argyrodite holds Li6PS5Cl ×4 per cell", () => {
    const n: Record<string, number> = {};
    for (const a of argyrodite().atoms) n[elementOf(a.species)] = (n[elementOf(a.species)] ?? 0) + a.occ;
    expect(n).toEqual({ P: 4, S: 20, Cl: 4, Li: expect.closeTo(24, 9) });
  });
});

describe("reflections vs pymatgen (golden file, 16 keV, 10–36 nm⁻¹)", () => {
  it.each(PHASES.map((p) => [p]))(
    "%s: every pymatgen line ≥ 0.5 % within 0.02 nm⁻¹, same multiplicity",
    (phase) => {
      const ours = reflections(phase, WL_16, 36, 10);
      const rel = rel2theta(ours);
      for (const g of golden.phases[phase]!.reflections.filter((r) => r.intensity >= 0.5)) {
        const i = nearest(ours, g.q_nm, 0.02);
        expect(i, `${phase} q=${g.q_nm}`).toBeGreaterThanOrEqual(0);
        expect(ours[i]!.multiplicity).toBe(g.multiplicity);
        // pymatgen has its own f0 fit and no f′ f″: a few points on the 0–100 scale
        expect(Math.abs(rel[i]! - g.intensity)).toBeLessThan(3);
      }
      // and nothing strong of ours is missing there
      ours.forEach((r, i) => {
        if (rel[i]! < 2) return;
        expect(golden.phases[phase]!.reflections.some((g) => Math.abs(r.qNm - g.q_nm) < 0.02)).toBe(true);
      });
    },
  );

  it("main lines sit where README §1.2 puts them", () => {
    const q = (p: PhaseName, hkl: string) =>
      reflections(p, WL_16, 36, 10).find((r) => r.hkl.join("") === hkl)!.qNm;
    expect(q("Li2S", "111")).toBeCloseTo(19.07, 2);
    expect(q("In", "101")).toBeCloseTo(23.12, 2);
    expect(q("In", "002")).toBeCloseTo(25.41, 2);
    expect(q("In", "110")).toBeCloseTo(27.32, 2);
    expect(q("LiIn", "220")).toBeCloseTo(26.19, 2);
    expect(q("Li6PS5Cl", "311")).toBeCloseTo(21.16, 2);
    expect(q("steel", "111")).toBeCloseTo(30.31, 2);
  });

  it("calibrant lines sit at 2π/d of the certified cells (CeO2 SRM 674b, LaB6 SRM 660c)", () => {
    // d = a/√(h²+k²+l²) → q = 2π√(h²+k²+l²)/a, a in nm
    const at = (a: number, n2: number) => (2 * Math.PI * Math.sqrt(n2)) / (a / 10);
    const ceo2 = reflections("CeO2", WL_16, 36, 10);
    expect(ceo2.map((r) => r.hkl.join(""))).toEqual(["111", "200", "220"]);
    expect(ceo2.map((r) => r.qNm)).toEqual([3, 4, 8].map((n2) => expect.closeTo(at(5.411651, n2), 10)));
    const lab6 = reflections("LaB6", WL_16, 36, 10);
    expect(lab6.map((r) => r.hkl.join(""))).toEqual(["100", "110", "111", "200", "210"]);
    expect(lab6.map((r) => r.qNm)).toEqual([1, 2, 3, 4, 5].map((n2) => expect.closeTo(at(4.156826, n2), 10)));
  });
});

describe("relative intensities vs shared/physics/reflections.csv", () => {
  // Same structures, f0, f′ f″ (our Chantler table holds 8.0478 and 16 keV exactly) and LP, so the only
  // differences are the CSV's 0.1 rounding and float noise: 0.3 points on the 0–100 scale.
  it.each(CELL_PHASES.map((p) => [p]))("%s at 16 keV and Cu Kα, every line ≥ 1 %%", (phase) => {
    const rows = csvRows.filter((r) => r.phase === CSV_NAME[phase]);
    expect(rows.length).toBeGreaterThan(0);
    for (const [wl, key] of [
      [WL_16, "i16"],
      [WL_CU, "iCu"],
    ] as const) {
      const ours = reflections(phase, wl, 36, 10);
      const rel = rel2theta(ours);
      for (const row of rows.filter((r) => r[key] >= 1)) {
        const i = nearest(ours, row.q, 0.002);
        expect(i, `${phase} q=${row.q}`).toBeGreaterThanOrEqual(0);
        expect(ours[i]!.multiplicity).toBe(row.mult);
        expect(rel[i]!).toBeCloseTo(row[key], 0);
        expect(Math.abs(rel[i]! - row[key])).toBeLessThan(0.3);
      }
    }
  });

  it("W = Σm|F|²/q² (energy-independent weight) matches W_rel", () => {
    const ours = reflections("Li6PS5Cl", WL_16, 36, 10);
    const w = ours.map((r) => (r.multiplicity * r.f2) / r.qNm ** 2);
    const max = Math.max(...w);
    for (const row of csvRows.filter((r) => r.phase === "Li6PS5Cl" && r.wRel >= 1)) {
      const i = nearest(ours, row.q, 0.002);
      expect(Math.abs((100 * w[i]!) / max - row.wRel)).toBeLessThan(0.3);
    }
  });

  it("absolute scale: Li2S(111) = r_e²(2π)³/(4πV_c²)·Σ|F|²/q² (README §1.3), from the CSV's Σ|F|²", () => {
    const r = reflections("Li2S", WL_16, 36, 10)[0]!;
    const vc = 5.708 ** 3 * 1e-24;
    const expected =
      ((R_E_CM ** 2 * (2 * Math.PI) ** 3) / (4 * Math.PI * vc * vc)) * (19610.0 / 19.066e7 ** 2) * 1e-7;
    expect(r.intensity / expected).toBeCloseTo(1, 3);
    expect(r.intensity).toBeCloseTo(2.44, 2); // cm⁻¹ sr⁻¹ nm⁻¹ for a pure Li2S powder
  });

  it("polarisation is the azimuthal average (1 + cos²2θ)/2", () => {
    const r = reflections("steel", WL_CU, 36, 10)[0]!;
    const c = Math.cos((r.twoThetaDeg * Math.PI) / 180);
    expect(r.polarisation).toBeCloseTo((1 + c * c) / 2, 12);
  });
});

const PY = pythonWith(["pymatgen.core", "pymatgen.analysis.diffraction.xrd"]);
describe.skipIf(!toolAvailable("pymatgen (python3-pymatgen)", PY !== null))(
  "live cross-check with pymatgen",
  () => {
    it("half Cl/S 4a↔4c swap-disordered Li6PS5Cl at Cu Kα: positions and intensities", () => {
      const code = `
import json, math
from pymatgen.core import Lattice, Structure
from pymatgen.analysis.diffraction.xrd import XRDCalculator
lam = 12.398419843320026 / 8.0478
st = Structure.from_spacegroup("F-43m", Lattice.cubic(9.85),
    ["P", "S", {"Cl": 0.5, "S": 0.5}, {"S": 0.5, "Cl": 0.5}, {"Li": 0.5}],
    [[.5,.5,.5],[0.6196,0.6196,0.6196],[0,0,0],[.25,.25,.25],[0.3125,0.3125,0.0241]])
tt = lambda q: 2 * math.degrees(math.asin(q / 10 * lam / (4 * math.pi)))
p = XRDCalculator(wavelength=lam, debye_waller_factors={"P": 1.0, "S": 1.7, "Cl": 2.0, "Li": 4.0}).get_pattern(
    st, scaled=True, two_theta_range=(tt(10), tt(36)))
print(json.dumps([[4*math.pi*math.sin(math.radians(t/2))/lam*10, i] for t, i in zip(p.x, p.y)]))`;
      const pmg = JSON.parse(runPython(PY!, code)) as [number, number][];
      // S 16e and the free anions carry different B in our model; the swap mixes Cl (B 2.0) onto 4c
      const ours = reflectionsOf(argyrodite(9.85, 0.6196, 0.5), WL_CU, 36, 10);
      const rel = rel2theta(ours);
      for (const [q, inten] of pmg.filter(([, i]) => i >= 1)) {
        const i = nearest(ours, q, 0.02);
        expect(i, `q=${q}`).toBeGreaterThanOrEqual(0);
        expect(Math.abs(rel[i]! - inten)).toBeLessThan(4);
      }
    });
  },
);
