import { describe, expect, it } from "vitest";
import { readFixture } from "../../test/support/fixtures.js";
import { elementFractions, muRho, transmission } from "./attenuation.js";
import { muRhoElement } from "./xray.js";

// shared/physics/mu_materials.csv names → ours
const NAMES: Record<string, string> = {
  "PEEK C19H12O3": "PEEK",
  Li6PS5Cl: "Li6PS5Cl",
  Li2S: "Li2S",
  "S (alpha)": "S",
  "C (templated, skeletal)": "C",
  In: "In",
  Li: "Li",
  LiIn: "LiIn",
  "cathode 50:30:20 LPSCl:S:C": "cathode",
  SS316L: "steel",
};

function csv(name: string): Record<string, string>[] {
  const lines = readFixture("physics", name).toString("utf8").trim().split("\n");
  const split = (l: string) => l.match(/"[^"]*"|[^,]+|(?<=,)(?=,|$)/g)!.map((c) => c.replace(/"/g, ""));
  const head = split(lines[0]!);
  return lines.slice(1).map((l) => Object.fromEntries(split(l).map((c, i) => [head[i]!, c])));
}

describe("attenuation vs shared/physics (Elam, mixture rule)", () => {
  it("element μ/ρ on the whole 5–30 keV grid of mu_rho_elements.csv within 0.5 %", () => {
    // log-log interpolation between ≤1 keV-spaced points of a smooth power law, edges bracketed
    for (const row of csv("mu_rho_elements.csv")) {
      const e = Number(row["E_keV"]);
      for (const el of ["H", "Li", "C", "O", "P", "S", "Cl", "Cr", "Mn", "Fe", "Ni", "Mo", "In"]) {
        const ref = Number(row[`${el}_elam`]);
        expect(Math.abs(muRhoElement(el, e) / ref - 1), `${el} ${e} keV`).toBeLessThan(0.005);
      }
    }
  });

  it("material μ/ρ and T(0.1…5 mm) at 8.0478 and 16 keV match mu_materials.csv", () => {
    const rows = csv("mu_materials.csv");
    expect(rows.length).toBe(20);
    for (const row of rows) {
      const m = NAMES[row["material"]!]!;
      const e = Number(row["E_keV"]);
      const ref = Number(row["mu_rho_elam"]); // 3 decimals in the CSV
      expect(Math.abs(muRho(m, e) - ref), `${m} ${e}`).toBeLessThan(5e-4 + 2e-4 * ref);
      for (const [col, mm] of [
        ["T_0p1mm", 0.1],
        ["T_0p5mm", 0.5],
        ["T_1mm", 1],
        ["T_2mm", 2],
        ["T_5mm", 5],
      ] as const) {
        const ref = Number(row[col]);
        if (ref === 0) continue; // underflow in the CSV
        const t = transmission([{ material: m, thicknessMm: mm, density: Number(row["density"]) }], e);
        // compare −ln T: the CSV keeps 3 significant digits of T
        expect(Math.abs(Math.log(t) / Math.log(ref) - 1), `${m} ${e} keV ${mm} mm`).toBeLessThan(
          0.003 + 0.002 / Math.abs(Math.log(ref)),
        );
      }
    }
  });

  it("paper's stack at 16 keV: PEEK 2×0.5 mm + 1 mm cathode → 0.899 × 0.180 = 0.162 (README §2.3)", () => {
    expect(transmission([{ material: "PEEK", thicknessMm: 1 }], 16)).toBeCloseTo(0.899, 3);
    const t = transmission(
      [
        { material: "PEEK", thicknessMm: 0.5 },
        { material: "cathode", thicknessMm: 1 },
        { material: "PEEK", thicknessMm: 0.5 },
      ],
      16,
    );
    expect(t).toBeCloseTo(0.162, 3);
    expect(transmission([{ material: "Li6PS5Cl", thicknessMm: 1 }], 16)).toBeCloseTo(0.169, 3);
  });

  it("mixtures resolve to element mass fractions summing to 1; liquid-cell materials are defined", () => {
    for (const m of ["cathode", "steel", "separator-liquid", "cathode-liquid", "ketjenblack-s"]) {
      const w = Object.values(elementFractions(m)).reduce((s, x) => s + x, 0);
      expect(w).toBeCloseTo(1, 12);
    }
    // electrolyte-soaked glass is far more transparent than the sulfide pellet at Cu Kα
    expect(transmission([{ material: "separator-liquid", thicknessMm: 1 }], 8.0478)).toBeGreaterThan(0.1);
    expect(() => transmission([{ material: "unobtainium", thicknessMm: 1 }], 16)).toThrow();
  });
});
