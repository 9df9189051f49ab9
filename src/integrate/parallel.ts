/**
 * Frame-parallel integration on worker threads. The pixel→bin matrix and the static normalisation
 * live in SharedArrayBuffers, so every worker reads the same copy; each frame is transferred (not
 * copied) to one worker, which returns its four sums. Frames are independent, so this scales with
 * cores without atomics (pyFAI parallelises inside one frame over bins instead).
 */
import { Worker } from "node:worker_threads";
import type { Dtype, PixelArray } from "../formats/types.js";
import { InputError } from "../util/errors.js";
import { finishSums, type Integrator1d, type Result1d, validWindow } from "./integrator.js";
import type { FramePrep, Sums } from "./kernel.js";
import type { PixelBins } from "./sparse.js";

export interface WorkerInit {
  matrix: PixelBins;
  prep: Omit<FramePrep, "validLow" | "validHigh">;
}

export interface WorkerTask {
  id: number;
  data: PixelArray;
  validLow: number;
  validHigh: number;
}

type Shareable = Uint16Array | Int32Array | Float32Array | Float64Array;

function share<T extends Shareable>(a: T): T {
  const Ctor = a.constructor as { new (b: SharedArrayBuffer): T };
  const out = new Ctor(new SharedArrayBuffer(a.byteLength));
  (out as unknown as { set(x: T): void }).set(a);
  return out;
}

/**
 * The pixel→bin matrix and the static normalisation of an integrator in SharedArrayBuffers: what
 * every worker thread reads (one copy for all).
 */
export function sharedInit(integ: Integrator1d): WorkerInit {
  const p = integ.framePrep("float32");
  return {
    matrix: {
      nBins: integ.matrix.nBins,
      nPixels: integ.matrix.nPixels,
      ptr: share(integ.matrix.ptr),
      bins: share(integ.matrix.bins),
      coef: share(integ.matrix.coef),
    },
    prep: {
      norm: share(p.norm),
      staticNorm: p.staticNorm,
      staticCount: p.staticCount,
      dark: p.dark ? share(p.dark) : null,
      poisson: p.poisson,
      varianceFloor: p.varianceFloor,
    },
  };
}

function workerUrl(): URL {
  return new URL("./worker.js", import.meta.url);
}

/** What a sums worker answers: the task's id and its sums, or why it has none. */
export interface SumsReply {
  id: number;
  sums?: Sums;
  /** `input`: bad input (an InputError naming `file`), else a bug. */
  error?: { input: boolean; file: string; message: string };
}

/**
 * Worker threads that answer each task `{ id, … }` with a SumsReply; a task goes to the least busy
 * one. The dispatch of IntegrationPool (frames handed over) and of the pipeline's FramePool (frames
 * read by the workers themselves).
 */
export class SumsWorkers {
  private readonly workers: Worker[] = [];
  private readonly load: number[] = [];
  private readonly pending = new Map<number, { resolve: (s: Sums) => void; reject: (e: Error) => void }>();
  private nextId = 0;

  constructor(url: URL, workerData: unknown, nWorkers: number) {
    for (let w = 0; w < nWorkers; w++) {
      const worker = new Worker(url, { workerData });
      worker.on("message", (m: SumsReply) => this.done(w, m));
      worker.on("error", (e) => this.failAll(e));
      this.workers.push(worker);
      this.load.push(0);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** Send `task` (with a fresh id) to the least busy worker; `transfer`'s buffers move with it. */
  run(task: object, transfer: ArrayBuffer[] = []): Promise<Sums> {
    const id = this.nextId++;
    let w = 0;
    for (let i = 1; i < this.load.length; i++) if (this.load[i]! < this.load[w]!) w = i;
    this.load[w]!++;
    return new Promise<Sums>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.workers[w]!.postMessage({ ...task, id }, transfer);
    });
  }

  private done(w: number, m: SumsReply): void {
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

export class IntegrationPool {
  private readonly workers: SumsWorkers;

  constructor(
    private readonly integ: Integrator1d,
    nWorkers: number,
    private readonly maskInvalid = true,
  ) {
    this.workers = new SumsWorkers(workerUrl(), sharedInit(integ), nWorkers);
  }

  get size(): number {
    return this.workers.size;
  }

  /** Integrate one frame on the least busy worker. `data`'s buffer is transferred: do not reuse it. */
  async integrate(data: PixelArray, dtype: Dtype, normalizationFactor = 1): Promise<Result1d> {
    const [validLow, validHigh] = this.maskInvalid
      ? this.integ.validWindow(dtype)
      : validWindow(dtype, false);
    const task: Omit<WorkerTask, "id"> = { data, validLow, validHigh };
    const sums = await this.workers.run(task, data.buffer instanceof ArrayBuffer ? [data.buffer] : []);
    return finishSums(this.integ, sums, normalizationFactor);
  }

  close(): Promise<void> {
    return this.workers.close();
  }
}
