/**
 * Frame-level parallelism for `swaxs run` (issue 11): each frame is read, decoded and integrated in
 * the worker thread that owns it (frame-work.ts); the main thread sends (file, frame) and gathers
 * the sums. The decoding — CBF byte offset and its Content-MD5 check, HDF5 chunks — was the main
 * thread's bottleneck while workers only integrated, and small frames (a Pilatus 100k) could not go
 * to workers at all, the frame's copy costing more than its integration. A damaged frame is still
 * caught where it is decoded: its InputError comes back with the file and the problem, and the run
 * treats it as any unreadable frame.
 */
import { DTYPES, type Dtype } from "../formats/index.js";
import { type Integrator1d, type Sums, sharedInit, type WorkerInit } from "../integrate/index.js";
import { TaskWorkers } from "../util/task-workers.js";

/** What the frame workers start with: how to read the frames. */
export interface FrameWorkerInit {
  work: "frame-work";
  dataset?: string;
  flipUd: boolean;
  /** The worker loads frame-work.ts through tsx (running from source) rather than frame-work.js. */
  fromSource: boolean;
}

/** What they are sent once the detector's matrix is built (FramePool.setup), before any frame. */
export interface FrameDetectorInit extends WorkerInit {
  shape: [number, number];
  /** Raw values counted per dtype: [low, high) (invalid flags and the count cutoff excluded). */
  windows: Partial<Record<Dtype, [number, number]>>;
}

export interface FrameTask {
  id: number;
  file: string;
  frame: number;
}

/** From source (tests, benches) the worker's work is TypeScript: worker-entry.js loads it through tsx. */
export const FROM_SOURCE = import.meta.url.endsWith(".ts");

/** The pipeline's workers' entry (worker-entry.js), which loads the work its workerData names. */
export const WORKER_ENTRY = new URL("./worker-entry.js", import.meta.url);

export class FramePool {
  private readonly workers: TaskWorkers<Sums>;
  private ready = false;

  /**
   * Start `nWorkers` threads now, so that their start-up (loading the readers and decoders)
   * overlaps the caller's building of the pixel→bin matrix; `setup` then hands them the detector.
   */
  constructor(nWorkers: number, read: { dataset?: string; flipUd: boolean }) {
    const init: FrameWorkerInit = {
      work: "frame-work",
      ...(read.dataset !== undefined && { dataset: read.dataset }),
      flipUd: read.flipUd,
      fromSource: FROM_SOURCE,
    };
    this.workers = new TaskWorkers<Sums>(WORKER_ENTRY, init, nWorkers);
  }

  /** Give the workers the detector (its matrix shared, not copied); frames may follow at once. */
  setup(integ: Integrator1d): this {
    const detector: FrameDetectorInit = {
      ...sharedInit(integ),
      shape: integ.shape,
      windows: Object.fromEntries(DTYPES.map((d) => [d, integ.validWindow(d)])),
    };
    this.workers.broadcast({ detector });
    this.ready = true;
    return this;
  }

  get size(): number {
    return this.workers.size;
  }

  /** The sums of frame `frame` of `file`, read, decoded and integrated on the least busy worker. */
  sums(file: string, frame: number): Promise<Sums> {
    if (!this.ready) throw new Error("FramePool.sums before setup");
    return this.workers.run({ file, frame } satisfies Omit<FrameTask, "id">);
  }

  close(): Promise<void> {
    return this.workers.close();
  }
}
