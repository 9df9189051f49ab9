/**
 * Integration throughput, ours vs pyFAI 0.21.3, on the same frames in one run.
 *
 *   npm run bench:integrate [-- --frames 200 --repeat 5 --detector pilatus1m|pilatus100k|both]
 *
 * Set-up as the shared reference benchmark (pyfai.md §8.1): the reference geometry, 1000 bins,
 * q_nm^-1, bbox splitting, solid angle, polarisation 0.99, Poisson errors; 20 distinct int32 frames
 * cycled through `--frames` calls; median over `--repeat` repetitions of the per-run median.
 * Prints one JSON object on stdout (progress on stderr).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { readPoni } from "../src/geometry/index.js";
import { IntegrationPool, Integrator1d } from "../src/integrate/index.js";
import { fixturePath, readRefFrame } from "../test/support/fixtures.js";
import { pythonWith } from "../test/support/tools.js";

const args = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : def;
};
const N_CALLS = Number(opt("frames", "200"));
const REPEAT = Number(opt("repeat", "5"));
const DETECTOR = opt("detector", "both");
const N_DISTINCT = 20;

const median = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const log = (s: string) => process.stderr.write(`${s}\n`);

function makeFrames(base: Int32Array, shared: boolean): Int32Array[] {
  return Array.from({ length: N_DISTINCT }, (_, i) => {
    const f = shared ? new Int32Array(new SharedArrayBuffer(base.byteLength)) : new Int32Array(base.length);
    for (let k = 0; k < base.length; k++) f[k] = base[k]! < 0 ? base[k]! : base[k]! + ((k * (i + 1)) % 3);
    return f;
  });
}

const OPTS = {
  npt: 1000,
  unit: "q_nm^-1",
  method: "bbox",
  polarizationFactor: 0.99,
  errorModel: "poisson",
} as const;

async function benchOurs(name: string, tag: "pilatus1m" | "pilatus100k") {
  const cal = await readPoni(fixturePath("pyfai", `ref_${name}.poni`));
  const { data, shape } = readRefFrame(tag);
  const frames = makeFrames(data, true);
  const t0 = performance.now();
  const integ = new Integrator1d(cal, shape, OPTS);
  integ.integrate(frames[0]!, "int32");
  const setupMs = performance.now() - t0;

  // main thread: per-call latency
  const perRun: number[] = [];
  for (let r = 0; r < REPEAT; r++) {
    const times: number[] = [];
    for (let i = 0; i < N_CALLS; i++) {
      const s = performance.now();
      integ.integrate(frames[i % N_DISTINCT]!, "int32");
      times.push(performance.now() - s);
    }
    perRun.push(median(times));
  }
  const mainMs = median(perRun);
  log(`${tag}: main thread ${mainMs.toFixed(2)} ms/frame`);

  // worker pools: throughput with all frames in flight
  const pools: { ms_per_frame: number; fps: number }[] = [];
  for (const nw of [1, 2]) {
    const pool = new IntegrationPool(integ, nw);
    for (let i = 0; i < 20; i++) await pool.integrate(frames[i % N_DISTINCT]!, "int32"); // warm-up: let the workers tier up
    const runs: number[] = [];
    for (let r = 0; r < REPEAT; r++) {
      const s = performance.now();
      const inflight: Promise<unknown>[] = [];
      for (let i = 0; i < N_CALLS; i++) inflight.push(pool.integrate(frames[i % N_DISTINCT]!, "int32"));
      await Promise.all(inflight);
      runs.push((performance.now() - s) / N_CALLS);
    }
    await pool.close();
    const ms = median(runs);
    pools.push({ ms_per_frame: round(ms), fps: round(1000 / ms) });
    log(`${tag}: ${nw} worker(s) ${ms.toFixed(2)} ms/frame`);
  }
  const m = integ.matrix;
  const matrixBytes = m.coef.byteLength + m.bins.byteLength + m.ptr.byteLength;
  return {
    setup_ms: round(setupMs),
    nnz: m.coef.length,
    matrix_mb: round(matrixBytes / 2 ** 20),
    main_thread: { ms_per_frame: round(mainMs), fps: round(1000 / mainMs) },
    workers_1: pools[0]!,
    workers_2: pools[1]!,
    rss_mb: round(process.memoryUsage().rss / 2 ** 20),
    frames: frames,
  };
}

const PYFAI_BENCH = `
import json, sys, time, statistics
import numpy as np, pyFAI
poni, path, n1, n2, ndist, ncalls, repeat = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:8])
frames = np.fromfile(path, "<i4").reshape(ndist, n1, n2)
ai = pyFAI.load(poni)
kw = dict(unit="q_nm^-1", method=("bbox", "csr", "cython"), correctSolidAngle=True, polarization_factor=0.99, error_model="poisson")
t = time.perf_counter(); ai.integrate1d(frames[0], 1000, **kw); setup = (time.perf_counter() - t) * 1e3
runs = []
for r in range(repeat):
    times = []
    for i in range(ncalls):
        s = time.perf_counter(); ai.integrate1d(frames[i % ndist], 1000, **kw); times.append((time.perf_counter() - s) * 1e3)
    runs.append(statistics.median(times))
print(json.dumps({"setup_ms": setup, "ms_per_frame": statistics.median(runs)}))
`;

function benchPyfai(name: string, frames: Int32Array[], shape: [number, number], threads: number) {
  const py = pythonWith(["pyFAI", "numpy"]);
  if (!py) return null;
  const dir = mkdtempSync(join(tmpdir(), "swaxs-bench-"));
  try {
    const path = join(dir, "frames.bin");
    const all = new Int32Array(frames.length * frames[0]!.length);
    for (const [i, f] of frames.entries()) all.set(f, i * f.length);
    writeFileSync(path, all);
    const r = spawnSync(
      py,
      [
        "-c",
        PYFAI_BENCH,
        fixturePath("pyfai", `ref_${name}.poni`),
        path,
        ...[shape[0], shape[1], N_DISTINCT, N_CALLS, REPEAT].map(String),
      ],
      { encoding: "utf8", env: { ...process.env, OMP_NUM_THREADS: String(threads) }, maxBuffer: 1 << 24 },
    );
    if (r.status !== 0) throw new Error(r.stderr);
    const out = JSON.parse(r.stdout) as { setup_ms: number; ms_per_frame: number };
    log(`${name}: pyFAI ${threads} thread(s) ${out.ms_per_frame.toFixed(2)} ms/frame`);
    return {
      setup_ms: round(out.setup_ms),
      ms_per_frame: round(out.ms_per_frame),
      fps: round(1000 / out.ms_per_frame),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

const result: Record<string, unknown> = {
  benchmark: "integrate1d, 1000 bins, q_nm^-1, bbox, solid angle, polarisation 0.99, poisson",
  node: process.version,
  calls_per_run: N_CALLS,
  repeats: REPEAT,
  distinct_frames: N_DISTINCT,
};
const cases: [string, "pilatus1m" | "pilatus100k"][] = [
  ["saxs", "pilatus1m"],
  ["waxs", "pilatus100k"],
];
for (const [name, tag] of cases) {
  if (DETECTOR !== "both" && DETECTOR !== tag) continue;
  const { frames, ...ours } = await benchOurs(name, tag);
  const shape = readRefFrame(tag).shape;
  const p1 = benchPyfai(name, frames, shape, 1);
  const p2 = benchPyfai(name, frames, shape, 2);
  result[tag] = {
    ours,
    pyfai: p1 ? { threads_1: p1, threads_2: p2 } : "python3-pyfai not installed: no comparison",
    ratio_fps_ours_over_pyfai:
      p1 && p2
        ? {
            one_worker_vs_one_thread: round(p1.ms_per_frame / ours.workers_1.ms_per_frame),
            two_workers_vs_two_threads: round(p2.ms_per_frame / ours.workers_2.ms_per_frame),
            main_thread_vs_one_thread: round(p1.ms_per_frame / ours.main_thread.ms_per_frame),
          }
        : null,
  };
}
console.log(JSON.stringify(result, null, 2));
