/**
 * `swaxs design transmission` against python3-xraydb and `swaxs phases` against python3-pymatgen's
 * XRDCalculator: always against the committed golden file (scripts/design-golden.py), and live
 * when both tools are installed (skipped with a message otherwise; a failure under CI=true).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { pythonWith, toolAvailable } from "../../test/support/tools.js";
import { HC_KEV_A as HC } from "../physics/index.js";
import { parseCif } from "./cif.js";
import { builtinPhase, powderLines } from "./phases.js";
import { layerTransmission } from "./transmission.js";

const FIXTURES = fileURLToPath(new URL("../../test/fixtures/design/", import.meta.url));
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

interface Family {
  hkl: number[];
  multiplicity: number;
}
interface Peak {
  q_nm: number;
  d_A: number;
  intensity: number;
  families: Family[];
}
interface Golden {
  q_max_nm: number;
  wavelengths_A: Record<string, number>;
  transmission: { material: string; density_g_cm3: number; energy_kev: number; mu_per_cm: number }[];
  phases: Record<string, Record<string, Peak[]>>;
}

const committed = JSON.parse(readFileSync(`${FIXTURES}golden.json`, "utf8")) as Golden;

/** Largest relative deviation of μ from xraydb's. */
function muDeviation(g: Golden): { worst: number; where: string } {
  let worst = 0;
  let where = "";
  for (const r of g.transmission) {
    const ours = layerTransmission(
      { material: r.material, densityGCm3: r.density_g_cm3, thicknessMm: 1 },
      r.energy_kev,
    );
    const dev = Math.abs(ours.mu_per_cm / r.mu_per_cm - 1);
    if (dev > worst) [worst, where] = [dev, `${r.material} at ${r.energy_kev} keV`];
  }
  return { worst, where };
}

/** Peaks weaker than this (of 100) are compared for position and presence only, not rank. */
const RANKED = 1;
/**
 * Two lines whose pymatgen intensities are closer than this (relative) may swap ranks: pymatgen has
 * no anomalous dispersion (f′ f″) and its own f0 fit, which moves the weak lines (≈ 2 of 100) of
 * non-centrosymmetric cristobalite by up to 10 % at Cu Kα (311: 2.07 here, 1.88 there).
 */
const TIE = 0.1;

/** Problems of our lines against pymatgen's for one phase at one wavelength (empty: agreement). */
function comparePhase(
  name: string,
  key: string,
  peaks: Peak[],
  g: Golden,
): { problems: string[]; dq: number; dI: number; dIAt: string } {
  const s = builtinPhase(name) ?? parseCif(readFileSync(`${FIXTURES}${name}`, "utf8"), name);
  const ours = powderLines(s, HC / g.wavelengths_A[key]!, 0, g.q_max_nm);
  const problems: string[] = [];
  let dq = 0;
  let dI = 0;
  let dIAt = "";
  const at = `${name} ${key}`;
  const pairs: [Peak, (typeof ours)[number]][] = [];
  for (const p of peaks) {
    // S8 has lines closer than 0.01 nm⁻¹: take the one pymatgen names, else the nearest
    const near = ours.filter((l) => Math.abs(l.q_nm - p.q_nm) < 0.01);
    near.sort((u, v) => Math.abs(u.q_nm - p.q_nm) - Math.abs(v.q_nm - p.q_nm));
    const o = near.find((l) => p.families.some((f) => f.hkl.join(" ") === l.hkl.join(" "))) ?? near[0];
    if (!o) {
      if (p.intensity >= 0.01)
        problems.push(
          `${at}: pymatgen's line at q = ${p.q_nm.toFixed(3)} (${p.intensity.toFixed(3)}) missing`,
        );
      continue;
    }
    dq = Math.max(dq, Math.abs(o.q_nm - p.q_nm));
    pairs.push([p, o]);
    if (p.intensity >= RANKED && Math.abs(o.intensity / p.intensity - 1) > dI)
      [dI, dIAt] = [Math.abs(o.intensity / p.intensity - 1), `${at} ${o.hkl.join(" ")}`];
    const total = p.families.reduce((a, f) => a + f.multiplicity, 0);
    if (p.families.length === 1 ? o.multiplicity !== total : o.multiplicity > total)
      problems.push(`${at} ${o.hkl.join("")}: multiplicity ${o.multiplicity}, pymatgen ${total}`);
    if (!p.families.some((f) => f.hkl.join(" ") === o.hkl.join(" ")))
      problems.push(
        `${at}: our ${o.hkl.join(" ")} is none of pymatgen's ${p.families.map((f) => f.hkl.join(" ")).join(", ")}`,
      );
  }
  for (const o of ours)
    if (o.intensity >= 0.01 && !peaks.some((p) => Math.abs(o.q_nm - p.q_nm) < 0.01))
      problems.push(`${at}: our line ${o.hkl.join(" ")} at q = ${o.q_nm.toFixed(3)} is not pymatgen's`);
  const ranked = pairs.filter(([p]) => p.intensity >= RANKED);
  for (let i = 0; i < ranked.length; i++)
    for (let j = i + 1; j < ranked.length; j++) {
      const [pi, oi] = ranked[i]!;
      const [pj, oj] = ranked[j]!;
      const tie = Math.abs(pi.intensity - pj.intensity) < TIE * Math.max(pi.intensity, pj.intensity);
      if (!tie && Math.sign(pi.intensity - pj.intensity) !== Math.sign(oi.intensity - oj.intensity))
        problems.push(
          `${at}: ${oi.hkl.join("")} vs ${oj.hkl.join("")} ranked differently (${pi.intensity.toFixed(1)}/${pj.intensity.toFixed(1)} vs ${oi.intensity.toFixed(1)}/${oj.intensity.toFixed(1)})`,
        );
    }
  return { problems, dq, dI, dIAt };
}

function compareAll(g: Golden): { problems: string[]; dq: number; dI: number; dIAt: string } {
  const problems: string[] = [];
  let dq = 0;
  let dI = 0;
  let dIAt = "";
  for (const [name, byKey] of Object.entries(g.phases))
    for (const [key, peaks] of Object.entries(byKey)) {
      const r = comparePhase(name, key, peaks, g);
      problems.push(...r.problems);
      dq = Math.max(dq, r.dq);
      if (r.dI > dI) [dI, dIAt] = [r.dI, r.dIAt];
    }
  return { problems, dq, dI, dIAt };
}

describe("design numbers against the golden file", () => {
  it("μ within 2 % of xraydb's for the cell's materials at 8.04, 16 and 17.44 keV", () => {
    const { worst, where } = muDeviation(committed);
    expect(worst, where).toBeLessThan(0.02);
    console.log(`worst μ deviation from xraydb: ${(100 * worst).toFixed(2)} % (${where})`);
  });

  it("powder lines at pymatgen's positions (≤ 0.01 nm⁻¹) with its multiplicities and intensity ranking", () => {
    const { problems, dq, dI, dIAt } = compareAll(committed);
    expect(problems).toEqual([]);
    expect(dq).toBeLessThan(0.01);
    // lines ≥ 1 of 100: the f0 fits and f′ f″ differ, not the structure factors' bookkeeping
    console.log(`worst: Δq ${dq.toExponential(2)} nm⁻¹; intensity ${(100 * dI).toFixed(1)} % (${dIAt})`);
    expect(dI, dIAt).toBeLessThan(0.2);
  });
});

describe("design numbers against live xraydb and pymatgen", () => {
  const py = pythonWith(["xraydb", "pymatgen.analysis.diffraction.xrd"]);
  it.runIf(toolAvailable("python3-xraydb and python3-pymatgen", py !== null))(
    "the golden script run now agrees as well",
    () => {
      const r = spawnSync(py!, ["scripts/design-golden.py", "--out", "-"], {
        cwd: ROOT,
        encoding: "utf8",
        maxBuffer: 1 << 26,
      });
      if (r.status !== 0) throw new Error(`scripts/design-golden.py failed: ${r.stderr}`);
      const live = JSON.parse(r.stdout) as Golden;
      expect(muDeviation(live).worst).toBeLessThan(0.02);
      expect(compareAll(live).problems).toEqual([]);
    },
  );
});
