/**
 * The worker pools' one dispatch: answers come back to the right task, a bug in a worker comes back
 * as an error naming what it was doing, and a thread that dies with tasks in hand fails them rather
 * than leaving the run waiting forever (issue 13).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { InputError } from "./errors.js";
import { TaskWorkers } from "./task-workers.js";

const dir = mkdtempSync(join(tmpdir(), "swaxs-workers-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A worker that doubles `x` (or names its thread on `who`), fails on `bad`/`bug`, and exits the thread on `die`. */
const worker = join(dir, "w.mjs");
writeFileSync(
  worker,
  `import { parentPort, threadId } from "node:worker_threads";
parentPort.on("message", (t) => {
  if (t.die) process.exit(7);
  if (t.who) return parentPort.postMessage({ id: t.id, result: threadId });
  if (t.bad) return parentPort.postMessage({ id: t.id, error: { input: true, file: "f.cbf", message: "truncated" } });
  if (t.bug) return parentPort.postMessage({ id: t.id, error: { input: false, file: "f.cbf frame 3", message: "x is undefined" } });
  parentPort.postMessage({ id: t.id, result: 2 * t.x });
});
`,
);

describe("TaskWorkers", () => {
  it("answers each task, bad input as an InputError, a bug with the frame it met", async () => {
    const w = new TaskWorkers<number>(pathToFileURL(worker), null, 2);
    try {
      expect(await Promise.all([1, 2, 3].map((x) => w.run({ x })))).toEqual([2, 4, 6]);
      await expect(w.run({ bad: true })).rejects.toThrow(new InputError("f.cbf", "truncated"));
      await expect(w.run({ bug: true })).rejects.toThrow("f.cbf frame 3: x is undefined");
    } finally {
      await w.close();
    }
  });

  it("a task's cost counts: after one of cost 3, the next three go to the other thread", async () => {
    const w = new TaskWorkers<number>(pathToFileURL(worker), null, 2);
    try {
      const heavy = w.run({ who: true }, [], 3);
      const light = [1, 2, 3].map(() => w.run({ who: true }));
      const [h, ...l] = await Promise.all([heavy, ...light]);
      expect(new Set(l).size).toBe(1);
      expect(l[0]).not.toBe(h);
      // counted as one frame each (the old rule), the second and third would have alternated
      const again = await Promise.all([1, 2, 3, 4].map(() => w.run({ who: true })));
      expect(new Set(again).size).toBe(2);
    } finally {
      await w.close();
    }
  });

  it("a thread that exits with tasks in hand fails them (no hang)", async () => {
    const w = new TaskWorkers<number>(pathToFileURL(worker), null, 1);
    try {
      const waiting = w.run({ x: 1 }).then(() => w.run({ die: true }));
      await expect(waiting).rejects.toThrow(/worker thread 0 stopped \(exit code 7\) with tasks in hand/);
    } finally {
      await w.close();
    }
  });
});
