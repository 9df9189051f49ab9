/**
 * `swaxs run experiment.yaml`: reduce every frame (streamed to on-disk stores, resumable, worker
 * threads for large frames), place the scan on its grid and on the electrochemical clock, label
 * the regions, normalise as the paper does, and write the CSV contract (regions, maps at each SOD,
 * frames, echem, region time series and heatmaps, band stability, crystallite sizes), the reduced
 * curves per detector, results.h5 with all of it, and the SAXS region curves as NXcanSAS.
 *
 * Everything is written under `<out>.partial/` and renamed to `<out>` only when complete; the
 * reduced curves of an interrupted run stay in `<out>.partial/.work/` and the next run resumes there.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Role } from "../analysis/regions.js";
import { DEFAULT_PHASES, type PhaseLines, type StackLayer } from "../analysis/stack-labels.js";
import { buildSeries, type EchemSeries, type FrameClock, joinFrames, readCycler } from "../echem/index.js";
import { readPoni } from "../geometry/index.js";
import { type PhaseName, type Reflection, reflections } from "../physics/index.js";
import { columnsOf, csv, csvLine, fmt, gridCsv, RESULT_FOLDERS, RESULTS } from "../results/index.js";
import { findGrid, type Grid, readScanLog, type ScanLog } from "../scan/index.js";
import { beginOutput, commitOutput, InputError, PROGRAM, VERSION } from "../util/index.js";
import { ocvPass, type PassContext, type StreamResult } from "./analyse.js";
import { resolveInstrumentWidths } from "./calibrant.js";
import { type ExperimentConfig, loadConfig } from "./config.js";
import { ROLES, type RunContext } from "./context.js";
import { frameSizes } from "./frame-sizes.js";
import {
  checkGrid,
  checkRunOutput,
  checkWindows,
  outputGuard,
  planFrames,
  RUN_COMMAND,
} from "./preflight.js";
import { type DetectorFrames, reduceDetector } from "./reduce-stage.js";
import { findRegions, type RegionResult } from "./regions-find.js";
import { ResultsH5 } from "./results-h5.js";
import { streamDetector } from "./stream-stage.js";
import { writeCakes } from "./write/cakes.js";
import { writeCanSas } from "./write/cansas.js";
import { writeCrystallite } from "./write/crystallite.js";
import { writeEchem } from "./write/echem.js";
import { writeFrames } from "./write/frames.js";
import { writeMaps } from "./write/maps.js";
import { runJson } from "./write/run-json.js";
import { writeSeries } from "./write/series.js";

export { timeOfSod } from "./products.js";

export interface RunOptions {
  /** Go on past missing frame files and frames outside the cycler log, counting them. */
  allowMissing?: boolean;
  onProgress?: (done: number, total: number) => void;
  /** One-line notes for the user (resuming, …). */
  onNote?: (message: string) => void;
}

export interface RunSummary {
  frames: number;
  missing: number;
  outsideLog: number;
  /** Frames whose reduction was found complete from an interrupted run. */
  resumed: number;
  rows: number;
  cols: number;
  regions: Role[];
  out: string;
}

/** The products written from the streamed results, in order: each declares its files in results/. */
const PRODUCTS: ((c: RunContext) => Promise<void> | void)[] = [
  writeMaps,
  writeFrames,
  writeEchem,
  writeSeries,
  writeCrystallite,
  writeCanSas,
  writeCakes,
];

export async function runExperiment(configPath: string, opts: RunOptions = {}): Promise<RunSummary> {
  const loaded = await loadConfig(configPath);
  // the results folder first: it must never swallow the config's folder or an input
  checkRunOutput(loaded);
  const log = await readScanLog(loaded.scan);
  checkRunOutput(loaded, log);
  const allowMissing = opts.allowMissing === true;
  const plan = planFrames(loaded, log, allowMissing);
  const grid = findGrid(log.xMm, log.yMm);
  checkGrid(grid, log);
  await checkWindows(loaded, log);
  // the instrumental widths next: a calibrant that cannot be fitted stops the run before the long reduction
  const cfg = await resolveInstrumentWidths(loaded);
  const series = buildSeries(await readCycler(cfg.echem.file), {
    clock: cfg.echem.clock ?? undefined,
    massMg: cfg.echem.massMg,
  });
  const clock = joinFrames(series, log.timeS);
  const outside = clock.before + clock.after;
  if (outside > 0 && !allowMissing)
    throw new InputError(
      cfg.echem.file,
      `the cycler log does not cover ${outside} of ${log.length} frames (${clock.before} before it starts, ${clock.after} after it ends)`,
    );

  const tmp = await beginOutput(cfg.out, RUN_COMMAND, [".work"]);
  const work = join(tmp, ".work");
  await mkdir(work, { recursive: true });
  for (const d of RESULT_FOLDERS) await mkdir(join(tmp, d));
  // every frame that could not be reduced: skipped from the start, or lost during the run
  const lost = new Map<number, string>();
  let done = 0;
  const tick = (n: number) => {
    done += n;
    if (n > 0) opts.onProgress?.(done, log.length - plan.skipped.size);
  };
  const dets: DetectorFrames[] = [];
  try {
    for (const name of log.detectors())
      dets.push(
        await reduceDetector(cfg, log, name, work, plan, {
          allowMissing,
          tick,
          onLost: (i, problem) => lost.set(i, problem),
          ...(opts.onNote && { onNote: opts.onNote }),
        }),
      );
    const resumed = dets.reduce((a, d) => a + d.resumed, 0);
    if (resumed > 0) opts.onNote?.(`resumed: ${resumed} frames were already reduced by an interrupted run`);
    const found = await analyse(cfg, log, grid, series, clock, dets, tmp);
    const regions = found.roles;
    for (const b of found.boundaries.filter((x) => x.uncertain))
      opts.onNote?.(
        `regions: the boundary between ${b.below} and ${b.above} (rows ${b.row - 1}|${b.row}) is uncertain: ${b.why}; see ${RESULTS.regionEvidence.path}, or set regions.by_row`,
      );
    const missing = [...plan.skipped, ...lost.keys()].sort((a, b) => a - b);
    await writeFile(
      join(tmp, RESULTS.run.path),
      runJson(cfg, log, missing, outside, regionsJson(grid, found)),
    );
    for (const d of dets) {
      d.store.close();
      d.cakes?.store.close();
    }
    await rm(work, { recursive: true, force: true });
    await commitOutput(tmp, cfg.out, outputGuard(cfg));
    if (missing.length)
      opts.onNote?.(
        `warning: ${missing.length} frames missing or unreadable were left out (NaN in maps and series; listed in run.json missing_frames)`,
      );
    return {
      frames: log.length,
      missing: missing.length,
      outsideLog: outside,
      resumed,
      rows: grid.rows,
      cols: grid.cols,
      regions,
      out: cfg.out,
    };
  } finally {
    for (const d of dets) {
      d.store.close();
      d.cakes?.store.close();
    }
  }
}

async function analyse(
  cfg: ExperimentConfig,
  log: ScanLog,
  grid: Grid,
  series: EchemSeries,
  clock: FrameClock,
  dets: DetectorFrames[],
  tmp: string,
): Promise<RegionResult> {
  const nPix = grid.rows * grid.cols;
  const firstDischarge = series.halfCycles.find((h) => h.kind === "discharge");
  const ocvEndS = firstDischarge ? firstDischarge.startS : Number.POSITIVE_INFINITY;
  let regions: Role[] = [];
  const pass: PassContext = {
    nPix,
    pixelOf: (i) => grid.rowOf[i]! * grid.cols + grid.colOf[i]!,
    regionOf: (i) => regions[grid.rowOf[i]!]!,
    inOcv: (i) => clock.inLog[i] === 1 && clock.timeS[i]! < ocvEndS,
  };

  // initial-OCV means and transmissions, then the regions from them
  const ocv = new Map(dets.map((d) => [d.name, ocvPass(d, pass)]));
  const found = labelRegions(cfg, grid, dets, ocv, pass, await stackLines(cfg));
  regions = found.roles;
  await writeFile(
    join(tmp, RESULTS.regionEvidence.path),
    evidenceCsv(cfg, grid, found, rowTransmission(grid, dets, ocv, pass)),
  );
  await writeFile(
    join(tmp, RESULTS.regions.path),
    gridCsv(
      RESULTS.regions.columns.at(-1)!.name,
      grid.rows,
      grid.cols,
      grid.xMm,
      grid.yMm,
      (p) => regions[Math.floor(p / grid.cols)]!,
    ),
  );

  const results = await ResultsH5.create(join(tmp, RESULTS.h5.path), {
    program: PROGRAM,
    version: VERSION,
    date: new Date().toISOString(),
    config: JSON.stringify({ config: cfg.file }),
  });
  try {
    const base = { cfg, log, grid, series, clock, pass, results, tmp };
    const streams = new Map<string, StreamResult>();
    for (const d of dets) streams.set(d.name, await streamDetector(base, d, ocv.get(d.name)!));
    const bandValue = new Map<string, Float64Array>();
    for (const s of streams.values()) for (const [k, v] of s.bandValue) bandValue.set(k, v);
    const transmission = new Float64Array(log.length).fill(Number.NaN);
    for (const d of dets)
      for (const [k, i] of d.index.entries()) transmission[i] = ocv.get(d.name)!.transmission[k]!;
    // each peak's reflections (positions at the detector's wavelength), for both kinds of fit
    const refl = new Map<string, Reflection[]>();
    for (const pk of cfg.peaks) {
      const cal = await readPoni(cfg.detectors[pk.detector]!.poni);
      refl.set(
        pk.name,
        reflections(pk.phase as PhaseName, cal.wavelengthM, pk.q[1] + 3, Math.max(0.1, pk.q[0] - 3)),
      );
    }
    // crystallite size frame by frame (the viewer's peak-size map), beside the per-sweep region fits
    const sizes = new Map<string, Float64Array>();
    for (const pk of cfg.peaks) {
      const d = dets.find((x) => x.name === pk.detector);
      if (d) sizes.set(pk.name, frameSizes(d, pass, pk, refl.get(pk.name)!, ocv.get(d.name)!, log.length));
    }
    const c: RunContext = { ...base, dets, ocv, regions, streams, bandValue, transmission, refl, sizes };
    for (const write of PRODUCTS) await write(c);
    const codes = Int8Array.from({ length: nPix }, (_, p) =>
      ROLES.indexOf(regions[Math.floor(p / grid.cols)]!),
    );
    results.addMap("", "regions", codes, grid.yMm, grid.xMm, { labels: ROLES.join(",") });
    results.finish();
  } catch (err) {
    results.abort();
    throw err;
  }
  return found;
}

/** The layers of the stack, in order, with the phases each is recognised by. */
function stackLayers(cfg: ExperimentConfig): StackLayer[] {
  const stack = (cfg.stack ?? DEFAULT_STACK) as Role[];
  return stack.map((role, k) => ({ role, phases: cfg.stackPhases?.[k] ?? DEFAULT_PHASES[role] }));
}

const DEFAULT_STACK: Role[] = ["other", "cathode", "separator", "anode", "other"];

/**
 * The lines of the stack's phases on the WAXS detector's axis (q in nm⁻¹, at its wavelength), or
 * null when there is no WAXS detector reduced in q_nm^-1.
 */
async function stackLines(cfg: ExperimentConfig): Promise<PhaseLines[] | null> {
  const d = Object.values(cfg.detectors).find((x) => x.kind === "waxs" && x.unit === "q_nm^-1");
  if (!d) return null;
  const cal = await readPoni(d.poni);
  const phases = [...new Set(stackLayers(cfg).flatMap((l) => l.phases))];
  return phases.map((phase) => {
    const r = reflections(phase as PhaseName, cal.wavelengthM, 80, 0.5);
    return { phase, q: r.map((x) => x.qNm), intensity: r.map((x) => x.intensity) };
  });
}

/** Each row's mean transmission over the initial OCV (0 where none). */
function rowTransmission(
  grid: Grid,
  dets: DetectorFrames[],
  ocv: Map<string, ReturnType<typeof ocvPass>>,
  pass: PassContext,
): number[] {
  const tSum = new Float64Array(grid.rows);
  const tN = new Float64Array(grid.rows);
  const first = dets[0]!;
  first.index.forEach((i, k) => {
    const t = ocv.get(first.name)!.transmission[k]!;
    if (pass.inOcv(i) && Number.isFinite(t)) {
      tSum[grid.rowOf[i]!]! += t;
      tN[grid.rowOf[i]!]!++;
    }
  });
  return Array.from(tSum, (s, r) => (tN[r]! > 0 ? s / tN[r]! : 0));
}

/** `regions_evidence.csv`: per row, y, transmission, each layer's fingerprint (noise units) and the label. */
function evidenceCsv(cfg: ExperimentConfig, grid: Grid, found: RegionResult, t: number[]): string {
  const layers = stackLayers(cfg);
  const ev = found.fingerprint?.evidence ?? layers.map(() => null);
  const lines = [
    csvLine([
      ...columnsOf(RESULTS.regionEvidence).slice(0, 3),
      ...layers.map((l, k) => `layer${k}_${l.role}`),
      "region",
    ]),
  ];
  for (let r = 0; r < grid.rows; r++)
    lines.push(
      csvLine([r, grid.yMm[r]!, fmt(t[r]!), ...ev.map((e) => (e ? fmt(e[r]!) : "")), found.roles[r]!]),
    );
  return csv(lines);
}

/** What run.json says of the regions: the method, and each boundary with its margin and doubt. */
function regionsJson(grid: Grid, found: RegionResult): object {
  return {
    method: found.method,
    boundaries: found.boundaries.map((b) => ({
      below: b.below,
      above: b.above,
      rows: [b.row - 1, b.row],
      y_mm: 0.5 * (grid.yMm[b.row - 1]! + grid.yMm[b.row]!),
      margin: Number(b.margin.toPrecision(4)),
      uncertain: b.uncertain,
      ...(b.why && { why: b.why }),
    })),
  };
}

/** The regions from each row's initial-OCV transmission and SAXS/WAXS curves (see regions-find.ts). */
function labelRegions(
  cfg: ExperimentConfig,
  grid: Grid,
  dets: DetectorFrames[],
  ocv: Map<string, ReturnType<typeof ocvPass>>,
  pass: PassContext,
  lines: PhaseLines[] | null,
): RegionResult {
  const nPix = grid.rows * grid.cols;
  // the detector of each kind, as the config states it
  const feature = (kind: "saxs" | "waxs") => {
    const d = dets.find((x) => cfg.detectors[x.name]!.kind === kind);
    return d
      ? { radial: d.radial, ocvMean: perPixel(ocv.get(d.name)!.mean, nPix, d.radial.length) }
      : undefined;
  };
  return findRegions({
    rows: grid.rows,
    cols: grid.cols,
    transmissionByRow: rowTransmission(grid, dets, ocv, pass),
    saxs: feature("saxs"),
    waxs: feature("waxs"),
    stack: stackLayers(cfg).map((l) => l.role),
    byRow: cfg.regions.byRow as Map<number, Role>,
    layers: stackLayers(cfg),
    ...(lines && { lines }),
  });
}

/** Each pixel's curve as a view into a pixels × npt block. */
const perPixel = (flat: Float64Array, nPix: number, npt: number) =>
  Array.from({ length: nPix }, (_, p) => flat.subarray(p * npt, (p + 1) * npt));
