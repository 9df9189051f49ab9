/** The stream stage labels every radial axis with its unit's own name (issue 10: 2th_rad was "deg"). */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { expectSameResults } from "../../test/support/results.js";
import { type Dataset, openH5 } from "../formats/h5.js";
import { PRESETS, simulate } from "../simulate/index.js";
import { runExperiment } from "./run.js";

const dir = join(mkdtempSync(join(tmpdir(), "swaxs-units-")), "tiny");

beforeAll(async () => {
  await simulate({ ...PRESETS.tiny, rows: 6, cols: 1, sweeps: 3 }, dir, { seed: 3 });
  // the WAXS detector in 2θ radians: its band, peak and calibrant (all in q) removed
  const yaml = readFileSync(join(dir, "experiment.yaml"), "utf8")
    .replace(/(waxs: \{poni: waxs\.poni, mask: waxs_mask\.edf, npt: 800, unit: )q_nm\^-1/, "$12th_rad")
    .replace(/^calibrant: .*$/m, "")
    .replace(/^peaks: .*$/m, "")
    .replace(/\{name: Li2S, detector: waxs, q: \[18\.3, 20\.8\]\}, /, "");
  expect(yaml).toMatch(/unit: 2th_rad/);
  writeFileSync(join(dir, "experiment.yaml"), yaml);
  await runExperiment(join(dir, "experiment.yaml"));
}, 120_000);

describe("radial units in the outputs", () => {
  it("2th_rad curves are labelled rad in reduced_<det>.h5 and results.h5; q curves 1/nm", async () => {
    for (const [file, path, det] of [
      ["reduced_waxs.h5", "entry/data/2th", "waxs"],
      ["results.h5", "entry/waxs/q", "waxs"],
      ["reduced_saxs.h5", "entry/data/q", "saxs"],
    ] as const) {
      const h5 = await openH5(join(dir, "results", file));
      try {
        const ds = h5.get(path) as Dataset;
        expect(ds, `${file} ${path}`).toBeTruthy();
        expect(ds.attrs.units?.value, `${file} ${path}`).toBe(det === "waxs" ? "rad" : "1/nm");
      } finally {
        h5.close();
      }
    }
  });
});

describe("the streams begun while the frames reduce (analysis-stage.ts)", () => {
  it("give the results of streams run after the last frame: CSVs byte for byte, HDF5 value for value", async () => {
    const twin = join(mkdtempSync(join(tmpdir(), "swaxs-follow-")), "twin");
    await simulate({ ...PRESETS.tiny, rows: 6, cols: 2, sweeps: 4 }, twin, { seed: 5 });
    const yaml = join(twin, "experiment.yaml");
    const during = await runExperiment(yaml);
    // both detectors followed their stores (tiny: WAXS normalised by the initial-OCV mean, SAXS not)
    expect(during.streamedDuringReduction?.sort()).toEqual(["saxs", "waxs"]);
    cpSync(join(twin, "results"), join(twin, "..", "during"), { recursive: true });
    const after = await runExperiment(yaml, { streamAtEnd: true });
    expect(after.streamedDuringReduction).toEqual([]);
    expect(await expectSameResults(join(twin, "..", "during"), join(twin, "results"))).toBeGreaterThan(20);
  }, 120_000);
});
