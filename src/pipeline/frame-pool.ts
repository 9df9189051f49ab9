/**
 * Frame-level parallelism for `swaxs run` and `swaxs integrate` (issue 11): each frame is read,
 * decoded and integrated in the worker thread that owns it (frame-work.ts); the main thread sends
 * (file, frame) and gathers the sums. The decoding — CBF byte offset and its Content-MD5 check,
 * HDF5 chunks — was the main thread's bottleneck while workers only integrated, and small frames (a
 * Pilatus 100k) could not go to workers at all, the frame's copy costing more than its integration.
 * A damaged frame is still caught where it is decoded: its InputError comes back with the file and
 * the problem, and the run treats it as any unreadable frame.
 */
import { DTYPES } from "../formats/index.js";
import { type Integrator1d, type Sums, sharedInit } from "../integrate/index.js";
import { type FrameDetectorInit, PipelineWorkers } from "./pipeline-workers.js";

export class FramePool {
  private readonly workers: PipelineWorkers;
  /** The threads are this pool's own (stopped by close), not a run's shared ones (only left). */
  private readonly owned: boolean;
  private key: number | null = null;

  /**
   * On `workers` threads started now (a number), so that their start-up overlaps the caller's
   * building of the pixel→bin matrix, or on a run's threads; `setup` then hands them the detector.
   */
  constructor(
    workers: number | PipelineWorkers,
    private readonly read: { dataset?: string; flipUd: boolean },
  ) {
    this.owned = typeof workers === "number";
    this.workers = typeof workers === "number" ? new PipelineWorkers(workers) : workers;
  }

  /** Have the threads load what reading these files takes, before the detector is set up. */
  warmFor(files: string[]): Promise<void> {
    return this.workers.warmFor(files);
  }

  /** Give the workers the detector (its matrix shared, not copied); frames may follow at once. */
  setup(integ: Integrator1d): this {
    const detector: FrameDetectorInit = {
      ...sharedInit(integ),
      shape: integ.shape,
      windows: Object.fromEntries(DTYPES.map((d) => [d, integ.validWindow(d)])),
    };
    this.key = this.workers.setup({ kind: "frames", read: this.read, detector });
    return this;
  }

  get size(): number {
    return this.workers.size;
  }

  /** The sums of frame `frame` of `file`, read, decoded and integrated on the least busy worker. */
  sums(file: string, frame: number): Promise<Sums> {
    if (this.key === null) throw new Error("FramePool.sums before setup");
    return this.workers.run<Sums>({ key: this.key, file, frame });
  }

  /** Stop the threads if they are this pool's; else free the detector on them. Idempotent. */
  async close(): Promise<void> {
    if (this.owned) return this.workers.close();
    if (this.key !== null) this.workers.drop(this.key);
    this.key = null;
  }
}
