/**
 * Frame-level parallelism for `swaxs run` (issue 11): each frame is read, decoded and integrated in
 * the worker thread that owns it (frame-worker.ts); the main thread sends (file, frame) and gathers
 * the sums. The decoding — CBF byte offset and its Content-MD5 check, HDF5 chunks — was the main
 * thread's bottleneck while workers only integrated, and small frames (a Pilatus 100k) could not go
 * to workers at all, the frame's copy costing more than its integration. A damaged frame is still
 * caught where it is decoded: its InputError comes back with the file and the problem, and the run
 * treats it as any unreadable frame.
 */
import { Worker } from "node:worker_threads";
import { DTYPES, type Dtype } from "../formats/index.js";
import { type Integrator1d, type Sums, sharedInit, type WorkerInit } from "../integrate/index.js";
import { InputError } from "../util/errors.js";

export interface FrameWorkerInit extends WorkerInit {
  shape: [number, number];
  /** Raw values counted per dtype: [low, high) (invalid flags and the count cutoff excluded). */
  windows: Partial<Record<Dtype, [number, number]>>;
  dataset?: string;
  flipUd: boolean;
  /** The worker loads frame-work.ts through tsx (running from source) rather than frame-work.js. */
  fromSource: boolean;
}

export interface FrameTask {
  id: number;
  file: string;
  frame: number;
}

export interface FrameReply {
  id: number;
  sums?: Sums;
  error?: { input: boolean; file: string; message: string };
}

/** From source (tests, benches) the worker's work is TypeScript: frame-worker.js loads it through tsx. */
const FROM_SOURCE = import.meta.url.endsWith(".ts");

export class FramePool {
  private readonly workers: Worker[] = [];
  private readonly load: number[] = [];
  private readonly pending = new Map<number, { resolve: (s: Sums) => void; reject: (e: Error) => void }>();
  private nextId = 0;

  constructor(integ: Integrator1d, nWorkers: number, read: { dataset?: string; flipUd: boolean }) {
    const init: FrameWorkerInit = {
      ...sharedInit(integ),
      shape: integ.shape,
      windows: Object.fromEntries(DTYPES.map((d) => [d, integ.validWindow(d)])),
      ...(read.dataset !== undefined && { dataset: read.dataset }),
      flipUd: read.flipUd,
      fromSource: FROM_SOURCE,
    };
    const url = new URL("./frame-worker.js", import.meta.url);
    for (let w = 0; w < nWorkers; w++) {
      const worker = new Worker(url, { workerData: init });
      worker.on("message", (m: FrameReply) => this.done(w, m));
      worker.on("error", (e) => this.failAll(e));
      this.workers.push(worker);
      this.load.push(0);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** The sums of frame `frame` of `file`, read, decoded and integrated on the least busy worker. */
  sums(file: string, frame: number): Promise<Sums> {
    const id = this.nextId++;
    let w = 0;
    for (let i = 1; i < this.load.length; i++) if (this.load[i]! < this.load[w]!) w = i;
    this.load[w]!++;
    return new Promise<Sums>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.workers[w]!.postMessage({ id, file, frame } satisfies FrameTask);
    });
  }

  private done(w: number, m: FrameReply): void {
    this.load[w]!--;
    const p = this.pending.get(m.id);
    this.pending.delete(m.id);
    if (!p) return;
    if (m.sums) p.resolve(m.sums);
    else if (m.error?.input) p.reject(new InputError(m.error.file, m.error.message));
    else p.reject(new Error(`${m.error?.file}: ${m.error?.message}`));
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
