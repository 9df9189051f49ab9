/** The config, scan log and grid of a whole simulated experiment (the `tiny` preset) against its truth. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../pipeline/config.js";
import { PRESETS, simulate } from "../simulate/index.js";
import { findGrid, readScanLog } from "./index.js";

const root = mkdtempSync(join(tmpdir(), "swaxs-scan-sim-"));

beforeAll(async () => {
  await simulate(PRESETS.tiny, root, { seed: 3 });
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("a simulated experiment", () => {
  it("loads its config, reads its scan log and finds the true grid", async () => {
    const truth = JSON.parse(readFileSync(join(root, "truth.json"), "utf8")) as {
      rows: number;
      cols: number;
      x_mm: number[];
      y_mm: number[];
    };
    const cfg = await loadConfig(join(root, "experiment.yaml"));
    const log = await readScanLog(cfg.scan);
    expect(log.detectors().sort()).toEqual(Object.keys(cfg.detectors).sort());
    expect(log.file.every((f) => f.startsWith(join(root, "frames")))).toBe(true);

    const g = findGrid(log.xMm, log.yMm);
    expect(g.rows).toBe(truth.rows);
    expect(g.cols).toBe(truth.cols);
    for (const [c, x] of g.xMm.entries()) expect(x).toBeCloseTo(truth.x_mm[c]!, 3);
    for (const [r, y] of g.yMm.entries()) expect(y).toBeCloseTo(truth.y_mm[r]!, 3);
    for (let i = 0; i < log.length; i++) {
      expect(Math.abs(log.yMm[i]! - truth.y_mm[g.rowOf[i]!]!)).toBeLessThan(1e-3);
      expect(Math.abs(log.xMm[i]! - truth.x_mm[g.colOf[i]!]!)).toBeLessThan(1e-3);
    }
  });
});
