/**
 * Worker threads that answer each task `{ id, … }` with a TaskReply; a task goes to the least busy
 * one. The one dispatch of every pool in the project: the integration pool (frames handed over),
 * the pipeline's frame pool (frames read by the workers) and its peak-fit pool.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { InputError } from "./errors.js";

/** Worker threads to start: as many as asked, at most the cores; unasked, the cores, at most 4. */
export function workerCount(asked?: number): number {
  const cores = availableParallelism();
  return asked === undefined ? Math.min(cores, 4) : Math.min(asked, cores);
}

/** What a worker answers: the task's id and its result, or why it has none. */
export interface TaskReply<R> {
  id: number;
  result?: R;
  /** `input`: bad input (an InputError naming `file`), else a bug. */
  error?: { input: boolean; file: string; message: string };
}

/** The reply for a task that threw: an InputError keeps its file and its message (named once). */
export function errorReply(id: number, err: unknown, file: string): TaskReply<never> {
  const e = err instanceof Error ? err : new Error(String(err));
  const input = e instanceof InputError;
  const message = input && e.file ? e.message.slice(e.file.length + 2) : e.message;
  return { id, error: { input, file: input ? e.file : file, message } };
}

export class TaskWorkers<R> {
  private readonly workers: Worker[] = [];
  private readonly load: number[] = [];
  private readonly pending = new Map<
    number,
    { resolve: (r: R) => void; reject: (e: Error) => void; cost: number }
  >();
  private nextId = 0;
  private closing = false;

  constructor(url: URL, workerData: unknown, nWorkers: number) {
    for (let w = 0; w < nWorkers; w++) {
      const worker = new Worker(url, { workerData });
      worker.on("message", (m: TaskReply<R>) => this.done(w, m));
      worker.on("error", (e) => this.failAll(e));
      // a thread that ends while it owes answers (killed, out of memory) must not leave them hanging
      worker.on("exit", (code) => {
        if (!this.closing && this.pending.size > 0)
          this.failAll(new Error(`worker thread ${w} stopped (exit code ${code}) with tasks in hand`));
      });
      this.workers.push(worker);
      this.load.push(0);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /**
   * Send `task` (with a fresh id) to the least busy worker; `transfer`'s buffers move with it.
   * `cost` is its work in units of one frame: a block of 15 peak fits counted as one frame went,
   * block after block, to the same thread (issue 11: one thread fitting 1.2 s after the other ended).
   */
  run(task: object, transfer: ArrayBuffer[] = [], cost = 1): Promise<R> {
    const id = this.nextId++;
    let w = 0;
    for (let i = 1; i < this.load.length; i++) if (this.load[i]! < this.load[w]!) w = i;
    this.load[w]! += cost;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, cost });
      this.workers[w]!.postMessage({ ...task, id }, transfer);
    });
  }

  /** Post `message` to every worker (no reply): messages reach a worker in order, before later tasks. */
  broadcast(message: object): void {
    for (const w of this.workers) w.postMessage(message);
  }

  private done(w: number, m: TaskReply<R>): void {
    const p = this.pending.get(m.id);
    this.pending.delete(m.id);
    if (!p) return;
    this.load[w]! -= p.cost;
    if (m.result !== undefined) p.resolve(m.result);
    else if (m.error?.input) p.reject(new InputError(m.error.file, m.error.message));
    else p.reject(new Error(`${m.error?.file}: ${m.error?.message}`));
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
