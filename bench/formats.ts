/**
 * Frame-reader throughput: one 1043×981 int32 frame (Pilatus 1M size) as byte-offset CBF, EDF and
 * TIFF, decoded from memory and read from a (page-cached) file. The pixels are the real CeO2
 * Pilatus 1M test image when its fixture is present (realistic byte-offset compression), else a
 * synthetic Poisson-like pattern with Pilatus gaps.
 *
 *   node --import tsx bench/formats.ts
 *
 * Prints JSON: per case the median time per frame, frames/s, and MB/s of decoded pixel bytes
 * (4 bytes per pixel) and of file bytes.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { decodeByteOffset, decodeCbf, encodeCbf, openCbf } from "../src/formats/cbf.js";
import { decodeEdf, encodeEdf, openEdf } from "../src/formats/edf.js";
import { decodeTiff, encodeTiff, openTiff } from "../src/formats/tiff.js";
import type { Frame } from "../src/formats/types.js";

const ROWS = 1043;
const COLS = 981;
const N = ROWS * COLS;

function testFrame(): { frame: Frame; source: string } {
  const fixture = fileURLToPath(new URL("../test/fixtures/ceo2/CeO2_Pilatus1M.tif.gz", import.meta.url));
  if (existsSync(fixture)) {
    const frame = decodeTiff(gunzipSync(readFileSync(fixture)), fixture)[0]!;
    return { frame: { ...frame, metadata: {} }, source: "CeO2_Pilatus1M.tif (real counts)" };
  }
  const data = new Int32Array(N);
  let s = 12345;
  for (let i = 0; i < N; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    const r = Math.floor(i / COLS);
    const c = i % COLS;
    data[i] =
      r % 212 >= 195 || c % 494 >= 487
        ? -1
        : 20 + (s % 40) + (((r - 520) ** 2 + (c - 490) ** 2) % 9000 < 300 ? 5000 : 0);
  }
  return { frame: { data, shape: [ROWS, COLS], dtype: "int32", metadata: {} }, source: "synthetic" };
}

async function time(fn: () => unknown | Promise<unknown>, minMs = 1500, minRuns = 20): Promise<number> {
  for (let i = 0; i < 5; i++) await fn(); // warm-up (JIT)
  const times: number[] = [];
  const start = performance.now();
  while (times.length < minRuns || performance.now() - start < minMs) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

async function main(): Promise<void> {
  const { frame, source } = testFrame();
  const cbf = encodeCbf(frame);
  const edf = encodeEdf(frame);
  const tif = encodeTiff(frame);
  const dir = mkdtempSync(join(tmpdir(), "bench-formats-"));
  const paths = { cbf: join(dir, "f.cbf"), edf: join(dir, "f.edf"), tif: join(dir, "f.tif") };
  writeFileSync(paths.cbf, cbf);
  writeFileSync(paths.edf, edf);
  writeFileSync(paths.tif, tif);
  const binStart = Buffer.from(cbf).indexOf(Uint8Array.of(0x0c, 0x1a, 0x04, 0xd5)) + 4;
  const binSize = Number(
    /X-Binary-Size: (\d+)/.exec(Buffer.from(cbf.subarray(0, binStart)).toString("latin1"))![1],
  );
  const compressed = cbf.subarray(binStart, binStart + binSize);
  const out = new Int32Array(N);

  const cases: [string, number, () => unknown | Promise<unknown>][] = [
    ["cbf byte-offset decode only", compressed.length, () => decodeByteOffset(compressed, out)],
    ["cbf decodeCbf (header + MD5 check + decode)", cbf.length, () => decodeCbf(cbf, "f.cbf")],
    ["cbf decodeCbf, checkMd5: false", cbf.length, () => decodeCbf(cbf, "f.cbf", { checkMd5: false })],
    [
      "cbf openCbf + readFrame (file)",
      cbf.length,
      async () => {
        const s = await openCbf(paths.cbf);
        await s.readFrame(0);
        s.close();
      },
    ],
    ["edf decodeEdf", edf.length, () => decodeEdf(edf, "f.edf")],
    [
      "edf openEdf + readFrame (file)",
      edf.length,
      async () => {
        const s = await openEdf(paths.edf);
        await s.readFrame(0);
        s.close();
      },
    ],
    ["tiff decodeTiff", tif.length, () => decodeTiff(tif, "f.tif")],
    [
      "tiff openTiff + readFrame (file)",
      tif.length,
      async () => {
        const s = await openTiff(paths.tif);
        await s.readFrame(0);
        s.close();
      },
    ],
  ];
  const results: Record<string, unknown> = {};
  for (const [name, fileBytes, fn] of cases) {
    const ms = await time(fn);
    results[name] = {
      ms_per_frame: Number(ms.toFixed(3)),
      frames_per_s: Number((1000 / ms).toFixed(1)),
      decoded_MB_per_s: Number(((N * 4) / 1e6 / (ms / 1000)).toFixed(0)),
      file_MB_per_s: Number((fileBytes / 1e6 / (ms / 1000)).toFixed(0)),
    };
  }
  rmSync(dir, { recursive: true, force: true });
  console.log(
    JSON.stringify(
      {
        frame: { shape: [ROWS, COLS], dtype: "int32", source },
        bytes: { cbf: cbf.length, cbf_compressed: compressed.length, edf: edf.length, tiff: tif.length },
        node: process.version,
        results,
      },
      null,
      2,
    ),
  );
}

await main();
