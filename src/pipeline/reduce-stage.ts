/**
 * The reduction stage of `swaxs run`: every frame of one detector through its DetectorReducer into
 * an on-disk CurveStore, in scan-log order, resuming where an interrupted run stopped. Each frame is
 * read, decoded and integrated by a worker thread (frame-pool.ts; with caking, read here and only
 * integrated there); results are appended strictly in order through a short FIFO of frames in flight.
 */
import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import { join } from "node:path";
import type { ScanLog } from "../scan/index.js";
import { InputError } from "../util/errors.js";
import { quiet } from "../util/quiet.js";
import { workerCount } from "../util/task-workers.js";
import type { ExperimentConfig } from "./config.js";
import { FramePool } from "./frame-pool.js";
import type { PipelineWorkers } from "./pipeline-workers.js";
import {
  DetectorReducer,
  type FrameRef,
  type ReducedAsMeasured,
  type ReducedCurve,
  reductionOf,
} from "./reduce.js";
import { mergeParts, type Part } from "./shards.js";
import { CurveStore } from "./store.js";
import { extraRef } from "./write/extra.js";

export interface DetectorFrames {
  name: string;
  radial: Float64Array;
  unit: string;
  /** Indices into the scan log of this detector's frames, in log order (= store record order). */
  index: number[];
  store: CurveStore;
  /** Records found complete from an earlier, interrupted run. */
  resumed: number;
  /** The caked frames (2D caking asked for this detector): records of nptAzim × nptRad. */
  cakes: { store: CurveStore; radial: Float64Array; azimuthalDeg: Float64Array; nptAzim: number } | null;
  /**
   * This detector's extra measurements (config `extra:`, by name), reduced by its reducer beside its
   * frames — on the run's threads, with the matrix already built — as they were measured (no
   * empty-cell subtraction; write/extra.ts). Empty in a shard's run, which writes no products.
   */
  extras: Map<string, Promise<ReducedAsMeasured>>;
}

/**
 * With caking (frames read here, only the 1D integration on workers): frames of at least this many
 * pixels go to worker threads (below, handing a frame over costs more than integrating it).
 */
const POOL_MIN_PIXELS = 400_000;
/** Frames kept in flight on the run's threads (each costs its sums: npt × 4 doubles). */
const FRAMES_IN_FLIGHT = 96;
const STORE_VERSION = 2;

const median = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length ? s[s.length >> 1]! : Number.NaN;
};

/** What the run decided about the scan log before any frame was read (see run.ts `planFrames`). */
export interface FramePlan {
  /** Per detector: the monitor column's values per scan-log line, or null (monitor: none). */
  monitor: Map<string, Float64Array | null>;
  /** Scan-log lines not to reduce (file missing, monitor ≤ 0): allowed by --allow-missing. */
  skipped: Set<number>;
}

/** A detector whose reducer (matrix, mask, empty cell) is built: `reduce` then streams its frames. */
export interface PreparedDetector {
  name: string;
  /** Frame pixels, to build the largest detectors' matrices first (see run.ts). */
  pixels: number;
  reduce(): Promise<DetectorFrames>;
  /** Stop its workers or leave the run's (if `reduce` was never called, or failed). Idempotent. */
  close(): Promise<void>;
}

export async function prepareDetector(
  cfg: ExperimentConfig,
  log: ScanLog,
  name: string,
  workDir: string,
  plan: FramePlan,
  opts: {
    allowMissing: boolean;
    tick: (n: number) => void;
    /** Called with each scan-log line whose frame vanished or became unreadable during the run. */
    onLost: (i: number) => void;
    onNote?: (m: string) => void;
    /** The run's worker threads (null: frames reduced on this thread, unless caking asks for workers). */
    workers: PipelineWorkers | null;
    /**
     * Told when the detector's stores open and after each record is stored (`stored` records, in
     * log order): what is stored can be read meanwhile (run.ts labels the regions as soon as the
     * initial-OCV frames are in, while later frames are still being reduced).
     */
    onRecords?: (d: DetectorFrames, stored: number) => void;
    /** Only the scan-log lines [from, to) (a shard's: shards.ts), into stores of their own in `workDir`. */
    lines?: [number, number];
    /** Told how the detector's empty cell is counted (its exposure and monitor): a live run pins them. */
    onCounting?: (name: string, counting: { exposureS: number; i0: number }) => void;
    /** The run's stores are joined from these parts (`swaxs merge`, a live run) before any frame is reduced. */
    parts?: Part[];
  },
): Promise<PreparedDetector> {
  const d = cfg.detectors[name]!;
  // every frame of the detector keeps its record, so a skipped one is NaN in place, not dropped
  const index = [...Array(log.length).keys()].filter((i) => log.detector[i] === name);
  const first = index.find((i) => !plan.skipped.has(i));
  if (first === undefined) throw new InputError(cfg.scan, `no frame files of detector "${name}" exist`);
  const mon = plan.monitor.get(name) ?? null;
  const ref = (i: number): FrameRef => ({
    file: log.file[i]!,
    frame: log.frame[i]!,
    exposureS: log.exposureS[i]!,
    monitor: mon ? mon[i]! : 1,
    i0: log.i0[i]!,
    it: log.it[i]!,
  });
  // the records this run stores: every frame of the detector, or a shard's lines of them
  const lines = opts.lines;
  const stored = lines ? index.filter((i) => i >= lines[0] && i < lines[1]) : index;
  const counted = index.filter((i) => !plan.skipped.has(i));
  const bgFile = cfg.background[name];
  const reduction = {
    ...reductionOf(d),
    // the empty cell as the config says it was counted, else like the frames (their median exposure and monitor)
    background: bgFile
      ? {
          file: bgFile,
          exposureS: cfg.backgroundCounting[name]?.exposureS ?? median(counted.map((i) => log.exposureS[i]!)),
          monitor:
            d.monitor === null
              ? 1
              : (cfg.backgroundCounting[name]?.i0 ?? median(counted.map((i) => ref(i).monitor))),
        }
      : null,
    emptyItOverI0: cfg.transmission?.emptyItOverI0 ?? 1,
    cake:
      cfg.caking?.detector === name
        ? { nptAzim: cfg.caking.nptAzim, nptRad: cfg.caking.npt ?? Math.min(d.npt, 200) }
        : null,
  };
  if (reduction.cake && (opts.lines || opts.parts))
    throw new InputError(cfg.file, "caking: a sharded run does not carry caked frames yet; run it whole");
  if (reduction.background)
    opts.onCounting?.(name, { exposureS: reduction.background.exposureS, i0: reduction.background.monitor });
  const red = await DetectorReducer.create(reduction, ref(first));
  // without caking each frame is read, decoded and integrated by one of the run's threads, which
  // exist already; caking integrates on threads of its own, where frames are large enough to pay
  if (!reduction.cake && opts.workers)
    red.useFramePool(
      new FramePool(opts.workers, {
        ...(reduction.dataset !== undefined && { dataset: reduction.dataset }),
        flipUd: reduction.flipUd,
      }),
    );
  else if (reduction.cake && (cfg.workers !== undefined || red.pixels >= POOL_MIN_PIXELS))
    red.usePool(workerCount(cfg.workers));
  return {
    name,
    pixels: red.pixels,
    // from here the reducer owns the workers: whatever fails, they stop (close is idempotent)
    reduce: async () => {
      try {
        return await reduceWith(red);
      } catch (err) {
        await red.close();
        throw err;
      }
    },
    close: () => red.close(),
  };

  async function reduceWith(red: DetectorReducer): Promise<DetectorFrames> {
    const header = (of: number[]) => ({
      key: storeKey(reduction, of.map(ref), plan.skipped, of),
      npt: red.radial.length,
      radial: Array.from(red.radial),
      unit: red.unitName,
      frames: of.length,
    });
    // how each extra measurement is counted, checked before any store is opened (none in a shard's run)
    const extraRefs = lines
      ? []
      : cfg.extra.filter((x) => x.detector === name).map((x) => [x.name, extraRef(cfg, x, log)] as const);
    const store = CurveStore.open(join(workDir, `${name}.curves`), header(stored));
    if (opts.parts)
      mergeParts(store, name, opts.parts, ([a, b]) => header(index.filter((i) => i >= a && i < b)));
    const caker = red.caker;
    const cakes = caker
      ? {
          store: CurveStore.open(join(workDir, `${name}.cakes`), {
            key: store.header.key,
            npt: caker.nptAzim * caker.nptRad,
            radial: Array.from(caker.radial),
            unit: red.unitName,
            frames: stored.length,
          }),
          radial: caker.radial,
          azimuthalDeg: caker.azimuthalDeg,
          nptAzim: caker.nptAzim,
        }
      : null;
    // both stores grow together; after a crash keep what both hold
    if (cakes) {
      const n = Math.min(store.length, cakes.store.length);
      store.truncate(n);
      cakes.store.truncate(n);
    }
    const resumed = store.length;
    // the extras first: they are few, and their results wait where they are written
    const extras = new Map(extraRefs.map(([x, r]) => [x, quiet(red.reduceAsMeasured(r))] as const));
    const frames: DetectorFrames = {
      name,
      radial: red.radial,
      unit: red.unitName,
      index: stored,
      store,
      resumed,
      cakes,
      extras,
    };
    opts.tick(resumed);
    opts.onRecords?.(frames, store.length);
    // frames in flight: reading the next ones overlaps the integration of earlier ones. On the
    // run's threads only sums come back (a few kB a frame), so many are kept in flight: enough to
    // keep the threads busy while this thread builds the next detector's matrix (see run.ts)
    const depth = red.onFramePool ? FRAMES_IN_FLIGHT : Math.max(2, 2 * red.workers);
    const queue: Promise<ReducedCurve | null>[] = [];
    const start = (k: number): Promise<ReducedCurve | null> => {
      const i = stored[k]!;
      if (plan.skipped.has(i)) return Promise.resolve(null);
      return red.reduce(ref(i)).catch((err: unknown) => {
        // a frame that vanished or became unreadable since the run began: one rule with the missing ones
        if (!(err instanceof InputError)) throw err;
        if (!opts.allowMissing)
          throw new InputError(
            log.file[i]!,
            `${err.message.startsWith(`${log.file[i]}: `) ? err.message.slice(log.file[i]!.length + 2) : err.message} (scan log line ${log.line[i]}); --allow-missing goes on without it`,
          );
        opts.onLost(i);
        return null;
      });
    };
    const emptyCake = cakes ? new Float32Array(cakes.store.header.npt) : null;
    const put = (c: ReducedCurve | null) => {
      cakes?.store.append(
        c?.cake
          ? { ...c.cake, transmission: c.transmission, ok: true }
          : { intensity: emptyCake!, sigma: emptyCake!, transmission: Number.NaN, ok: false },
      );
      store.append(
        c
          ? { intensity: c.intensity, sigma: c.sigma, transmission: c.transmission, ok: true }
          : {
              intensity: new Float32Array(store.header.npt),
              sigma: new Float32Array(store.header.npt),
              transmission: Number.NaN,
              ok: false,
            },
      );
      opts.tick(1);
      opts.onRecords?.(frames, store.length);
    };
    try {
      for (let k = resumed; k < stored.length; k++) {
        const p = start(k);
        // a frame failing while earlier ones are still awaited must not be an unhandled rejection
        // (Node ends the process on those); it is rethrown when its turn comes
        p.catch(() => {});
        queue.push(p);
        if (queue.length >= depth) put(await queue.shift()!);
      }
      while (queue.length) put(await queue.shift()!);
      // settled before the reducer closes (their failure is thrown where they are written)
      await Promise.allSettled(extras.values());
    } catch (err) {
      await Promise.allSettled([...queue, ...extras.values()]);
      store.close();
      cakes?.store.close();
      throw err;
    } finally {
      await red.close();
    }
    return frames;
  }
}

/**
 * What the stored curves depend on: the reduction settings, and each frame's file (with its size and
 * modification time), frame number, exposure and monitors, in order.
 */
function storeKey(reduction: object, refs: FrameRef[], skipped: Set<number>, index: number[]): string {
  const h = createHash("sha256");
  h.update(JSON.stringify({ v: STORE_VERSION, reduction, files: fileStamp(reduction) }));
  refs.forEach((r, k) => {
    const st = skipped.has(index[k]!) ? null : statSync(r.file, { throwIfNoEntry: false });
    const stamp = st ? `${st.size}\t${st.mtimeMs}` : "skipped";
    h.update(`${r.file}\t${stamp}\t${r.frame}\t${r.exposureS}\t${r.monitor}\t${r.i0}\t${r.it}\n`);
  });
  return h.digest("hex");
}

/** Size and time of the calibration, mask and empty-cell files the settings name. */
function fileStamp(reduction: object): string[] {
  const r = reduction as { poni: string; mask?: string; background: { file: string } | null };
  return [r.poni, r.mask, r.background?.file]
    .filter((f): f is string => typeof f === "string")
    .map((f) => {
      const st = statSync(f);
      return `${f}:${st.size}:${st.mtimeMs}`;
    });
}
