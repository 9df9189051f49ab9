/**
 * The worker threads of a run (issue 11): started once, as soon as the config is read, and shared
 * by every job — each detector's frames (FramePool: read, decode, integrate where the frame is
 * owned) and each peak's frame-by-frame fits (frame-sizes.ts). One start per thread instead of one
 * per detector and per peak: each start compiles the modules and WebAssembly again (~0.4 s of a
 * core on this project's 2-core reference machine, where a run is CPU-bound), and a thread that
 * exists already can take the next detector's frames while this thread builds that detector's
 * matrix. The worker side is pipeline-work.ts.
 */
import { type Dtype, detectFormat } from "../formats/index.js";
import type { WorkerInit } from "../integrate/index.js";
import type { Reflection } from "../physics/index.js";
import { TaskWorkers } from "../util/task-workers.js";
import type { PeakConfig } from "./config.js";

/** From source (tests, benches) the worker's work is TypeScript: worker-entry.js loads it through tsx. */
export const FROM_SOURCE = import.meta.url.endsWith(".ts");

/** The pipeline's workers' entry (worker-entry.js), which loads the work its workerData names. */
export const WORKER_ENTRY = new URL("./worker-entry.js", import.meta.url);

/** A detector as its frame job is set up: the matrix (shared, not copied) and how frames are read. */
export interface FramesSetup {
  kind: "frames";
  key: number;
  read: { dataset?: string; flipUd: boolean };
  detector: FrameDetectorInit;
}

export interface FrameDetectorInit extends WorkerInit {
  shape: [number, number];
  /** Raw values counted per dtype: [low, high) (invalid flags and the count cutoff excluded). */
  windows: Partial<Record<Dtype, [number, number]>>;
}

/** A peak as its frame fits are set up (frameFitConfig), with the curves' radial axis and reflections. */
export interface FitsSetup {
  kind: "fits";
  key: number;
  pk: PeakConfig;
  radial: Float64Array;
  refl: Reflection[];
}

export type JobSetup = FramesSetup | FitsSetup;

export interface FrameTask {
  id: number;
  key: number;
  file: string;
  frame: number;
}

export interface FitTask {
  id: number;
  key: number;
  /** frames × npt, row after row */
  y: Float64Array;
  sigma: Float64Array;
  /** Answer each curve's whole fits (SweepFit: the per-sweep fits) instead of its size alone. */
  whole?: boolean;
}

export type JobTask = FrameTask | FitTask;

export class PipelineWorkers {
  private readonly workers: TaskWorkers<unknown>;
  private nextKey = 0;

  constructor(nWorkers: number) {
    this.workers = new TaskWorkers(
      WORKER_ENTRY,
      { work: "pipeline-work", fromSource: FROM_SOURCE },
      nWorkers,
    );
  }

  get size(): number {
    return this.workers.size;
  }

  /** Set a job up on every thread (before any of its tasks, which follow in order); its key. */
  setup(job: Omit<FramesSetup, "key"> | Omit<FitsSetup, "key">): number {
    const key = this.nextKey++;
    this.workers.broadcast({ setup: { ...job, key } });
    return key;
  }

  /** A task to the least busy thread; `cost` in frames' worth of work (see TaskWorkers.run). */
  run<R>(
    task: Omit<FrameTask, "id"> | Omit<FitTask, "id">,
    transfer: ArrayBuffer[] = [],
    cost = 1,
  ): Promise<R> {
    return this.workers.run(task, transfer, cost) as Promise<R>;
  }

  /**
   * Have every thread load what reading these frame files takes (h5wasm, ~0.25 s of a core, for
   * HDF5) while it waits for its first job: the main thread is building the matrix meanwhile, so
   * the load no longer delays the first frame (issue 11). Files that cannot be looked at are left to
   * the reading, which says what is wrong with them.
   */
  async warmFor(files: string[]): Promise<void> {
    for (const f of new Set(files)) {
      const format = await detectFormat(f).catch(() => null);
      if (format === "hdf5") {
        this.workers.broadcast({ warm: "hdf5" });
        return;
      }
    }
  }

  /** Free a job's state on every thread (its matrix, its open files). */
  drop(key: number): void {
    this.workers.broadcast({ drop: key });
  }

  close(): Promise<void> {
    return this.workers.close();
  }
}
