/**
 * Frame-parallel integration on worker threads. The pixel→bin matrix and the static normalisation
 * live in SharedArrayBuffers, so every worker reads the same copy; each frame is transferred (not
 * copied) to one worker, which returns its four sums. Frames are independent, so this scales with
 * cores without atomics (pyFAI parallelises inside one frame over bins instead).
 */
import type { Dtype, PixelArray } from "../formats/types.js";
import { TaskWorkers } from "../util/task-workers.js";
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
  // in the kernel's shared WebAssembly memory since it was built (Integrator1d); else (no
  // WebAssembly, or too large for it) in SharedArrayBuffers for the JavaScript loop
  const m = integ.matrix;
  return {
    matrix: m.memory
      ? m
      : {
          nBins: m.nBins,
          nPixels: m.nPixels,
          ptr: share(m.ptr),
          bins: share(m.bins),
          coef: share(m.coef),
        },
    prep: {
      norm: share(p.norm),
      staticNorm: p.staticNorm,
      staticCount: p.staticCount,
      dark: p.dark ? share(p.dark) : null,
      poisson: p.poisson,
      varianceFloor: p.varianceFloor,
      ...(p.kernel && { kernel: p.kernel }),
    },
  };
}

function workerUrl(): URL {
  return new URL("./worker.js", import.meta.url);
}

export class IntegrationPool {
  private readonly workers: TaskWorkers<Sums>;

  constructor(
    private readonly integ: Integrator1d,
    nWorkers: number,
    private readonly maskInvalid = true,
  ) {
    this.workers = new TaskWorkers<Sums>(workerUrl(), sharedInit(integ), nWorkers);
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
