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

import { existsSync, statSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import type { Role } from "../analysis/regions.js";
import {
  buildSeries,
  CUT_LINE_KEY,
  coveringHourShifts,
  type EchemSeries,
  joinFrames,
  readCycler,
} from "../echem/index.js";
import { initH5 } from "../formats/index.js";
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
import { beginOutput, commitOutput, InputError, MARKER, markFolder, workerCount } from "../util/index.js";
import { AnalysisStage, peakReflectionsOf } from "./analysis-stage.js";
import { resolveInstrumentWidths } from "./calibrant.js";
import { type ExperimentConfig, loadConfig } from "./config.js";
import { reachedStates, resolveMapStates } from "./map-states.js";
import { PipelineWorkers } from "./pipeline-workers.js";
import {
  checkGrid,
  checkRunOutput,
  checkWindows,
  outputGuard,
  planFrames,
  RUN_COMMAND,
} from "./preflight.js";
import {
  type DetectorFrames,
  type FramePlan,
  type PreparedDetector,
  prepareDetector,
} from "./reduce-stage.js";
import { regionsJson } from "./regions-stage.js";
import { type Part, type Shard, shardCount, shardDir, shardLines, shardParts } from "./shards.js";
import { runJson } from "./write/run-json.js";

export { timeOfSod } from "./products.js";

export interface RunOptions {
  /** Go on past missing frame files and frames outside the cycler log, counting them. */
  allowMissing?: boolean;
  onProgress?: (done: number, total: number) => void;
  /** One-line notes for the user (resuming, …). */
  onNote?: (message: string) => void;
  /**
   * Reduce only shard k of n of the scan log into its own stores and stop (shards.ts); `swaxs merge`
   * (`merge: true`) joins the shards and analyses.
   */
  shard?: Shard;
  merge?: boolean;
  /** The scan log's text to use instead of reading it (a live run's: the lines whose frames are complete). */
  scanText?: string;
  /** Reduce only these scan-log lines into `stores` and stop (a live run's batch; a shard is one too). */
  part?: { lines: [number, number]; stores: string };
  /** Join these parts' stores, then analyse (a live run's batches). */
  parts?: Part[];
  /**
   * How each detector's empty cell is counted where the config does not say (a live run pins what
   * its first batch used: medians over the frames so far would move, and with them every batch).
   */
  backgroundCounting?: Record<string, { exposureS: number; i0: number }>;
  /**
   * Stream every detector after its last frame, not while the frames reduce (the same results,
   * later: tests compare the two).
   */
  streamAtEnd?: boolean;
}

export interface RunSummary {
  frames: number;
  missing: number;
  outsideLog: number;
  /** Frames whose reduction was found complete from an interrupted run. */
  resumed: number;
  /** Detectors whose stream followed their store while the frames were reduced (analysis-stage.ts). */
  streamedDuringReduction?: string[];
  rows: number;
  cols: number;
  /** Region of each scan point (row·cols + col). */
  regions: Role[];
  out: string;
  /** A shard's run: its scan-log lines [from, to) and where its stores are (no analysis, `out` not written). */
  shard?: { lines: [number, number]; stores: string };
  /** How each detector's empty cell was counted (reducePart's: a live run pins them). */
  counting?: Record<string, { exposureS: number; i0: number }>;
}

/** Fewer frames than this to reduce (and no workers: in the config) are reduced on the main thread. */
const RUN_WORKERS_MIN_FRAMES = 16;

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
  const log = midExposure(
    opts.scanText !== undefined
      ? parseScanLog(opts.scanText, loaded.scan)
      : await scanLogOf(loaded, opts.onNote),
  );
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
    await workers?.warmFor(log.detectors().map((d) => log.file[log.detector.indexOf(d)]!));
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
  let cfg = await resolveInstrumentWidths(loaded);
  const pinned = opts.backgroundCounting;
  if (pinned)
    cfg = {
      ...cfg,
      backgroundCounting: Object.fromEntries(
        Object.keys(cfg.detectors).map((d) => [d, { ...pinned[d], ...cfg.backgroundCounting[d] }]),
      ),
    };
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

  // a map state the experiment never reaches stops the run before the long reduction (a live
  // run's states not reached yet are left out until they are)
  if (opts.scanText !== undefined) cfg = reachedStates(cfg, series, log.timeS);
  resolveMapStates(cfg, series, log.timeS);
  // …and so does a peak whose phase has no line in its window
  const refl = await peakReflectionsOf(cfg);

  if (opts.shard) {
    const stores = shardDir(join(`${resolve(cfg.out)}.partial`, ".work"), opts.shard);
    return reducePart(cfg, log, plan, grid, workers, shardLines(log.length, opts.shard), stores, opts);
  }
  if (opts.part) return reducePart(cfg, log, plan, grid, workers, opts.part.lines, opts.part.stores, opts);
  const tmp = await beginOutput(cfg.out, RUN_COMMAND, [".work"]);
  const work = join(tmp, ".work");
  await mkdir(work, { recursive: true });
  for (const d of RESULT_FOLDERS) await mkdir(join(tmp, d));
  const nShards = opts.merge ? shardCount(work) : null;
  if (opts.merge && nShards === null)
    throw new InputError(
      join(work, "shards"),
      `no shards to merge: run \`swaxs run ${cfg.file} --shard K/N\` for K = 0 … N−1 first`,
    );
  const parts = nShards !== null ? shardParts(work, nShards, log.length, cfg.file) : opts.parts;
  // every frame that could not be reduced: skipped from the start, or lost during the run
  const lost = new Set<number>();
  let done = 0;
  const tick = (n: number) => {
    done += n;
    if (n > 0) opts.onProgress?.(done, log.length - plan.skipped.size);
  };
  const dets: DetectorFrames[] = [];
  // the analysis starts with the reduction: regions as soon as the initial-OCV frames are in
  const stage = new AnalysisStage(cfg, log, grid, series, clock, tmp, workers, refl, {
    streamAtEnd: opts.streamAtEnd === true,
  });
  try {
    dets.push(
      ...(await reduceAll(cfg, log, work, plan, {
        allowMissing,
        tick,
        onLost: (i) => lost.add(i),
        workers,
        onRecords: stage.onRecords,
        onReduced: stage.onReduced,
        ...(parts && { parts }),
        ...(opts.onNote && { onNote: opts.onNote }),
      })),
    );
    const resumed = dets.reduce((a, d) => a + d.resumed, 0);
    if (nShards !== null) opts.onNote?.(`merged: ${resumed} frames from ${nShards} shards`);
    else if (!parts && resumed > 0)
      opts.onNote?.(`resumed: ${resumed} frames were already reduced by an interrupted run`);
    const { found, peakFits, warnings, saxs, followed } = await stage.finish(dets);
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
      streamedDuringReduction: followed,
      rows: grid.rows,
      cols: grid.cols,
      regions,
      out: cfg.out,
    };
  } finally {
    // after a failure: what the analysis began during the reduction (nothing after a finish)
    await stage.abort();
    for (const d of dets) {
      d.store.close();
      d.cakes?.store.close();
    }
  }
}

/**
 * A part's run: its lines of the scan log reduced into its own stores, resumable as a whole run
 * is; nothing else is written. A shard's (`--shard K/N`: `<out>.partial/.work/shards/K-of-N/`,
 * then `swaxs merge`; every shard shares the output's `.partial` folder, so none empties it) or a
 * live run's batch (follow.ts).
 */
async function reducePart(
  cfg: ExperimentConfig,
  log: ScanLog,
  plan: FramePlan,
  grid: Grid,
  workers: PipelineWorkers | null,
  lines: [number, number],
  stores: string,
  opts: RunOptions,
): Promise<RunSummary> {
  try {
    await mkdir(stores, { recursive: true });
  } catch (err) {
    throw new InputError(stores, `cannot create the stores' folder: ${(err as Error).message}`);
  }
  const tmp = `${resolve(cfg.out)}.partial`;
  if (existsSync(tmp) && !existsSync(join(tmp, MARKER))) markFolder(tmp, RUN_COMMAND);
  const lost = new Set<number>();
  const counting: Record<string, { exposureS: number; i0: number }> = {};
  const mine = (i: number) => i >= lines[0] && i < lines[1] && !plan.skipped.has(i);
  const total = log.timeS.reduce((a, _, i) => a + (mine(i) ? 1 : 0), 0);
  let done = 0;
  const dets = await reduceAll(cfg, log, stores, plan, {
    allowMissing: opts.allowMissing === true,
    tick: (n) => {
      done += n;
      if (n > 0) opts.onProgress?.(done, total);
    },
    onLost: (i) => lost.add(i),
    workers,
    lines,
    onCounting: (name, c) => {
      counting[name] = c;
    },
    ...(opts.onNote && { onNote: opts.onNote }),
  });
  for (const d of dets) d.store.close();
  const skipped = [...plan.skipped].filter((i) => i >= lines[0] && i < lines[1]);
  return {
    frames: lines[1] - lines[0],
    missing: skipped.length + lost.size,
    outsideLog: 0,
    resumed: dets.reduce((a, d) => a + d.resumed, 0),
    rows: grid.rows,
    cols: grid.cols,
    regions: [],
    out: cfg.out,
    shard: { lines, stores },
    counting,
  };
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
  opts: Parameters<typeof prepareDetector>[5] & {
    /** Told as each detector's frames are all reduced (the analysis fits its peaks meanwhile). */
    onReduced?: (d: DetectorFrames) => void;
  },
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
      r.then((d) => opts.onReduced?.(d)).catch(() => {});
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
