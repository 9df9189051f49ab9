/**
 * Replaying the tiny digital twin into a folder while the live building blocks follow it: the
 * watcher, the scan-log tail and the cycler tail must together see exactly what the twin holds
 * (the same rows, byte-identical frame files, the cycler lines up to the last frame's time), and
 * half-written frame files must really occur on the way.
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCycler } from "../echem/index.js";
import { readScanLog } from "../scan/index.js";
import { PRESETS, simulate } from "../simulate/index.js";
import { CyclerTail } from "./cycler-tail.js";
import { frameReadiness } from "./ready.js";
import { replayExperiment } from "./replay.js";
import { ScanLogTail } from "./scanlog-tail.js";
import { FrameWatcher } from "./watch.js";

let tmp = "";
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "swaxs-live-replay-"));
  await simulate(PRESETS.tiny, join(tmp, "twin"), { seed: 1 });
}, 120_000);
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe("replayExperiment", () => {
  it("replays the twin's rows, frames and cycler lines in time order, half-written files included", async () => {
    const twin = join(tmp, "twin");
    const live = join(tmp, "live");
    const N = 24;
    const source = await readScanLog(join(twin, "scan.csv"));
    const reported: string[] = [];
    const scanTail = new ScanLogTail(join(live, "scan.csv"));
    const cyclerTail = new CyclerTail(join(live, "cycling.mpt"));
    const rows: string[] = [];
    let cyclerLastS = Number.NaN;
    let stop = false;
    const follow = (async () => {
      while (!stop) {
        const log = await scanTail.poll();
        if (log) rows.push(...log.file);
        const c = await cyclerTail.poll();
        if (c) cyclerLastS = c.lastS;
        await new Promise((ok) => setTimeout(ok, 15));
      }
    })();
    const replay = replayExperiment({
      source: twin,
      target: live,
      fps: 40,
      chunks: 4,
      chunkPauseMs: 4,
      limit: N,
    });
    // the detector folders appear with their first frames; watch them from then on (files already
    // there are reported too)
    const watchers: FrameWatcher[] = [];
    for (const d of ["saxs", "waxs"]) {
      while (!existsSync(join(live, "frames", d))) await new Promise((ok) => setTimeout(ok, 5));
      const w = new FrameWatcher(join(live, "frames", d), { pollMs: 20, settleMs: 10 });
      w.on("frame", (e) => reported.push(e.path));
      watchers.push(w);
    }
    const report = await replay;
    await Promise.all(watchers.map((w) => w.ready));
    for (let i = 0; i < 100 && (reported.length < N || rows.length < N); i++)
      await new Promise((ok) => setTimeout(ok, 30));
    stop = true;
    await follow;
    await Promise.all(watchers.map((w) => w.close()));

    expect(report.frames.length).toBe(N);
    expect(report.fpsReached).toBeGreaterThan(20);
    expect(rows).toEqual(source.file.slice(0, N).map((f) => f.replace(twin, live)));
    expect(reported.sort()).toEqual(
      source.file
        .slice(0, N)
        .map((f) => f.replace(twin, live))
        .sort(),
    );
    for (const f of report.frames.slice(0, 4))
      expect(readFileSync(f.file).equals(readFileSync(f.file.replace(live, twin)))).toBe(true);
    // the cycler lines up to the last frame's time, no further
    const whole = await readCycler(join(twin, "cycling.mpt"));
    const got = await readCycler(join(live, "cycling.mpt"));
    expect(got.n).toBe(report.cyclerLines);
    expect(Array.from(got.timeS)).toEqual(Array.from(whole.timeS.subarray(0, got.n)));
    expect(cyclerLastS).toBe(got.timeS[got.n - 1]);
    expect(got.n).toBeLessThan(whole.n);
  }, 60_000);

  it("writes frame files in pieces: a look between two pieces finds the file not ready", async () => {
    const twin = join(tmp, "twin");
    const live = join(tmp, "live2");
    const looks: boolean[] = [];
    let busy = false;
    const timer = setInterval(async () => {
      if (busy) return;
      busy = true;
      const f = join(live, "frames/saxs/saxs_s000_r000_c00.cbf");
      const r = await frameReadiness(f, { settleMs: 1 });
      if (r.why !== "no such file") looks.push(r.ready);
      busy = false;
    }, 2);
    await replayExperiment({ source: twin, target: live, fps: 5, chunks: 5, chunkPauseMs: 40, limit: 1 });
    await new Promise((ok) => setTimeout(ok, 30));
    clearInterval(timer);
    expect(looks.filter((x) => !x).length).toBeGreaterThan(2);
    expect(looks.at(-1)).toBe(true);
  }, 30_000);
});
