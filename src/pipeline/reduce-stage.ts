/**
 * The reduction stage of `swaxs run`: every frame of one detector through its DetectorReducer into
 * an on-disk CurveStore, in scan-log order, resuming where an interrupted run stopped. Frames are
 * read and decoded on the main thread while worker threads integrate earlier ones (large frames);
 * results are appended strictly in order through a short FIFO of frames in flight.
 */
import { createHash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import type { ScanLog } from "../scan/index.js";
import { InputError } from "../util/errors.js";
import type { ExperimentConfig } from "./config.js";
import { DetectorReducer, type FrameRef, type ReducedCurve, reductionOf } from "./reduce.js";
import { CurveStore } from "./store.js";

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
}

/** Frames of at least this many pixels are integrated on worker threads (below, messaging costs more). */
const POOL_MIN_PIXELS = 400_000;
const STORE_VERSION = 1;

const median = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length ? s[s.length >> 1]! : Number.NaN;
};

export async function reduceDetector(
  cfg: ExperimentConfig,
  log: ScanLog,
  name: string,
  workDir: string,
  opts: { allowMissing: boolean; tick: (n: number) => void },
): Promise<DetectorFrames> {
  const d = cfg.detectors[name]!;
  const index = [...Array(log.length).keys()].filter(
    (i) => log.detector[i] === name && existsSync(log.file[i]!),
  );
  if (!index.length) throw new InputError(cfg.scan, `no frame files of detector "${name}" exist`);
  const ref = (i: number): FrameRef => ({
    file: log.file[i]!,
    frame: log.frame[i]!,
    exposureS: log.exposureS[i]!,
    i0: d.monitor === null ? 1 : log.i0[i]!,
    it: log.it[i]!,
  });
  const bgFile = cfg.background[name];
  const reduction = {
    ...reductionOf(d),
    // the empty cell as the config says it was counted, else like the frames (their median exposure and monitor)
    background: bgFile
      ? {
          file: bgFile,
          exposureS: cfg.backgroundCounting[name]?.exposureS ?? median(index.map((i) => log.exposureS[i]!)),
          i0:
            d.monitor === null
              ? 1
              : (cfg.backgroundCounting[name]?.i0 ?? median(index.map((i) => ref(i).i0))),
        }
      : null,
    emptyItOverI0: cfg.transmission?.emptyItOverI0 ?? 1,
    cake:
      cfg.caking?.detector === name
        ? { nptAzim: cfg.caking.nptAzim, nptRad: cfg.caking.npt ?? Math.min(d.npt, 200) }
        : null,
  };
  const red = await DetectorReducer.create(reduction, ref(index[0]!));
  const store = CurveStore.open(join(workDir, `${name}.curves`), {
    key: storeKey(reduction, index.map(ref)),
    npt: red.radial.length,
    radial: Array.from(red.radial),
    unit: red.unitName,
    frames: index.length,
  });
  const caker = red.caker;
  const cakes = caker
    ? {
        store: CurveStore.open(join(workDir, `${name}.cakes`), {
          key: store.header.key,
          npt: caker.nptAzim * caker.nptRad,
          radial: Array.from(caker.radial),
          unit: red.unitName,
          frames: index.length,
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
  opts.tick(resumed);
  const workers = cfg.workers ?? (red.pixels >= POOL_MIN_PIXELS ? Math.min(availableParallelism(), 4) : 0);
  if (workers > 0) red.usePool(workers);

  // frames in flight: reading the next ones overlaps the integration of earlier ones
  const depth = Math.max(2, 2 * workers);
  const queue: Promise<ReducedCurve | null>[] = [];
  const start = (k: number) =>
    red.reduce(ref(index[k]!)).catch((err: unknown) => {
      if (opts.allowMissing && err instanceof InputError) return null;
      throw err;
    });
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
  };
  try {
    for (let k = resumed; k < index.length; k++) {
      queue.push(start(k));
      if (queue.length >= depth) put(await queue.shift()!);
    }
    while (queue.length) put(await queue.shift()!);
  } catch (err) {
    await Promise.allSettled(queue);
    store.close();
    cakes?.store.close();
    throw err;
  } finally {
    await red.close();
  }
  return { name, radial: red.radial, unit: red.unitName, index, store, resumed, cakes };
}

/**
 * What the stored curves depend on: the reduction settings, and each frame's file (with its size and
 * modification time), frame number, exposure and monitors, in order.
 */
function storeKey(reduction: object, refs: FrameRef[]): string {
  const h = createHash("sha256");
  h.update(JSON.stringify({ v: STORE_VERSION, reduction, files: fileStamp(reduction) }));
  for (const r of refs) {
    const st = statSync(r.file);
    h.update(`${r.file}\t${st.size}\t${st.mtimeMs}\t${r.frame}\t${r.exposureS}\t${r.i0}\t${r.it}\n`);
  }
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
