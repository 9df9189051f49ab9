/**
 * Frame-by-frame read speed of an Eiger 1M-like stack: 50 frames of 1065×1030 uint16,
 * bitshuffle-LZ4 (filter 32008), one chunk per frame, as written by Dectris detectors.
 *
 *   node --import tsx bench/hdf5.ts [frames]
 *
 * The stack is generated in a temporary folder (written with h5wasm and the h5wasm-plugins
 * bitshuffle filter) and deleted afterwards; prints one JSON object.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createH5 } from "../src/formats/h5.js";
import { openHdf5 } from "../src/formats/hdf5.js";

const FRAMES = Number(process.argv[2] ?? 50);
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

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "swaxs-bench-hdf5-"));
  try {
    const path = join(dir, "eiger1m_bslz4.h5");
    const t0 = performance.now();
    const f = await createH5(path);
    const group = f.create_group("entry").create_group("data");
    const ds = group.create_dataset({
      name: "data",
      data: new Uint16Array(0),
      shape: [0, ROWS, COLS],
      maxshape: [FRAMES, ROWS, COLS],
      dtype: "<H",
      chunks: [1, ROWS, COLS],
      compression: 32008,
      compression_opts: [0, 2], // block size auto, LZ4
    });
    ds.resize([FRAMES, ROWS, COLS]);
    const seed = { s: 2463534242 };
    for (let k = 0; k < FRAMES; k++) ds.write_slice([[k, k + 1], [], []], makeFrame(k, seed));
    const filters = ds.filters;
    f.close();
    const writeMs = performance.now() - t0;
    const bytes = statSync(path).size;

    const t1 = performance.now();
    const src = await openHdf5(path);
    const openMs = performance.now() - t1;
    const times: number[] = [];
    let checksum = 0;
    for (let k = 0; k < src.frameCount; k++) {
      const t = performance.now();
      const frame = await src.readFrame(k);
      times.push(performance.now() - t);
      checksum += frame.data[k * 1000]!;
    }
    src.close();
    const total = times.reduce((a, b) => a + b, 0);
    const sorted = [...times].sort((a, b) => a - b);
    const rawMB = (FRAMES * ROWS * COLS * 2) / 1e6;
    console.log(
      JSON.stringify(
        {
          what: "openHdf5 + readFrame, frame by frame",
          frames: FRAMES,
          shape: [ROWS, COLS],
          dtype: "uint16",
          filters,
          fileMB: +(bytes / 1e6).toFixed(2),
          compressionRatio: +((FRAMES * ROWS * COLS * 2) / bytes).toFixed(2),
          generateAndWriteMs: Math.round(writeMs),
          openMs: +openMs.toFixed(1),
          framesPerSecond: +((FRAMES / total) * 1000).toFixed(1),
          msPerFrame: {
            mean: +(total / FRAMES).toFixed(2),
            median: +sorted[FRAMES >> 1]!.toFixed(2),
            max: +sorted[FRAMES - 1]!.toFixed(2),
          },
          decodedMBps: +(rawMB / (total / 1000)).toFixed(0),
          checksum,
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
