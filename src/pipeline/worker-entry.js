/**
 * Entry of the pipeline's worker threads (frame reading and integration, peak fits): plain
 * JavaScript, so that Node starts it without a loader. The work itself (`workerData.work`:
 * pipeline-work.ts, which serves frame-work.ts and fit-work.ts) is TypeScript: compiled beside this file in dist/, and from source
 * (tests, benches) loaded through tsx, registered here for this thread alone (a worker does not
 * inherit the main thread's `--import tsx`).
 */
import { workerData } from "node:worker_threads";

const WORKS = ["pipeline-work"];
if (!WORKS.includes(workerData.work)) throw new Error(`unknown worker work ${workerData.work}`);
if (workerData.fromSource) {
  const { register } = await import("tsx/esm/api");
  register();
  // the path built at run time: tsc must not rewrite or check it (it is the source, not dist)
  await import(new URL(`./${workerData.work}.ts`, import.meta.url).href);
} else await import(new URL(`./${workerData.work}.js`, import.meta.url).href);
