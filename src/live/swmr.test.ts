/**
 * h5wasm reading an HDF5 stack that a real h5py process is writing in SWMR mode (libver="latest",
 * swmr_mode = True, one frame appended and flushed at a time): after each flush the refreshed
 * frame count is the writer's, and every frame reads back with the pixels the writer put there
 * (frame k is filled with k·1000 + row·cols + col). Skips plainly without h5py; fails under CI=true.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, it } from "vitest";
import { pythonWith, toolAvailable } from "../../test/support/tools.js";
import { openH5, openHdf5 } from "../formats/index.js";
import { refreshFrames } from "./swmr.js";

const py = pythonWith(["h5py", "numpy"]);
const run = toolAvailable("python3-h5py", py !== null);
const tmp = mkdtempSync(join(tmpdir(), "swaxs-live-swmr-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const ROWS = 7;
const COLS = 5;
const WRITER = `
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "w", libver="latest")
d = f.create_dataset("/entry/data/data", shape=(0, ${ROWS}, ${COLS}), maxshape=(None, ${ROWS}, ${COLS}),
                     chunks=(1, ${ROWS}, ${COLS}), dtype="int32")
f.swmr_mode = True
print("swmr", flush=True)
k = 0
for line in sys.stdin:
    if line.strip() == "close":
        break
    d.resize((k + 1, ${ROWS}, ${COLS}))
    d[k] = k * 1000 + np.arange(${ROWS * COLS}, dtype="int32").reshape(${ROWS}, ${COLS})
    d.flush()
    k += 1
    print("wrote", k, flush=True)
f.close()
print("closed", flush=True)
`;

/** The writer process and a way to wait for its next line. */
function startWriter(path: string): { proc: ChildProcessWithoutNullStreams; next: () => Promise<string> } {
  const proc = spawn(py!, ["-c", WRITER, path]);
  const queue: string[] = [];
  const waiting: ((l: string) => void)[] = [];
  createInterface({ input: proc.stdout }).on("line", (l) => {
    const w = waiting.shift();
    if (w) w(l);
    else queue.push(l);
  });
  let err = "";
  proc.stderr.on("data", (b) => {
    err += String(b);
  });
  const next = () =>
    new Promise<string>((ok, bad) => {
      const l = queue.shift();
      if (l !== undefined) return ok(l);
      const timer = setTimeout(() => bad(new Error(`h5py writer silent: ${err}`)), 20_000);
      waiting.push((x) => {
        clearTimeout(timer);
        ok(x);
      });
    });
  return { proc, next };
}

describe.runIf(run)("HDF5 SWMR: h5wasm follows a stack h5py is writing", () => {
  it("sees each flushed frame after a refresh, with the writer's pixels", async () => {
    const path = join(tmp, "stack.h5");
    const w = startWriter(path);
    try {
      expect(await w.next()).toBe("swmr");
      // a plain read-only open is refused while the SWMR writer holds the file
      await expect(openH5(path)).rejects.toThrow(/cannot open HDF5 file/);
      expect(await refreshFrames(path, "/entry/data/data")).toBe(0);
      const counts: number[] = [];
      for (let k = 1; k <= 6; k++) {
        w.proc.stdin.write("frame\n");
        expect(await w.next()).toBe(`wrote ${k}`);
        counts.push(await refreshFrames(path, "/entry/data/data"));
        const src = await openHdf5(path, { swmr: true });
        try {
          expect(src.frameCount).toBe(k);
          expect(src.shape).toEqual([ROWS, COLS]);
          for (let i = 0; i < k; i++) {
            const f = await src.readFrame(i);
            const want = Int32Array.from({ length: ROWS * COLS }, (_, p) => i * 1000 + p);
            expect(Array.from(f.data)).toEqual(Array.from(want));
          }
        } finally {
          src.close();
        }
      }
      expect(counts).toEqual([1, 2, 3, 4, 5, 6]);
      w.proc.stdin.write("close\n");
      expect(await w.next()).toBe("closed");
      // after the writer has gone, a plain open works again and agrees
      const file = await openH5(path);
      file.close();
      expect(await refreshFrames(path)).toBe(6);
    } finally {
      w.proc.kill();
    }
  }, 60_000);
});
