/**
 * Issue 14 end to end: the twin's frames renamed as a beamline names them, a SPEC file describing
 * the scan (one SPEC scan per sweep, positions, epoch, counting time and counters as columns), and
 * no scan.csv — `scan: {spec: …}` in the config gives the same results as the canonical scan log.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runExperiment } from "../src/pipeline/run.js";
import { readScanLog } from "../src/scan/index.js";
import { PRESETS, simulate } from "../src/simulate/index.js";
import { reducedCurves } from "./support/results.js";

const root = mkdtempSync(join(tmpdir(), "swaxs-spec-run-"));
const exp = join(root, "twin");
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The twin's scan log as a beamline writes it: a SPEC file and frames named by scan and point. */
async function beamlineCopy(): Promise<void> {
  const log = await readScanLog(join(exp, "scan.csv"));
  const e0 = Math.floor(log.timeS[0]!);
  const lines = ["#F scan.spec", `#E ${e0}`, "#D Tue May 14 08:00:00 2024", "#O0 samx  samy", ""];
  mkdirSync(join(exp, "beamline"));
  let scan = 0;
  let point = 0;
  let lastY = Number.POSITIVE_INFINITY;
  for (let i = 0; i < log.length; i += 2) {
    // saxs and waxs frames of a point come in pairs at the same time and place
    expect(log.detector[i]).toBe("saxs");
    expect(log.timeS[i + 1]).toBe(log.timeS[i]);
    if (log.yMm[i]! < lastY) {
      // a sweep starts again at the lowest row: a new SPEC scan
      scan++;
      point = 0;
      lines.push(
        `#S ${scan}  mesh  samx -0.5 0.5 1  samy -0.355 0.355 5  1`,
        "#T 1  (Seconds)",
        "#P0 0 0",
        "#N 6",
      );
      lines.push("#L samx  samy  Epoch  Seconds  Monitor  Diode");
    }
    lastY = log.yMm[i]!;
    const epoch = (log.timeS[i]! - e0).toFixed(3);
    lines.push(`${log.xMm[i]} ${log.yMm[i]} ${epoch} ${log.exposureS[i]} ${log.i0[i]} ${log.it[i]}`);
    for (const k of [i, i + 1]) {
      const det = log.detector[k]!;
      const name = `${det}_${String(scan).padStart(3, "0")}_${String(point).padStart(5, "0")}.cbf`;
      copyFileSync(log.file[k]!, join(exp, "beamline", name));
    }
    point++;
  }
  writeFileSync(join(exp, "beamline", "scan.spec"), `${lines.join("\n")}\n`);
  const yaml = readFileSync(join(exp, "experiment.yaml"), "utf8")
    .replace(
      /^scan: .*$/m,
      "scan: {spec: beamline/scan.spec, x: samx, y: samy, i0: Monitor, it: Diode, exposure: Seconds, " +
        "frames: {saxs: 'beamline/saxs_{scan:03d}_{point:05d}.cbf', waxs: 'beamline/waxs_{scan:03d}_{point:05d}.cbf'}}",
    )
    .replace(/^out: .*$/m, "out: results_spec");
  writeFileSync(join(exp, "spec.yaml"), yaml);
}

beforeAll(async () => {
  await simulate({ ...PRESETS.tiny, rows: 6, sweeps: 3 }, exp, { seed: 5 });
  await beamlineCopy();
  await runExperiment(join(exp, "experiment.yaml"));
  await runExperiment(join(exp, "spec.yaml"));
}, 240_000);

describe("scan: {spec: …} instead of a scan log", () => {
  it("gives the same maps, time series, regions and sizes as the canonical scan log", () => {
    for (const f of [
      "regions.csv",
      "maps/Li2S_sod100.csv",
      "maps/S_sod50.csv",
      "timeseries/cathode_Li2S.csv",
      "echem.csv",
      "crystallite/Li2S.csv",
    ]) {
      expect(readFileSync(join(exp, "results_spec", f), "utf8"), f).toBe(
        readFileSync(join(exp, "results", f), "utf8"),
      );
    }
  });

  it("the same frames at the same times and places, and their reduced curves", async () => {
    expect(readFileSync(join(exp, "results_spec", "frames.csv"), "utf8")).toBe(
      readFileSync(join(exp, "results", "frames.csv"), "utf8"),
    );
    const [a, b] = await Promise.all(
      ["results", "results_spec"].map((o) => reducedCurves(join(exp, o), "saxs")),
    );
    expect(b).toEqual(a);
  });
});
