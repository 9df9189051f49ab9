/**
 * What `swaxs run` checks before it reads a single frame: that the output folder cannot swallow an
 * input, that every band and peak window lies inside its detector's radial range, which frames are
 * missing or have no usable monitor (refused, or skipped with --allow-missing), and that every
 * position sits on the scan grid. Each problem is one line naming the file, the key and the value.
 */
import { existsSync } from "node:fs";
import { basename, dirname } from "node:path";
import { openFrames } from "../formats/index.js";
import { detectorForFrame, radialExtent, radialUnit, readPoni } from "../geometry/index.js";
import { type Grid, logColumn, logColumns, offGrid, type ScanLog } from "../scan/index.js";
import { checkOutputFolder, clip, InputError, type OutputGuard } from "../util/index.js";
import { configFiles, type ExperimentConfig } from "./config.js";
import type { FramePlan } from "./reduce-stage.js";

export const RUN_COMMAND = "swaxs run";

/** The guard of the results folder: never the config's folder, the working folder, or one holding an input. */
export function outputGuard(cfg: ExperimentConfig, log?: ScanLog): OutputGuard {
  const inputs = configFiles(cfg);
  if (log) {
    // one frame per folder is enough to know whether the results folder would hold it
    const seen = new Set<string>();
    log.file.forEach((f, i) => {
      const d = dirname(f);
      if (seen.has(d)) return;
      seen.add(d);
      inputs.push({ key: `frame of ${log.path} line ${log.line[i]}`, path: f });
    });
  }
  return {
    namedBy: cfg.file,
    key: "out",
    command: RUN_COMMAND,
    protect: [{ what: "the config's folder", path: cfg.dir }],
    inputs,
  };
}

/** Refuses an output folder that would swallow an input (before anything is read). */
export function checkRunOutput(cfg: ExperimentConfig, log?: ScanLog): void {
  checkOutputFolder(cfg.out, outputGuard(cfg, log));
}

/**
 * A window given in the other q unit (the commonest slip: Å⁻¹ values on a detector in nm⁻¹) fits
 * the range once converted: say so, with the converted window.
 */
function unitHint(q: readonly [number, number], lo: number, hi: number, unit: string): string {
  const other =
    unit === "q_nm^-1"
      ? { f: 10, was: "Å⁻¹", is: "nm⁻¹" }
      : unit === "q_A^-1"
        ? { f: 0.1, was: "nm⁻¹", is: "Å⁻¹" }
        : null;
  if (!other) return "";
  const a = q[0] * other.f;
  const b = q[1] * other.f;
  if (!(a >= lo && b <= hi)) return "";
  const n = (v: number) => Number(v.toPrecision(6));
  return ` — ${other.was}? the unit is ${other.is}: [${n(a)}, ${n(b)}]`;
}

/**
 * Each detector's PONI made for its frames (shape), and every band and peak window inside its
 * detector's radial range (from the PONI and the frame size,
 * read from the first frame's header): a band in Å⁻¹ on a detector in nm⁻¹ would otherwise give
 * all-zero maps, and one partly outside would average in empty bins.
 */
export async function checkWindows(cfg: ExperimentConfig, log: ScanLog): Promise<void> {
  for (const d of Object.values(cfg.detectors)) {
    const windows = [
      ...cfg.bands.map((b, k) => ({ key: `bands[${k}].q`, det: b.detector, q: b.q })),
      ...cfg.peaks.map((p, k) => ({ key: `peaks[${k}].q`, det: p.detector, q: p.q })),
    ].filter((w) => w.det === d.name);
    const cal = await readPoni(d.poni);
    const first = log.file.findIndex((f, i) => log.detector[i] === d.name && existsSync(f));
    let shape = cal.detector.shape;
    if (first >= 0) {
      const src = await openFrames(log.file[first]!, { ...(d.dataset && { dataset: d.dataset }) });
      // a PONI made for the other detector (the SAXS one given for the WAXS frames) is named here,
      // by its key, before any frame, calibrant or empty cell is read with it
      const fs = src.shape;
      src.close();
      if (cal.detector.shape && (cal.detector.shape[0] !== fs[0] || cal.detector.shape[1] !== fs[1]))
        throw new InputError(
          cfg.file,
          `detectors.${d.name}.poni: ${d.poni} describes a ${cal.detector.name} (${cal.detector.shape.join("×")}), but ${d.name}'s frames are ${fs.join("×")} (${log.file[first]})`,
        );
      shape = detectorForFrame(cal.detector, fs, log.file[first]!).shape ?? fs;
    }
    if (!shape || !windows.length) continue;
    const unit = radialUnit(d.unit)!;
    const [lo, hi] = radialExtent(cal, shape, unit);
    for (const w of windows)
      if (w.q[0] < lo || w.q[1] > hi)
        throw new InputError(
          cfg.file,
          `${w.key}: [${w.q.join(", ")}] is not inside detector ${d.name}'s range ${lo.toPrecision(4)}..${hi.toPrecision(4)} ${d.unit}${unitHint(w.q, lo, hi, d.unit)}`,
        );
  }
}

/**
 * The monitor of each detector (a scan-log column, checked to exist), and the frames that cannot be
 * reduced: file missing, or monitor ≤ 0 or not a number. Without --allow-missing the first such
 * frame stops the run, named; with it they are skipped (NaN in place) and listed in run.json.
 */
export function planFrames(cfg: ExperimentConfig, log: ScanLog, allowMissing: boolean): FramePlan {
  for (const d of log.detectors())
    if (!cfg.detectors[d])
      throw new InputError(
        cfg.scan,
        `detector "${clip(d)}" is in the scan log but not in ${basename(cfg.file)} (detectors: ${Object.keys(cfg.detectors).join(", ")})`,
      );
  const monitor = new Map<string, Float64Array | null>();
  for (const d of Object.values(cfg.detectors)) {
    if (d.monitor === null) {
      monitor.set(d.name, null);
      continue;
    }
    const col = logColumn(log, d.monitor);
    if (!col)
      throw new InputError(
        cfg.file,
        `detectors.${d.name}.monitor: no column "${clip(d.monitor)}" in ${log.path} (columns: ${clip(logColumns(log).join(", "), 160)})`,
      );
    monitor.set(d.name, col);
  }
  const skipped = new Set<number>();
  const hint = "; --allow-missing goes on without it";
  for (let i = 0; i < log.length; i++) {
    let problem: string | null = null;
    const m = monitor.get(log.detector[i]!);
    if (!existsSync(log.file[i]!)) problem = `frame file missing (scan log line ${log.line[i]})`;
    else if (m && !(m[i]! > 0 && Number.isFinite(m[i]!)))
      problem = `line ${log.line[i]}: monitor ${cfg.detectors[log.detector[i]!]!.monitor} is ${m[i]} at this frame (must be > 0)`;
    if (problem === null) continue;
    if (!allowMissing)
      throw new InputError(problem.startsWith("line") ? log.path : log.file[i]!, problem + hint);
    skipped.add(i);
  }
  return { monitor, skipped };
}

/** Every position on the grid: one off every grid line stops the run, naming the line and value. */
export function checkGrid(grid: Grid, log: ScanLog): void {
  const off = offGrid(grid, log.xMm, log.yMm);
  if (!off) return;
  const col = off.axis === "x" ? "x_mm" : "y_mm";
  const all = off.axis === "x" ? log.xMm : log.yMm;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  all.forEach((v) => {
    if (v === off.value) return;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  });
  throw new InputError(
    log.path,
    `line ${log.line[off.index]}: ${col} = ${clip(String(off.value), 24)} is off the scan grid (the frames' ${col} lie in ${lo}..${hi} mm)`,
  );
}
