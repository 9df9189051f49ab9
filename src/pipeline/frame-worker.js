/**
 * Entry of FramePool's worker threads: plain JavaScript, so that Node starts it without a loader.
 * The work itself (frame-work.ts) is TypeScript: compiled beside this file in dist/, and from
 * source (tests, benches) loaded through tsx, registered here for this thread alone (a worker does
 * not inherit the main thread's `--import tsx`).
 */
import { workerData } from "node:worker_threads";

if (workerData.fromSource) {
  const { register } = await import("tsx/esm/api");
  register();
  // the path built at run time: tsc must not rewrite or check it (it is the source, not dist)
  const work = new URL("./frame-work.ts", import.meta.url).href;
  await import(work);
} else await import("./frame-work.js");
