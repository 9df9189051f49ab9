import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DetectorReducer } from "../pipeline/reduce.js";
import { readScanLog } from "../scan/index.js";
import { PRESETS, simulate } from "../simulate/index.js";
import { bandIntegral } from "./bands.js";
import { labelRows, type Role } from "./regions.js";

const root = mkdtempSync(join(tmpdir(), "swaxs-regions-"));

/** Row features from the first sweep of a simulated experiment, as the pipeline computes them. */
async function rowFeatures(dir: string, rows: number, cols: number) {
  const log = await readScanLog(join(dir, "scan.csv"));
  const feats = {
    transmission: new Array(rows).fill(0),
    poreSaxs: new Array(rows).fill(0),
    alloyWaxs: new Array(rows).fill(0),
  };
  const yaml = readFileSync(join(dir, "experiment.yaml"), "utf8");
  const emptyT = Number(/empty_it_over_i0: ([\d.]+)/.exec(yaml)![1]);
  for (const det of ["saxs", "waxs"] as const) {
    const idx = [...Array(log.length).keys()].filter((i) => log.detector[i] === det).slice(0, rows * cols);
    const ref = (i: number) => ({
      file: log.file[i]!,
      frame: log.frame[i]!,
      exposureS: log.exposureS[i]!,
      i0: log.i0[i]!,
      it: log.it[i]!,
    });
    const red = await DetectorReducer.create(
      {
        poni: join(dir, `${det}.poni`),
        mask: join(dir, `${det}_mask.edf`),
        npt: 400,
        unit: "q_nm^-1",
        method: "bbox",
        polarization: 0.99,
        flipUd: false,
        background: { file: join(dir, `empty_${det}.cbf`), exposureS: 1, i0: 1e5 },
        emptyItOverI0: emptyT,
      },
      ref(idx[0]!),
    );
    for (const [n, i] of idx.entries()) {
      const row = Math.floor(n / cols);
      const c = await red.reduce(ref(i));
      if (det === "saxs") {
        feats.transmission[row] += c.transmission / cols;
        feats.poreSaxs[row] +=
          bandIntegral(red.radial, Float64Array.from(c.intensity), null, [1.5, 2.6]).value / cols;
      } else {
        const q = red.radial;
        const y = Float64Array.from(c.intensity);
        const peak = bandIntegral(q, y, null, [22.9, 23.4]).value / 0.5;
        const base =
          (bandIntegral(q, y, null, [22.5, 22.8]).value + bandIntegral(q, y, null, [23.5, 23.8]).value) / 0.6;
        feats.alloyWaxs[row] += Math.max(0, peak - base) / cols;
      }
    }
    red.closeAll();
  }
  return feats;
}

describe("labelRows on simulated cells", () => {
  const cases = [
    ["tiny", PRESETS.tiny],
    ["demo", { ...PRESETS.demo, sweeps: 2 }],
  ] as const;
  const dirs: Record<string, string> = {};
  beforeAll(async () => {
    for (const [name, p] of cases) {
      dirs[name] = join(root, name);
      await simulate({ ...p, sweeps: 2 }, dirs[name]!, { seed: 2 });
    }
  }, 120_000);

  it.each(cases)("%s: ≥95 % of rows right, in stack order", async (name, p) => {
    const truth = JSON.parse(readFileSync(join(dirs[name]!, "truth.json"), "utf8")) as { layers: Role[] };
    const f = await rowFeatures(dirs[name]!, p.rows, p.cols);
    const got = labelRows(f, ["other", "cathode", "separator", "anode", "other"]);
    const right = got.filter((r, i) => r === truth.layers[i]).length;
    expect(right / p.rows, `${got.join(",")} vs ${truth.layers.join(",")}`).toBeGreaterThanOrEqual(0.95);
  });
});

describe("labelRows", () => {
  it("follows the stack order and honours hand-set rows", () => {
    const f = {
      transmission: [0, 1, 1, 1, 0.1, 0],
      poreSaxs: [0, 1, 1, 0, 0, 0],
      alloyWaxs: [0, 0, 0, 0, 1, 0],
    };
    const stack: Role[] = ["other", "cathode", "separator", "anode", "other"];
    expect(labelRows(f, stack)).toEqual(["other", "cathode", "cathode", "separator", "anode", "other"]);
    expect(labelRows(f, stack, new Map([[2, "separator"]]))).toEqual([
      "other",
      "cathode",
      "separator",
      "separator",
      "anode",
      "other",
    ]);
  });
});
