import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { swaxs } from "../../test/support/cli.js";

describe("swaxs design / phases", () => {
  it("pressure: the paper's spring and 25 MPa on 1 × 5 mm → 125 N, 4.40 mm", () => {
    const r = swaxs(
      "design",
      "pressure",
      "--spring-k",
      "28.42",
      "--area-mm2",
      "5",
      "--pressure-mpa",
      "25",
      "--json",
    );
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o.force_n).toBeCloseTo(125, 6);
    expect(o.compression_mm.toFixed(2)).toBe("4.40");
    const text = swaxs(
      "design",
      "pressure",
      "--spring-k",
      "28.42",
      "--area-mm2",
      "5",
      "--compression-mm",
      "4.4",
    );
    expect(text.stdout).toMatch(/force on the stack\s+125 N/);
  });

  it("transmission of a stack file with a flux, and one line for bad input", () => {
    const dir = mkdtempSync(join(tmpdir(), "swaxs-design-"));
    const stack = join(dir, "stack.yaml");
    writeFileSync(
      stack,
      "- {material: PEEK, density_g_cm3: 1.32, thickness_mm: 0.5}\n- {material: Li6PS5Cl, density_g_cm3: 1.64, thickness_mm: 1}\n- {material: PEEK, density_g_cm3: 1.32, thickness_mm: 0.5}\n",
    );
    const r = swaxs(
      "design",
      "transmission",
      "--stack",
      stack,
      "--energy-kev",
      "16",
      "--flux",
      "1e12",
      "--json",
    );
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o.layers).toHaveLength(3);
    expect(o.transmission).toBeCloseTo(0.152, 2);
    expect(o.counts_per_s).toBeCloseTo(1e12 * o.transmission, -3);
    const bad = swaxs(
      "design",
      "transmission",
      "--material",
      "Qq",
      "--density",
      "1",
      "--thickness-mm",
      "1",
      "--line",
      "CuKa",
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("contrast: the factor 0.75 with its assumption stated", () => {
    const r = swaxs(
      "design",
      "contrast",
      "--matrix",
      "C:2.0",
      "--pores-filled-with",
      "S:2.07",
      "--pores-filled-with",
      "Li2S:1.66",
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/S → Li2S, 0\.25 of the pore volume filled .*× 0\.756/);
    expect(r.stdout).toMatch(/assumption: homogenised pores/);
  });

  it("phases: a built-in phase and a COD CIF as JSON rows", () => {
    const r = swaxs("phases", "In", "--qmin", "20", "--qmax", "30", "--json");
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o.lines.map((l: { hkl: number[] }) => l.hkl.join(""))).toEqual(["101", "002", "110"]);
    const cif = join(import.meta.dirname, "../../test/fixtures/design/cod-1000041-NaCl.cif");
    const nacl = JSON.parse(swaxs("phases", cif, "--line", "CuKa", "--json").stdout);
    expect(nacl.lines[1]).toMatchObject({ hkl: [2, 0, 0], multiplicity: 6, intensity: 100 });
    expect(swaxs("phases", "unobtainium").code).toBe(2);
  });
});
