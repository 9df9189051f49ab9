/**
 * Frame-by-frame read speed of two bitshuffle-LZ4 (filter 32008) stacks, one chunk per frame, as
 * Dectris detectors write them: an Eiger 1M-like stack (1065×1030 uint16, synthetic rings) and
 * the stack `bench/integrate-files.ts` integrates (Pilatus 1M int32 frames: the reference frame
 * with counting noise). Each is read both ways in the same run, rounds alternating: the direct
 * chunk reader (h5-direct.ts, WebAssembly decoding) and h5wasm with its bitshuffle plugin
 * (SWAXS_KERNEL=js selects it); both must give the same frames (checksums compared).
 *
 *   node --import tsx bench/hdf5.ts [frames]
 *
 * The stacks are generated in a temporary folder (written with h5wasm and the h5wasm-plugins
 * bitshuffle filter) and deleted afterwards; prints one JSON object.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openHdf5 } from "../src/formats/hdf5.js";
import type { PixelArray } from "../src/formats/types.js";
import { readRefFrame } from "../test/support/fixtures.js";
import { writeBslz4Stack } from "../test/support/h5-stack.js";

const FRAMES = Number(process.argv[2] ?? 50);
const ROUNDS = 3;
const ROWS = 1065;
const COLS = 1030;

/** SAXS-like counts: a decaying ring pattern with noise, module gaps at 65535 (like Eiger 1M). */
function makeFrame(k: number, seed: { s: number }): Uint16Array {
  const out = new Uint16Array(ROWS * COLS);
  const rand = () => {
    // xorshift32, deterministic
    seed.s ^= seed.s << 13;
    seed.s ^= seed.s >>> 17;
    seed.s ^= seed.s << 5;
    return (seed.s >>> 0) / 4294967296;
  };
  for (let r = 0; r < ROWS; r++) {
    for (let c = 0; c < COLS; c++) {
      const rad = Math.hypot(r - 540, c - 500);
      const lam = 200 * Math.exp(-rad / 80) + 30 * Math.exp(-((rad - 300 - k) ** 2) / 50) + 1;
      // Gaussian approximation of Poisson noise (sum of 4 uniforms)
      const g = (rand() + rand() + rand() + rand() - 2) * Math.sqrt(3);
      out[r * COLS + c] = Math.max(0, Math.round(lam + Math.sqrt(lam) * g));
    }
  }
  // Eiger 1M: two 514-row modules with a 37-row gap between them, plus a 4-column chip gap.
  for (let r = 514; r < 551; r++) out.fill(65535, r * COLS, (r + 1) * COLS);
  for (let r = 0; r < ROWS; r++) for (let c = 513; c < 517; c++) out[r * COLS + c] = 65535;
  return out;
}

/** The reference Pilatus 1M frame with frame-to-frame counting noise (gaps stay −1). */
function pilatusFrame(k: number, base: Int32Array): Int32Array {
  let s = 2463534242 + k;
  const f = new Int32Array(base.length);
  for (let i = 0; i < base.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    f[i] = base[i]! < 0 ? base[i]! : base[i]! + ((s >>> 0) % 3);
  }
  return f;
}

function writeStack(
  path: string,
  shape: [number, number],
  dtype: "<H" | "<i",
  frame: (k: number) => PixelArray,
): Promise<void> {
  return writeBslz4Stack(path, { dtype, shape, frames: FRAMES, frame });
}

/** openHdf5 + readFrame of every frame; SWAXS_KERNEL=js (h5wasm) or not (direct). */
async function readAll(path: string, h5wasm: boolean): Promise<{ times: number[]; checksum: number }> {
  const saved = process.env["SWAXS_KERNEL"];
  if (h5wasm) process.env["SWAXS_KERNEL"] = "js";
  else delete process.env["SWAXS_KERNEL"];
  const src = await openHdf5(path);
  if (saved === undefined) delete process.env["SWAXS_KERNEL"];
  else process.env["SWAXS_KERNEL"] = saved;
  const times: number[] = [];
  let checksum = 0;
  for (let k = 0; k < src.frameCount; k++) {
    const t = performance.now();
    const frame = await src.readFrame(k);
    times.push(performance.now() - t);
    for (let i = k; i < frame.data.length; i += 997) checksum = (checksum * 31 + Number(frame.data[i])) % 1e9;
  }
  src.close();
  return { times, checksum };
}

function stats(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  return {
    mean: +mean.toFixed(2),
    median: +sorted[sorted.length >> 1]!.toFixed(2),
    max: +sorted[sorted.length - 1]!.toFixed(2),
  };
}

/** Both readers on one stack, rounds alternating; the first round of each is warm-up. */
async function compare(path: string, frameBytes: number) {
  const direct: number[] = [];
  const viaH5wasm: number[] = [];
  const sums = new Set<number>();
  for (let r = 0; r < ROUNDS; r++) {
    for (const h5 of [false, true]) {
      const { times, checksum } = await readAll(path, h5);
      sums.add(checksum);
      if (r > 0) (h5 ? viaH5wasm : direct).push(...times);
    }
  }
  const mb = (t: number[]) => +(frameBytes / 1e6 / (stats(t).mean / 1000)).toFixed(0);
  return {
    fileMB: +(statSync(path).size / 1e6).toFixed(2),
    compressionRatio: +((FRAMES * frameBytes) / statSync(path).size).toFixed(2),
    msPerFrame: { direct: stats(direct), h5wasm: stats(viaH5wasm) },
    decodedMBps: { direct: mb(direct), h5wasm: mb(viaH5wasm) },
    sameFrames: sums.size === 1,
  };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "swaxs-bench-hdf5-"));
  try {
    const eiger = join(dir, "eiger1m_bslz4.h5");
    const t0 = performance.now();
    const seed = { s: 2463534242 };
    await writeStack(eiger, [ROWS, COLS], "<H", (k) => makeFrame(k, seed));
    const pilatus = join(dir, "pilatus1m_bslz4.h5");
    const { data: base, shape } = readRefFrame("pilatus1m");
    await writeStack(pilatus, shape, "<i", (k) => pilatusFrame(k, base));
    const writeMs = performance.now() - t0;
    console.log(
      JSON.stringify(
        {
          what: "openHdf5 + readFrame, frame by frame: direct chunk reader vs h5wasm, same stack, same run",
          frames: FRAMES,
          rounds: `${ROUNDS} each, alternating, first discarded`,
          generateAndWriteMs: Math.round(writeMs),
          eiger1m_uint16: { shape: [ROWS, COLS], ...(await compare(eiger, ROWS * COLS * 2)) },
          pilatus1m_int32: { shape, ...(await compare(pilatus, shape[0] * shape[1] * 4)) },
          node: process.version,
        },
        null,
        1,
      ),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
