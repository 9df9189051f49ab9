/**
 * The report's "Cell design" section (issue 15) and the demo experiment that feeds it: the demo
 * preset's experiment.yaml (simulated on a 2 × 1 grid, 4 sweeps, the last at the end of the
 * charge: the config is the preset's, only the frames are fewer) names every analysis of the issue and the paper's design inputs; the
 * section's numbers equal design/'s functions for those inputs, the spring's equal the analytic
 * F = P·A and x = F/k (125 N, 4.40 mm), and the rest agree with the shared physics reference
 * (xraydb's μ/ρ: T = 0.899 × 0.180 through PEEK and 1 mm of cathode at 16 keV; factor 0.756).
 * Without the block the section says how to add it.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type LayerSpec,
  parsePhase,
  photonEnergyKeV,
  poreContrasts,
  springPressure,
  stackTransmission,
} from "../design/index.js";
import { type ExperimentConfig, loadConfig } from "../pipeline/config.js";
import { designInputs } from "../pipeline/write/run-json.js";
import { RESULTS_SCHEMA_VERSION } from "../results/index.js";
import { PRESETS, simulate } from "../simulate/index.js";
import { designSectionHtml } from "./design.js";

const root = mkdtempSync(join(tmpdir(), "swaxs-design-"));
let cfg: ExperimentConfig;

/** A results folder holding only run.json (all the section reads). */
function resultsWith(name: string, extra: Record<string, unknown>): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "run.json"), JSON.stringify({ results_schema: RESULTS_SCHEMA_VERSION, ...extra }));
  return dir;
}

/** data-design name → full value, and the text shown, of every number of the section. */
function numbersOf(html: string): Map<string, { value: number; text: string }> {
  const out = new Map<string, { value: number; text: string }>();
  for (const m of html.matchAll(/<td data-design="([^"]+)" data-value="([^"]+)">([^<]*)<\/td>/g))
    out.set(m[1]!, { value: Number(m[2]), text: m[3]! });
  return out;
}

beforeAll(async () => {
  const sim = join(root, "demo");
  await simulate({ ...PRESETS.demo, rows: 2, cols: 1, sweeps: 4 }, sim, { seed: 5 });
  cfg = await loadConfig(join(sim, "experiment.yaml"));
}, 60_000);

describe("the demo experiment", () => {
  it("names every analysis of issue 15 and the paper's design inputs", () => {
    expect(cfg.maps.atSod).toEqual([0, 50, 100]);
    expect(cfg.maps.states?.map((s) => s.name)).toEqual(["charge1_sodc0"]);
    expect(cfg.maps.differences?.map((d) => [d.a, d.b])).toEqual([["sod100", "charge1_sodc0"]]);
    expect(cfg.saxs?.detector).toBe("saxs");
    expect(cfg.extra.map((x) => `${x.name}_${x.detector}`)).toEqual(["pristine_carbon_saxs"]);
    expect(cfg.exportXye.x).toBe("2th_deg");
    // the paper: k = 28.42 N/mm, 1 × 5 mm stack, 25 MPa, 16 keV, 0.5 mm PEEK windows, 1 mm path
    expect(cfg.design?.spring).toEqual({ kNPerMm: 28.42, areaMm2: 5, pressureMpa: 25, friction: 0 });
    expect(cfg.design?.energyKeV).toBe(16);
    expect(cfg.design?.stack?.map((l) => [l.material, l.thicknessMm])).toEqual([
      ["PEEK", 0.5],
      ["cathode", 1],
      ["PEEK", 0.5],
    ]);
  });
});

describe("the report's Cell design section", () => {
  let html = "";
  let n: ReturnType<typeof numbersOf>;
  beforeAll(() => {
    html = designSectionHtml(resultsWith("with", { design: { inputs: designInputs(cfg) } }));
    n = numbersOf(html);
  });
  const v = (k: string) => {
    const x = n.get(k);
    if (!x) throw new Error(`no number ${k} in the section`);
    return x.value;
  };

  it("gives the paper's spring: 125 N and 4.40 mm (F = P·A, x = F/k)", () => {
    expect(html).toContain('id="cell-design"');
    expect(v("force_n")).toBeCloseTo(25 * 5, 10);
    expect(v("compression_mm")).toBeCloseTo((25 * 5) / 28.42, 10);
    expect(n.get("force_n")!.text).toBe("125 N");
    expect(n.get("compression_mm")!.text).toBe("4.40 mm");
    const p = springPressure({ springKNPerMm: 28.42, areaMm2: 5, pressureMpa: 25 });
    expect(v("force_n")).toBe(p.force_n);
    expect(v("pressure_mpa")).toBe(p.pressure_mpa);
  });

  it("gives the stack's transmission as design/ computes it, at 16 keV and at Cu Kα", () => {
    const layers: LayerSpec[] = cfg.design!.stack!;
    const beam = stackTransmission(layers, 16);
    const cu = stackTransmission(layers, photonEnergyKeV(undefined, "CuKa"));
    expect(v("transmission_beam")).toBe(beam.transmission);
    expect(v("transmission_cu_ka")).toBe(cu.transmission);
    beam.layers.forEach((l, i) => {
      expect(v(`layer${i}_mu_per_cm_beam`)).toBe(l.mu_per_cm);
      expect(v(`layer${i}_transmission_cu_ka`)).toBe(cu.layers[i]!.transmission);
    });
    // T = exp(−Σ μ t) from the μ the section shows
    const sum = [0, 1, 2].reduce(
      (a, i) => a + v(`layer${i}_mu_per_cm_cu_ka`) * (layers[i]!.thicknessMm / 10),
      0,
    );
    expect(v("transmission_cu_ka")).toBeCloseTo(Math.exp(-sum), 15);
    // shared physics README §2.2 (xraydb Elam μ/ρ): T(2 × 0.5 mm PEEK) 0.899 × T(1 mm cathode) 0.180
    expect(Math.abs(v("transmission_beam") / (0.899 * 0.18) - 1)).toBeLessThan(0.005);
    // Cu Kα cannot get through a mm of sulfide composite
    expect(v("transmission_cu_ka")).toBeLessThan(1e-5);
  });

  it("gives the pore contrast factor with its stated assumption", () => {
    const c = poreContrasts(
      parsePhase("C:2.0", "m"),
      [parsePhase("S:2.07", "a"), parsePhase("Li2S:1.66", "b")],
      {
        poreFill: 0.25,
      },
    );
    expect(v("contrast_ratio")).toBe(c.conversions[0]!.ratio);
    expect(v("contrast_ratio_full_pores")).toBe(c.conversions[0]!.ratio_full_pores);
    // shared physics README §3: F(x = 0.25, c = 1) = 0.756 (its own script, contrast.py)
    expect(v("contrast_ratio")).toBeCloseTo(0.756, 3);
    expect(html).toContain("Assumption:");
    expect(html).toContain("homogenised pores");
  });

  it("says how to add the block where the config has none", () => {
    const none = designSectionHtml(resultsWith("without", {}));
    expect(none).toContain('id="cell-design"');
    expect(none).toContain("No <code>design:</code> block");
    expect(numbersOf(none).size).toBe(0);
  });
});

describe("config design:", () => {
  const base = `scan: scan.csv
detectors: {saxs: {poni: saxs.poni}}
echem: {file: cycling.mpt, timezone: UTC}
`;
  it("reads a stack file, and says a bad block in one line naming the key", async () => {
    const { parseConfig } = await import("../pipeline/config.js");
    const dir = join(root, "cfg");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "stack.yaml"),
      "- {material: PEEK, thickness_mm: 0.5}\n- {material: Li6PS5Cl, density_g_cm3: 1.64, thickness_mm: 1}\n",
    );
    const f = join(dir, "experiment.yaml");
    const c = parseConfig(`${base}design: {stack: stack.yaml}\n`, f);
    expect(c.design?.stack?.map((l) => l.material)).toEqual(["PEEK", "Li6PS5Cl"]);
    expect(c.design?.stackFile).toBe(join(dir, "stack.yaml"));
    expect(c.design?.energyKeV).toBe(16);
    expect(() => parseConfig(`${base}design: {spring_k_n_per_mm: 28.42, pressure_mpa: 25}\n`, f)).toThrow(
      /design: the spring needs spring_k_n_per_mm and area_mm2/,
    );
    expect(() =>
      parseConfig(
        `${base}design: {spring_k_n_per_mm: 28.42, area_mm2: 5, pressure_mpa: 25, compression_mm: 1}\n`,
        f,
      ),
    ).toThrow(/exactly one of pressure_mpa and compression_mm/);
    expect(() =>
      parseConfig(`${base}design: {stack: [{material: Unobtainium, thickness_mm: 1}]}\n`, f),
    ).toThrow(/design\.stack: .*Unobtainium/);
    expect(() => parseConfig(`${base}design: {stack: nowhere.yaml}\n`, f)).toThrow(
      /design\.stack: file not found/,
    );
  });
});
