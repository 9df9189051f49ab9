/**
 * Issue 14 end to end, Bliss flavour: the twin's scan described by an HDF5 scan file laid out as
 * the ESRF Bliss writer lays it out (one `/<n>.1` NXentry per sweep, counters and scanned motors
 * in `measurement`, the epoch counter), the WAXS frames moved into one Lima-style HDF5 file per
 * scan (`scanNNNN/waxs_0000.h5`, `/entry_0000/measurement/data`, reached by an external link) and
 * the SAXS frames as separately named CBF files — and no scan.csv: `scan: {bliss: …}` gives the
 * same frames.csv, maps and series as the canonical scan log. Written with h5wasm (no Python).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createH5 } from "../src/formats/h5.js";
import { readFrame } from "../src/formats/index.js";
import { runExperiment } from "../src/pipeline/run.js";
import { readScanLog, type ScanLog } from "../src/scan/index.js";
import { PRESETS, simulate } from "../src/simulate/index.js";
import { reducedCurves } from "./support/results.js";

const root = mkdtempSync(join(tmpdir(), "swaxs-bliss-run-"));
const exp = join(root, "twin");
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The log's rows split into sweeps (a sweep starts again at the lowest row), as pairs (saxs, waxs). */
function sweeps(log: ScanLog): number[][] {
  const out: number[][] = [];
  let lastY = Number.POSITIVE_INFINITY;
  for (let i = 0; i < log.length; i += 2) {
    expect(log.detector[i]).toBe("saxs");
    expect(log.detector[i + 1]).toBe("waxs");
    if (log.yMm[i]! < lastY) out.push([]);
    lastY = log.yMm[i]!;
    out[out.length - 1]!.push(i);
  }
  return out;
}

/** One Lima file holding a scan's WAXS frames as (points, rows, cols). */
async function limaFile(path: string, frames: string[]): Promise<void> {
  const read = await Promise.all(frames.map((f) => readFrame(f)));
  const [rows, cols] = read[0]!.shape;
  const data = new Int32Array(read.length * rows * cols);
  for (const [k, f] of read.entries()) data.set(f.data as Int32Array, k * rows * cols);
  const f = await createH5(path);
  const entry = f.create_group("entry_0000");
  entry.create_attribute("NX_class", "NXentry");
  const meas = entry.create_group("measurement");
  meas.create_attribute("NX_class", "NXcollection");
  meas.create_dataset({ name: "data", data, shape: [read.length, rows, cols], dtype: "<i4" });
  f.close();
}

/** The twin's scan log as Bliss writes it. */
async function beamlineCopy(): Promise<void> {
  const log = await readScanLog(join(exp, "scan.csv"));
  const dir = join(exp, "beamline");
  mkdirSync(dir);
  const f = await createH5(join(dir, "sample_0001.h5"));
  for (const [s, rows] of sweeps(log).entries()) {
    const n = s + 1;
    const key = `${n}.1`;
    const lima = `scan${String(n).padStart(4, "0")}`;
    mkdirSync(join(dir, lima));
    await limaFile(
      join(dir, lima, "waxs_0000.h5"),
      rows.map((i) => log.file[i + 1]!),
    );
    for (const [p, i] of rows.entries())
      copyFileSync(
        log.file[i]!,
        join(dir, `saxs_${String(n).padStart(3, "0")}_${String(p).padStart(5, "0")}.cbf`),
      );
    const scan = f.create_group(key);
    scan.create_attribute("NX_class", "NXentry");
    scan.create_dataset({ name: "title", data: `amesh samx 0 1 1 samy 0 1 ${rows.length / 2 - 1} 1` });
    scan.create_dataset({ name: "start_time", data: new Date(log.timeS[rows[0]!]! * 1000).toISOString() });
    const inst = scan.create_group("instrument");
    inst.create_attribute("NX_class", "NXinstrument");
    const meas = scan.create_group("measurement");
    meas.create_attribute("NX_class", "NXcollection");
    const pos = inst.create_group("positioners");
    pos.create_attribute("NX_class", "NXcollection");
    pos.create_dataset({ name: "samz", data: new Float64Array([3.5]), shape: [] });
    const counters: [string, (i: number) => number][] = [
      ["samx", (i) => log.xMm[i]!],
      ["samy", (i) => log.yMm[i]!],
      ["epoch", (i) => log.timeS[i]!],
      ["sec", (i) => log.exposureS[i]!],
      ["mon", (i) => log.i0[i]!],
      ["diode", (i) => log.it[i]!],
    ];
    for (const [name, value] of counters) {
      const g = inst.create_group(name);
      g.create_attribute("NX_class", name.startsWith("sam") ? "NXpositioner" : "NXdetector");
      g.create_dataset({ name: "value", data: Float64Array.from(rows, value) });
      meas.create_soft_link(`/${key}/instrument/${name}/value`, name);
      if (name.startsWith("sam")) pos.create_soft_link(`/${key}/instrument/${name}/value`, name);
    }
    const waxs = inst.create_group("waxs");
    waxs.create_attribute("NX_class", "NXdetector");
    waxs.create_external_link(`${lima}/waxs_0000.h5`, "/entry_0000/measurement/data", "data");
    meas.create_soft_link(`/${key}/instrument/waxs/data`, "waxs");
  }
  f.close();
  const yaml = readFileSync(join(exp, "experiment.yaml"), "utf8")
    .replace(
      /^scan: .*$/m,
      "scan: {bliss: beamline/sample_0001.h5, x: samx, y: samy, i0: mon, it: diode, exposure: sec, " +
        "frames: [{saxs: 'beamline/saxs_{scan:03d}_{point:05d}.cbf'}, waxs]}",
    )
    .replace(/^out: .*$/m, "out: results_bliss");
  writeFileSync(join(exp, "bliss.yaml"), yaml);
}

beforeAll(async () => {
  await simulate({ ...PRESETS.tiny, rows: 6, sweeps: 3 }, exp, { seed: 5 });
  await beamlineCopy();
  await runExperiment(join(exp, "experiment.yaml"));
  await runExperiment(join(exp, "bliss.yaml"));
}, 240_000);

describe("scan: {bliss: …} instead of a scan log", () => {
  it("the same frames at the same times and places, and the same reduced WAXS curves from the Lima files", async () => {
    expect(readFileSync(join(exp, "results_bliss", "frames.csv"), "utf8")).toBe(
      readFileSync(join(exp, "results", "frames.csv"), "utf8"),
    );
    const [a, b] = await Promise.all(
      ["results", "results_bliss"].map((o) => reducedCurves(join(exp, o), "waxs")),
    );
    expect(b).toEqual(a);
  });

  it("gives the same maps, time series, regions and sizes as the canonical scan log", () => {
    for (const f of [
      "regions.csv",
      "maps/Li2S_sod100.csv",
      "timeseries/cathode_Li2S.csv",
      "crystallite/Li2S.csv",
    ])
      expect(readFileSync(join(exp, "results_bliss", f), "utf8"), f).toBe(
        readFileSync(join(exp, "results", f), "utf8"),
      );
  });
});
