/**
 * Replay a finished experiment (the digital twin: `swaxs simulate --preset tiny --out DIR`) into a
 * folder at a controlled rate, as live mode sees a beamtime: frames written in pieces, scan-log rows
 * and cycler lines appended in time order (src/live/replay.ts).
 *   node --import tsx bench/replay.ts --twin DIR --out DIR [--fps 1] [--chunks 4] [--pause-ms 20]
 *        [--limit N] [--journal FILE]
 * Progress on stderr; one JSON object on stdout (rate reached, and with --journal a CSV of each
 * frame's start / complete / logged times [ms since the epoch] for the latency measurement).
 */
import { writeFileSync } from "node:fs";
import { replayExperiment } from "../src/live/index.js";
import { arg } from "./args.js";

const twin = arg("--twin");
const out = arg("--out");
if (!twin || !out) {
  console.error(
    "usage: bench/replay.ts --twin DIR --out DIR [--fps 1] [--chunks 4] [--pause-ms 20] [--limit N] [--journal FILE]",
  );
  process.exit(2);
}
const num = (name: string) => (arg(name) === undefined ? undefined : Number(arg(name)));
const stop = new AbortController();
process.once("SIGINT", () => stop.abort());

const report = await replayExperiment({
  source: twin,
  target: out,
  fps: num("--fps") ?? 1,
  ...(num("--chunks") === undefined ? {} : { chunks: num("--chunks")! }),
  ...(num("--pause-ms") === undefined ? {} : { chunkPauseMs: num("--pause-ms")! }),
  ...(num("--limit") === undefined ? {} : { limit: num("--limit")! }),
  signal: stop.signal,
  onFrame: (f) => {
    if (f.index % 10 === 0) console.error(`replay: frame ${f.index} → ${f.file}`);
  },
});
const journal = arg("--journal");
if (journal) {
  const lines = ["index,file,started_ms,complete_ms,logged_ms"];
  for (const f of report.frames)
    lines.push(`${f.index},${f.file},${f.startedMs},${f.completeMs},${f.loggedMs}`);
  writeFileSync(journal, `${lines.join("\n")}\n`);
}
console.log(
  JSON.stringify({
    frames: report.frames.length,
    cycler_lines: report.cyclerLines,
    seconds: report.seconds,
    fps_reached: report.fpsReached,
    journal: journal ?? null,
  }),
);
