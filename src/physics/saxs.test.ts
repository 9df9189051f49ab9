import { describe, expect, it } from "vitest";
import { readFixture } from "../../test/support/fixtures.js";
import { carbonPoreSaxs, liquidCellSaxs, poreContrast, RHO_E, schulzSpheres, sldContrast } from "./saxs.js";

const out = readFixture("physics", "contrast_out.txt").toString("utf8");
const num = (re: RegExp) => Number(out.match(re)![1]);

function grid(q0: number, q1: number, n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => q0 + ((q1 - q0) * i) / (n - 1));
}

describe("pore contrast vs contrast_out.txt (README §3)", () => {
  it("electron densities", () => {
    expect(RHO_E.carbon).toBeCloseTo(num(/C \(templated, 2\.0\)\s+([\d.]+)/), 4);
    expect(RHO_E.sulfur).toBeCloseTo(num(/S alpha \(2\.07\)\s+([\d.]+)/), 4);
    expect(RHO_E.li2s).toBeCloseTo(num(/Li2S \(1\.66\)\s+([\d.]+)/), 4);
    expect(RHO_E.li6ps5cl).toBeCloseTo(num(/Li6PS5Cl \(1\.64 pellet\)\s+([\d.]+)/), 4);
    // (ΔSLD)² carbon/void = 2.87e22 cm⁻⁴
    expect(sldContrast(RHO_E.carbon) / 2.87e22).toBeCloseTo(1, 2);
  });

  it("filled pores: S 0.0012, Li2S 0.0418 of the empty-pore contrast", () => {
    expect(poreContrast({ sulfurFill: 0, li2sFraction: 0 })).toBe(1);
    expect(poreContrast({ sulfurFill: 1, li2sFraction: 0 })).toBeCloseTo(
      num(/S-filled pore.*ratio_to_empty=\s*([\d.]+)/),
      4,
    );
    expect(poreContrast({ sulfurFill: 1, li2sFraction: 1 })).toBeCloseTo(
      num(/Li2S-filled pore.*ratio_to_empty=\s*([\d.]+)/),
      4,
    );
  });

  // contrast.py writes the electrons-per-volume gain on conversion as 1 + 0.375c (22/16 electrons per S);
  // we take it from the densities (1.787 × 0.4787/0.6221 = 1.3753), hence 1e-3 differences
  it("conversion table F(x, c) = contrast after / before conversion", () => {
    const table = out.split("\n").filter((l) => /^\s+0\.\d\d\s{3}/.test(l));
    expect(table.length).toBe(6);
    for (const line of table) {
      const [x, ...fs] = line.trim().split(/\s+/).map(Number);
      const cs = [0.25, 0.5, 0.75, 1.0];
      cs.forEach((c, i) => {
        const f =
          poreContrast({ sulfurFill: x!, li2sFraction: c }) /
          poreContrast({ sulfurFill: x!, li2sFraction: 0 });
        expect(Math.abs(f - fs[i]!), `x=${x} c=${c}`).toBeLessThan(1.5e-3);
      });
    }
  });

  it("the paper's factor 0.75: 25.5 % S filling, fully converted", () => {
    const x = num(/F=0\.75 when initial S pore filling x = ([\d.]+)/);
    const f =
      poreContrast({ sulfurFill: x, li2sFraction: 1 }) / poreContrast({ sulfurFill: x, li2sFraction: 0 });
    expect(f).toBeCloseTo(0.75, 2);
  });
});

describe("carbon pore SAXS vs saxs_models.py (README §5)", () => {
  const q = grid(0.05, 6.7, 1341);

  it.each([
    [0.1, 1.47],
    [0.25, 1.19],
    [0.4, 0.89],
  ])("Schulz σ/R̄=%f: Kratky maximum at %f nm⁻¹", (sig, qk) => {
    const s = schulzSpheres(q, 1.35, sig, 400);
    let best = 0;
    for (let i = 0; i < q.length; i++) if (s[i]! * q[i]! ** 2 > s[best]! * q[best]! ** 2) best = i;
    expect(Math.abs(q[best]! - qk)).toBeLessThan(0.011);
  });

  it("I(0.1) = 171.8 cm⁻¹ (φ=0.3, σ/R̄=0.25, no S(q)) and the invariant 2π²φΔρ²", () => {
    const s = schulzSpheres(new Float64Array([0.1]), 1.35, 0.25, 400);
    expect((0.3 * sldContrast(RHO_E.carbon) * 1e-21 * s[0]!) / 171.81).toBeCloseTo(1, 2);
    const qq = grid(1e-3, 60, 20000);
    const i = schulzSpheres(qq, 1.35, 0.25, 400);
    let inv = 0;
    for (let k = 1; k < qq.length; k++)
      inv += 0.5 * (i[k]! * qq[k]! ** 2 + i[k - 1]! * qq[k - 1]! ** 2) * (qq[k]! - qq[k - 1]!);
    const numeric = 0.3 * sldContrast(RHO_E.carbon) * 1e-21 * inv * 1e21;
    expect(numeric / (2 * Math.PI ** 2 * 0.3 * sldContrast(RHO_E.carbon))).toBeCloseTo(0.99, 2);
  });

  it("PY hump at 2.07 nm⁻¹ with 11.39 cm⁻¹ (φ=0.35), scaled by the contrast", () => {
    const full = carbonPoreSaxs(q, { contrast: 1 });
    let best = 0;
    for (let i = 0; i < q.length; i++)
      if (q[i]! > 0.8 && (q[best]! <= 0.8 || full[i]! > full[best]!)) best = i;
    expect(q[best]!).toBeCloseTo(2.07, 1);
    expect(Math.abs(q[best]! - 2.07)).toBeLessThan(0.01);
    expect(full[best]! / 11.39).toBeCloseTo(1, 2);
    const c = poreContrast({ sulfurFill: 0.25, li2sFraction: 1 });
    expect(carbonPoreSaxs(q, { contrast: c })[best]! / full[best]!).toBeCloseTo(c, 12);
  });
});

describe("liquid cell", () => {
  it("dissolution changes the SAXS above 0.1 nm⁻¹ mostly within 0.1–1 nm⁻¹", () => {
    const q = grid(0.05, 6.7, 1341);
    const a = liquidCellSaxs(q, 0);
    const b = liquidCellSaxs(q, 1);
    let inBand = 0;
    let all = 0;
    for (let i = 1; i < q.length; i++) {
      if (q[i]! < 0.1) continue;
      const d = Math.abs(a[i]! - b[i]!) * (q[i]! - q[i - 1]!);
      all += d;
      if (q[i]! >= 0.1 && q[i]! <= 1) inBand += d;
    }
    expect(inBand / all).toBeGreaterThan(0.8);
    const i05 = q.findIndex((x) => x >= 0.5);
    expect(b[i05]! / a[i05]!).toBeLessThan(0.8); // a pronounced change, as in the paper's Fig. 4
    const half = liquidCellSaxs(q, 0.5);
    expect(half[i05]!).toBeLessThan(a[i05]!);
    expect(half[i05]!).toBeGreaterThan(b[i05]!);
  });
});
