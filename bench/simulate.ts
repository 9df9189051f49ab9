/**
 * Digital-twin speed: wall time, frames/s and bytes written for the `tiny` and `demo` presets.
 *   npm run bench:simulate [-- --presets tiny,demo]
 * Prints one JSON object on stdout.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { PRESETS, type PresetName, simulate } from "../src/simulate/index.js";

const i = process.argv.indexOf("--presets");
const names = (i >= 0 ? process.argv[i + 1]! : "tiny,demo").split(",") as PresetName[];

function bytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true }))
    n += e.isDirectory() ? bytes(join(dir, e.name)) : statSync(join(dir, e.name)).size;
  return n;
}

const out: Record<string, unknown> = { node: process.version };
for (const name of names) {
  const p = PRESETS[name];
  const dir = join(mkdtempSync(join(tmpdir(), "swaxs-bench-sim-")), name);
  const t0 = performance.now();
  await simulate(p, dir, { seed: 1 });
  const s = (performance.now() - t0) / 1000;
  const frames = 2 * p.rows * p.cols * p.sweeps;
  out[name] = {
    grid: `${p.rows}x${p.cols}`,
    sweeps: p.sweeps,
    frames,
    wall_s: Math.round(s * 100) / 100,
    frames_per_s: Math.round((frames / s) * 10) / 10,
    written_mb: Math.round(bytes(dir) / 2 ** 20),
    rss_mb: Math.round(process.memoryUsage().rss / 2 ** 20),
  };
  rmSync(join(dir, ".."), { recursive: true, force: true });
  process.stderr.write(`${name}: ${s.toFixed(1)} s\n`);
}
console.log(JSON.stringify(out, null, 2));
