/**
 * Worker side of PipelineWorkers (pipeline-workers.ts; started through worker-entry.js): one thread
 * serves every job of a run — each detector's frames (frame-work.ts) and each peak's frame-by-frame
 * fits (fit-work.ts) — so a run starts its threads once, not once per detector and per peak (each
 * start compiles the modules and the WebAssembly again: ~0.4 s of a core). A job is set up by a
 * broadcast `{ setup }` naming its key, its tasks name the key, and `{ drop }` frees it. Messages
 * reach a thread in order, so a job's setup always precedes its tasks.
 */
import { parentPort } from "node:worker_threads";
import { initH5 } from "../formats/index.js";
import { errorReply, type TaskReply } from "../util/task-workers.js";
import { fitJob } from "./fit-work.js";
import { frameJob } from "./frame-work.js";
import type { JobSetup, JobTask } from "./pipeline-workers.js";

/** One job's handler: a task's result and the buffers to transfer with it. */
export type JobHandler = (task: JobTask) => Promise<{ result: unknown; transfer: ArrayBuffer[] }>;
export interface Job {
  run: JobHandler;
  /** What a failing task is called when the error does not name its own file. */
  what: (task: JobTask) => string;
  close?: () => void;
}

const port = parentPort!;
const jobs = new Map<number, Job>();

/**
 * Tasks run at most this many at a time on a thread: one decoding while the next one's file is
 * read, however many the main thread keeps in flight (each holds a whole frame while it runs).
 */
const CONCURRENT = 2;
let running = 0;
const waiting: (() => void)[] = [];

async function slot<T>(work: () => Promise<T>): Promise<T> {
  // a finishing task hands its slot straight to the next waiting one
  if (running >= CONCURRENT) await new Promise<void>((r) => waiting.push(r));
  else running++;
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

port.on("message", (m: { setup: JobSetup } | { drop: number } | { warm: "hdf5" } | JobTask) => {
  if ("warm" in m) {
    // loaded now, while the main thread builds the matrix; a failure shows where a file is read
    initH5().catch(() => {});
    return;
  }
  if ("setup" in m) {
    jobs.set(m.setup.key, m.setup.kind === "frames" ? frameJob(m.setup) : fitJob(m.setup));
    return;
  }
  if ("drop" in m) {
    jobs.get(m.drop)?.close?.();
    jobs.delete(m.drop);
    return;
  }
  const job = jobs.get(m.key);
  if (!job) {
    port.postMessage(errorReply(m.id, new Error(`task for job ${m.key}, which is not set up`), "worker"));
    return;
  }
  slot(() => job.run(m)).then(
    ({ result, transfer }) => port.postMessage({ id: m.id, result } satisfies TaskReply<unknown>, transfer),
    (err: unknown) => port.postMessage(errorReply(m.id, err, job.what(m))),
  );
});
