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

import { statSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import type { Role } from "../analysis/regions.js";
import {
  buildSeries,
  CUT_LINE_KEY,
  coveringHourShifts,
  type EchemSeries,
  type FrameClock,
  joinFrames,
  readCycler,
} from "../echem/index.js";
import { initH5 } from "../formats/index.js";
import { readPoni } from "../geometry/index.js";
import { type PhaseName, type Reflection, reflections } from "../physics/index.js";
import { RESULT_FOLDERS, RESULTS } from "../results/index.js";
import {
  findGrid,
  type Grid,
  makeScanLog,
  midExposure,
  parseScanLog,
  readScanLog,
  type ScanLog,
} from "../scan/index.js";
import { beginOutput, commitOutput, InputError, PROGRAM, VERSION, workerCount } from "../util/index.js";
import { ocvPass, type PassContext, type StreamResult } from "./analyse.js";
import { resolveInstrumentWidths } from "./calibrant.js";
import { type ExperimentConfig, loadConfig } from "./config.js";
import { ROLES, type RunContext } from "./context.js";
import { frameSizes } from "./frame-sizes.js";
import { resolveMapStates } from "./map-states.js";
import { PipelineWorkers } from "./pipeline-workers.js";
import {
  checkGrid,
  checkRunOutput,
  checkWindows,
  outputGuard,
  planFrames,
  RUN_COMMAND,
} from "./preflight.js";
import type { PeakFitSummary } from "./products.js";
import {
  type DetectorFrames,
  type FramePlan,
  type PreparedDetector,
  prepareDetector,
} from "./reduce-stage.js";
import type { RegionResult } from "./regions-find.js";
import { regionStage, regionsJson } from "./regions-stage.js";
import { ResultsH5 } from "./results-h5.js";
import { peakBase, peakReflections } from "./size-fit.js";
import { streamDetector } from "./stream-stage.js";
import { writeCakes } from "./write/cakes.js";
import { writeCanSas } from "./write/cansas.js";
import { writeCrystallite } from "./write/crystallite.js";
import { writeEchem } from "./write/echem.js";
import { writeExtra } from "./write/extra.js";
import { writeFrames } from "./write/frames.js";
import { writeMaps } from "./write/maps.js";
import { runJson } from "./write/run-json.js";
import { type SaxsSummary, writeSaxs } from "./write/saxs.js";
import { writeSeries } from "./write/series.js";
import { writeXye } from "./write/xye.js";

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
  /** Region of each scan point (row·cols + col). */
  regions: Role[];
  out: string;
}

/** Fewer frames than this to reduce (and no workers: in the config) are reduced on the main thread. */
const RUN_WORKERS_MIN_FRAMES = 16;

/** A reference state interpolated between visits further apart than this [% SOD] is warned about. */
const REFERENCE_GAP_PCT = 5;

/** The products written from the streamed results, in order: each declares its files in results/. */
const PRODUCTS: ((c: RunContext) => Promise<void> | void)[] = [
  writeMaps,
  writeEchem,
  writeSeries,
  writeCrystallite,
  writeCanSas,
  writeXye,
  writeCakes,
  writeSaxs,
  writeExtra,
];
/** …and those written last, once the frame-by-frame sizes (RunContext.sizes) are in. */
const NEEDS_FRAME_SIZES = [writeFrames];

/**
 * The scan log: the canonical CSV, or made from a SPEC file as `swaxs scanlog` makes it (the same
 * code: its CSV text, read by the same reader), with nothing written to disk.
 */
async function scanLogOf(cfg: ExperimentConfig, onNote?: (m: string) => void): Promise<ScanLog> {
  const source = cfg.scanSource;
  if (!source) return readScanLog(cfg.scan);
  const made = await makeScanLog(source);
  if (made.rows === 0) throw new InputError(cfg.scan, "the chosen scans have no data points");
  // what did not stop the log (an aborted scan cut to its counters' common length) is said here too
  for (const n of made.notes) onNote?.(`${cfg.scan}: ${n}`);
  // frames kept in HDF5 (a Bliss file, a Lima file): a dataset the config names must be theirs.
  // Without one the frame reader finds it (NeXus default, Eiger's /entry/data/data, the only
  // image); it is not set here, as a detector's dataset applies to its calibrant and empty cell too
  for (const [det, dataset] of Object.entries(made.datasets)) {
    const own = cfg.detectors[det]?.dataset;
    if (own !== undefined && `/${own.replace(/^\/+/, "")}` !== dataset)
      throw new InputError(
        cfg.file,
        `detectors.${det}.dataset: ${own}, but ${cfg.scan} keeps ${det}'s frames in ${dataset}`,
      );
  }
  return parseScanLog(made.csv, cfg.scan);
}

export async function runExperiment(configPath: string, opts: RunOptions = {}): Promise<RunSummary> {
  const loaded = await loadConfig(configPath);
  // the results folder first: it must never swallow the config's folder or an input
  checkRunOutput(loaded);
  // every frame timed at mid-exposure (scan/log.ts), for the cycler clock and every output
  const log = midExposure(await scanLogOf(loaded, opts.onNote));
  checkRunOutput(loaded, log);
  const allowMissing = opts.allowMissing === true;
  const plan = planFrames(loaded, log, allowMissing);
  const grid = findGrid(log.xMm, log.yMm);
  checkGrid(grid, log);
  // said once the inputs have passed their checks (a refused run ends on its one error line)
  for (const n of missingProducts(loaded)) opts.onNote?.(`note: ${n}`);
  // the run's worker threads start now: their start-up overlaps the checks and the first matrix
  const workers = runWorkers(loaded, log.length - plan.skipped.size, opts.onNote);
  try {
    return await reduceAndAnalyse(loaded, log, plan, grid, workers, opts);
  } finally {
    await workers?.close();
  }
}

/**
 * Where the frames fall outside the cycler log but a whole number of hours would put them all
 * inside it, the likely cause: the cycler's clock read in the wrong zone (issue 21) — said with
 * the key to change and the shift that fits (the smallest, where several do).
 */
export function clockHint(series: EchemSeries, frameS: Float64Array): string {
  // the smallest shift first: 1, −1, 2, −2, … 14, −14 h
  const fits = coveringHourShifts(
    series,
    frameS,
    Array.from({ length: 28 }, (_, k) => (k % 2 ? -1 : 1) * ((k >> 1) + 1)),
  );
  if (fits.length === 0) return "";
  const h = fits[0]!;
  return `; every frame is inside it if the log's clock is ${Math.abs(h)} h ${h > 0 ? "earlier" : "later"}: is echem.timezone (or echem.clock_offset_s) right?`;
}

/**
 * What a config leaves out that the user probably expects (issue 21: a config without bands ran to
 * the end with no maps and no word why): said before the long reduction, never refused.
 */
export function missingProducts(cfg: ExperimentConfig): string[] {
  const out: string[] = [];
  if (cfg.bands.length === 0)
    out.push(
      "no bands: in the config, so no maps, region time series or heatmaps (e.g. bands: [{name: Li2S, detector: waxs, q: [18.3, 20.8]}])",
    );
  else if (cfg.maps.atSod.length === 0 && !cfg.maps.states)
    out.push("no maps.at_sod: in the config, so no maps (e.g. maps: {at_sod: [0, 50, 100]})");
  if (cfg.peaks.length === 0)
    out.push(
      "no peaks: in the config, so no crystallite sizes (e.g. peaks: [{name: Li2S, phase: Li2S, detector: waxs, q: [17, 24.5], region: cathode}])",
    );
  return out;
}

/** Threads for a run of `frames` frames, or null where starting them costs more than they save. */
function runWorkers(
  cfg: ExperimentConfig,
  frames: number,
  onNote?: (m: string) => void,
): PipelineWorkers | null {
  const cores = availableParallelism();
  if (cfg.workers !== undefined && cfg.workers > cores)
    onNote?.(`workers: ${cfg.workers} asked for, this machine has ${cores} cores; using ${cores}`);
  const n = workerCount(cfg.workers);
  return n > 0 && (cfg.workers !== undefined || frames >= RUN_WORKERS_MIN_FRAMES)
    ? new PipelineWorkers(n)
    : null;
}

async function reduceAndAnalyse(
  loaded: ExperimentConfig,
  log: ScanLog,
  plan: FramePlan,
  grid: Grid,
  workers: PipelineWorkers | null,
  opts: RunOptions,
): Promise<RunSummary> {
  const allowMissing = opts.allowMissing === true;
  await checkWindows(loaded, log);
  // the instrumental widths next: a calibrant that cannot be fitted stops the run before the long reduction
  const cfg = await resolveInstrumentWidths(loaded);
  const records = await readCycler(cfg.echem.file);
  const cut = records.metadata[CUT_LINE_KEY];
  if (cut !== undefined) opts.onNote?.(`${cfg.echem.file}: ${cut}`);
  const series = buildSeries(records, {
    clock: cfg.echem.clock ?? undefined,
    massMg: cfg.echem.massMg,
  });
  const clock = joinFrames(series, log.timeS);
  const outside = clock.before + clock.after;
  if (outside > 0 && !allowMissing)
    throw new InputError(
      cfg.echem.file,
      `the cycler log does not cover ${outside} of ${log.length} frames (${clock.before} before it starts, ${clock.after} after it ends)${clockHint(series, log.timeS)}`,
    );

  // a map state the experiment never reaches stops the run before the long reduction
  resolveMapStates(cfg, series, log.timeS);

  const tmp = await beginOutput(cfg.out, RUN_COMMAND, [".work"]);
  const work = join(tmp, ".work");
  await mkdir(work, { recursive: true });
  for (const d of RESULT_FOLDERS) await mkdir(join(tmp, d));
  // every frame that could not be reduced: skipped from the start, or lost during the run
  const lost = new Set<number>();
  let done = 0;
  const tick = (n: number) => {
    done += n;
    if (n > 0) opts.onProgress?.(done, log.length - plan.skipped.size);
  };
  const dets: DetectorFrames[] = [];
  try {
    dets.push(
      ...(await reduceAll(cfg, log, work, plan, {
        allowMissing,
        tick,
        onLost: (i) => lost.add(i),
        workers,
        ...(opts.onNote && { onNote: opts.onNote }),
      })),
    );
    const resumed = dets.reduce((a, d) => a + d.resumed, 0);
    if (resumed > 0) opts.onNote?.(`resumed: ${resumed} frames were already reduced by an interrupted run`);
    const { found, peakFits, warnings, saxs } = await analyse(
      cfg,
      log,
      grid,
      series,
      clock,
      dets,
      tmp,
      workers,
    );
    for (const w of warnings) opts.onNote?.(`warning: ${w}`);
    for (const [name, f] of peakFits)
      if (f.disagree > 0)
        opts.onNote?.(
          `peaks: ${name}: the tied and the free areas give sizes that differ beyond their errors in ${f.disagree} sweep${f.disagree > 1 ? "s" : ""} (the ${f.free > f.ratio ? "free" : "tied"} ones were kept; see run.json peak_fits)`,
        );
    const regions = found.pixelRoles;
    for (const b of found.boundaries.filter((x) => x.uncertain))
      opts.onNote?.(
        `regions: the boundary between ${b.below} and ${b.above} (rows ${b.row - 1}|${b.row}${b.col === undefined ? "" : `, column ${b.col}`}) is uncertain: ${b.why}; see ${RESULTS.regionEvidence.path}, or set regions.by_row`,
      );
    const missing = [...plan.skipped, ...lost].sort((a, b) => a - b);
    await writeFile(
      join(tmp, RESULTS.run.path),
      runJson(cfg, log, missing, outside, regionsJson(grid, found), peakFits, warnings, series, { saxs }),
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

/**
 * Every detector's frames reduced: each detector's matrix built here, then its frames streamed
 * through the run's threads while this thread builds the next one's (its frames in flight keep the
 * threads busy meanwhile). The smallest frames first (by the size of each detector's first file):
 * a Pilatus 100k's matrix is ready in a fraction of a Pilatus 1M's, so the threads start sooner and
 * have its frames to reduce while the large matrix is built. The results come back in the scan
 * log's detector order.
 */
async function reduceAll(
  cfg: ExperimentConfig,
  log: ScanLog,
  work: string,
  plan: FramePlan,
  opts: Parameters<typeof prepareDetector>[5],
): Promise<DetectorFrames[]> {
  const prepared: PreparedDetector[] = [];
  const running: Promise<DetectorFrames>[] = [];
  const names = log.detectors();
  const firstSize = (name: string) => {
    const i = log.detector.findIndex((d, k) => d === name && !plan.skipped.has(k));
    return i < 0 ? Number.POSITIVE_INFINITY : (statSync(log.file[i]!, { throwIfNoEntry: false })?.size ?? 0);
  };
  const sizes = new Map(names.map((n) => [n, firstSize(n)]));
  const byName = new Map<string, Promise<DetectorFrames>>();
  try {
    for (const name of [...names].sort((a, b) => sizes.get(a)! - sizes.get(b)!)) {
      const p = await prepareDetector(cfg, log, name, work, plan, opts);
      prepared.push(p);
      const r = p.reduce();
      // a detector failing while the next one's matrix is built must not be an unhandled rejection
      r.catch(() => {});
      running.push(r);
      byName.set(name, r);
    }
    // h5wasm (for the results' HDF5 files) loads while the frames stream, not after them
    initH5().catch(() => {});
    return await Promise.all(names.map((n) => byName.get(n)!));
  } catch (err) {
    await Promise.allSettled(running);
    await Promise.all(prepared.map((p) => p.close()));
    throw err;
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
  pool: PipelineWorkers | null,
): Promise<{
  found: RegionResult;
  peakFits: Map<string, PeakFitSummary>;
  warnings: string[];
  saxs: SaxsSummary | null;
}> {
  const nPix = grid.rows * grid.cols;
  const firstDischarge = series.halfCycles.find((h) => h.kind === "discharge");
  const ocvEndS = firstDischarge ? firstDischarge.startS : Number.POSITIVE_INFINITY;
  let regions: Role[] = [];
  const pass: PassContext = {
    nPix,
    pixelOf: (i) => grid.rowOf[i]! * grid.cols + grid.colOf[i]!,
    regionOf: (i) => regions[grid.rowOf[i]! * grid.cols + grid.colOf[i]!]!,
    inOcv: (i) => clock.inLog[i] === 1 && clock.timeS[i]! < ocvEndS,
  };

  // initial-OCV means and transmissions, then the regions from them
  const ocv = new Map(dets.map((d) => [d.name, ocvPass(d, pass)]));
  const found = await regionStage(cfg, grid, dets, ocv, pass, tmp);
  regions = found.pixelRoles;
  const peakFits = new Map<string, PeakFitSummary>();
  const warnings: string[] = [];
  let saxs: SaxsSummary | null = null;
  // each peak's reflections (positions at the detector's wavelength), for both kinds of fit
  const refl = new Map<string, Reflection[]>();
  for (const [i, pk] of cfg.peaks.entries()) {
    const cal = await readPoni(cfg.detectors[pk.detector]!.poni);
    const all = reflections(pk.phase as PhaseName, cal.wavelengthM, pk.q[1] + 3, Math.max(0.1, pk.q[0] - 3));
    const chosen = peakReflections(pk, all);
    if (chosen.length === 0)
      throw new InputError(
        cfg.file,
        `peaks[${i}].reflections: none is a reflection of ${pk.phase} near q ${pk.q.join("–")} nm⁻¹ (there: ${all.map((r) => `[${r.hkl.join(", ")}]`).join(" ")})`,
      );
    refl.set(pk.name, chosen);
  }
  // crystallite size frame by frame (the viewer's peak-size map), beside the per-sweep region
  // fits: on worker threads, started as soon as each peak's base is known (a reference state's
  // once the streams have it), while this thread streams and writes what does not need them
  let streamsReady: (s: Map<string, StreamResult>) => void = () => {};
  const streamsDone = new Promise<Map<string, StreamResult>>((r) => {
    streamsReady = r;
  });
  const sizesDone = (async () => {
    const out = new Map<string, Float64Array>();
    for (const pk of cfg.peaks) {
      const d = dets.find((x) => x.name === pk.detector);
      if (!d) continue;
      const stream = pk.base === "reference" ? (await streamsDone).get(d.name) : undefined;
      const b = peakBase(pk, ocv.get(d.name)!, stream, d.radial.length);
      const workers = { pool, explicit: cfg.workers !== undefined };
      out.set(pk.name, await frameSizes(d, pass, pk, refl.get(pk.name)!, b, log.length, workers));
    }
    return out;
  })();
  // handled where awaited below; this keeps a failure meanwhile from being an unhandled rejection
  sizesDone.catch(() => {});

  const results = await ResultsH5.create(join(tmp, RESULTS.h5.path), {
    program: PROGRAM,
    version: VERSION,
    date: new Date().toISOString(),
    config: JSON.stringify({ config: cfg.file }),
  });
  try {
    const base = { cfg, log, grid, series, clock, pass, results, tmp };
    const streams = new Map<string, StreamResult>();
    for (const d of dets) {
      const s = await streamDetector(base, d, ocv.get(d.name)!);
      streams.set(d.name, s);
      // a reference state far from both visits it is interpolated between is a guess, not a state
      if (s.referenceGapPct !== undefined && s.referenceGapPct > REFERENCE_GAP_PCT)
        warnings.push(
          `normalize.${d.name}: the reference state is interpolated between visits up to ${s.referenceGapPct.toFixed(1)} % SOD apart (more than ${REFERENCE_GAP_PCT} %); scan faster near it or choose a state the scan passes more closely`,
        );
    }
    streamsReady(streams);
    const bandValue = new Map<string, Float64Array>();
    const bandError = new Map<string, Float64Array>();
    for (const s of streams.values()) {
      for (const [k, v] of s.bandValue) bandValue.set(k, v);
      for (const [k, v] of s.bandError) bandError.set(k, v);
    }
    const transmission = new Float64Array(log.length).fill(Number.NaN);
    for (const d of dets)
      for (const [k, i] of d.index.entries()) transmission[i] = ocv.get(d.name)!.transmission[k]!;
    const c: RunContext = {
      ...base,
      dets,
      ocv,
      regions,
      streams,
      bandValue,
      bandError,
      transmission,
      refl,
      sizes: new Map(),
      peakFits,
    };
    for (const write of PRODUCTS) await write(c);
    for (const [k, v] of await sizesDone) c.sizes.set(k, v);
    for (const write of NEEDS_FRAME_SIZES) await write(c);
    saxs = c.saxs ?? null;
    const codes = Int8Array.from({ length: nPix }, (_, p) => ROLES.indexOf(regions[p]!));
    results.addMap("", "regions", codes, grid.yMm, grid.xMm, { labels: ROLES.join(",") });
    results.finish();
  } catch (err) {
    results.abort();
    throw err;
  }
  return { found, peakFits, warnings, saxs };
}
