/**
 * `swaxs run --follow` (issue 16): the tiny twin replayed into a folder at 40 frames/s (each frame
 * file written in pieces, scan-log and cycler lines appended as the beamtime would), followed while
 * it grows. The results it leaves equal, CSV for CSV, a run over the same scan-log lines with the
 * empty cell counted as the live run pinned it; it never reads a frame before it is complete.
 */
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { replayExperiment } from "../live/index.js";
import { PRESETS, simulate } from "../simulate/index.js";
import { followExperiment, readyLines } from "./follow.js";
import { runExperiment } from "./run.js";

const root = mkdtempSync(join(tmpdir(), "swaxs-follow-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const csvs = (d: string) =>
  readdirSync(d, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".csv") && f !== "live_status.csv")
    .sort();

it("follows a growing experiment; its results equal a run over the same lines", async () => {
  const twin = join(root, "twin");
  await simulate({ ...PRESETS.tiny, rows: 6, cols: 2, sweeps: 4 }, twin, { seed: 3 });
  const live = join(root, "live");
  const yaml = join(live, "experiment.yaml");
  const replay = replayExperiment({ source: twin, target: live, fps: 40 });
  const updates: number[] = [];
  // start once the replay has written the config
  while (!readdirSync(root).includes("live") || !readdirSync(live).includes("experiment.yaml"))
    await new Promise((r) => setTimeout(r, 50));
  const following = followExperiment(yaml, { pollS: 0.5, idleS: 4, onUpdate: (n) => updates.push(n) });
  await replay;
  const analysed = await following;
  expect(updates.length).toBeGreaterThan(1);
  expect(updates).toEqual([...updates].sort((a, b) => a - b));
  const { text, ready } = await readyLines(yaml);
  expect(analysed).toBe(ready);
  expect(ready).toBeGreaterThan(0);
  const liveResults = join(live, "results");
  const followed = Object.fromEntries(
    csvs(liveResults).map((f) => [f, readFileSync(join(liveResults, f), "utf8")]),
  );
  expect(Object.keys(followed).length).toBeGreaterThan(10);
  // the same lines run whole, the empty cell counted as the live run pinned it
  const counting = JSON.parse(readFileSync(join(live, "results.live", "counting.json"), "utf8"));
  await runExperiment(yaml, { scanText: text, backgroundCounting: counting });
  expect(csvs(liveResults)).toEqual(Object.keys(followed));
  for (const [f, t] of Object.entries(followed))
    expect(readFileSync(join(liveResults, f), "utf8"), f).toBe(t);
}, 300_000);

it("looks again as soon as the scan log grows, not at the next poll", async () => {
  const twin = join(root, "twin-wake");
  await simulate({ ...PRESETS.tiny, rows: 6, cols: 2, sweeps: 4 }, twin, { seed: 4 });
  const scan = join(twin, "scan.csv");
  const lines = readFileSync(scan, "utf8").trimEnd().split("\n");
  // half the frames logged; the rest appended once the first update is in
  const half = 1 + Math.floor((lines.length - 1) / 2);
  writeFileSync(scan, `${lines.slice(0, half).join("\n")}\n`);
  const updates: { n: number; at: number }[] = [];
  let appendedAt = Number.NaN;
  const pollS = 120;
  const started = Date.now();
  const analysed = await followExperiment(join(twin, "experiment.yaml"), {
    pollS,
    idleS: 20,
    onUpdate: (n) => {
      updates.push({ n, at: Date.now() });
      if (updates.length === 1)
        setTimeout(() => {
          appendFileSync(scan, `${lines.slice(half).join("\n")}\n`);
          appendedAt = Date.now();
        }, 300);
    },
  });
  expect(updates.map((u) => u.n)).toEqual([half - 1, lines.length - 1]);
  expect(analysed).toBe(lines.length - 1);
  // the second look came from the change: not from a poll (every 120 s) nor from the idle check
  // (20 s after the first update); the second update takes a few seconds of reducing itself
  expect(updates[1]!.at - appendedAt).toBeLessThan(12_000);
  expect(Date.now() - started).toBeLessThan(pollS * 1000);
}, 180_000);
