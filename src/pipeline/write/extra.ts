/**
 * `extra/<name>_<det>.csv` (config `extra:`; issue 15, the paper's Fig. 3c): measurements outside
 * the scan — the pristine carbon, the composite, an empty cell — integrated exactly as their
 * detector's frames are (same PONI, mask, bins, splitting, polarisation, and I / (exposure × monitor)),
 * so they can be laid over the region curves. No empty-cell subtraction: an extra measurement is
 * shown as it was taken (the empty cell itself may be one of them).
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { columnsOf, csv, csvLine, fmt, RESULTS, resultPath } from "../../results/index.js";
import { logColumn, type ScanLog } from "../../scan/index.js";
import { InputError } from "../../util/index.js";
import type { ExperimentConfig, ExtraConfig } from "../config.js";
import type { RunContext } from "../context.js";
import { type FrameRef, type ReducedAsMeasured, reduceOne } from "../reduce.js";

const median = (a: number[]) => {
  const s = a.filter(Number.isFinite).sort((x, y) => x - y);
  return s.length ? s[s.length >> 1]! : Number.NaN;
};

/**
 * How one extra measurement is counted: as the config says, else like the frames (their median
 * exposure and monitor, as the empty cell).
 */
export function extraRef(cfg: ExperimentConfig, x: ExtraConfig, log: ScanLog): FrameRef {
  const d = cfg.detectors[x.detector]!;
  const rows = [...Array(log.length).keys()].filter((i) => log.detector[i] === x.detector);
  const col = d.monitor === null ? null : logColumn(log, d.monitor);
  const exposureS = x.exposureS ?? median(rows.map((i) => log.exposureS[i]!));
  const monitor = d.monitor === null ? 1 : (x.monitor ?? median(col ? rows.map((i) => col[i]!) : []));
  if (!(exposureS > 0) || !(monitor > 0))
    throw new InputError(
      cfg.file,
      `extra "${x.name}": no exposure or monitor to count it by (give exposure_s and monitor)`,
    );
  return { file: x.file, frame: 0, exposureS, monitor, i0: 0, it: 0 };
}

export function extraCsv(curve: ReducedAsMeasured): string {
  const lines = [csvLine(columnsOf(RESULTS.extra))];
  for (let j = 0; j < curve.radial.length; j++)
    lines.push(`${fmt(curve.radial[j]!)},${fmt(curve.intensity[j]!)},${fmt(curve.sigma[j]!)}`);
  return csv(lines);
}

export async function writeExtra(c: RunContext): Promise<void> {
  const { cfg, log } = c;
  for (const x of cfg.extra) {
    // reduced by the detector's own reducer while its frames were (reduce-stage.ts), else here
    const curve =
      (await c.dets.find((d) => d.name === x.detector)?.extras.get(x.name)) ??
      (await reduceOne(cfg.detectors[x.detector]!, extraRef(cfg, x, log)));
    await writeFile(join(c.tmp, resultPath.extra(x.name, x.detector)), extraCsv(curve));
  }
}
