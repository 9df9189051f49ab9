/** Loading committed fixtures (test/fixtures/…). */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures");

export function fixturePath(...parts: string[]): string {
  return join(FIXTURES, ...parts);
}

export function readFixture(...parts: string[]): Buffer {
  const p = fixturePath(...parts);
  const raw = readFileSync(p);
  return p.endsWith(".gz") ? gunzipSync(raw) : raw;
}

/** A comma-separated numeric table with `#` comment lines. */
export function readCsvTable(...parts: string[]): number[][] {
  return readFixture(...parts)
    .toString("utf8")
    .split(/\r?\n/)
    .filter((l) => l.trim() && !l.startsWith("#"))
    .map((l) => l.split(",").map(Number));
}

/** The pyFAI reference frames: int32 little-endian, row-major. */
export function readRefFrame(tag: "pilatus1m" | "pilatus100k"): {
  data: Int32Array;
  shape: [number, number];
} {
  const meta = JSON.parse(readFixture("pyfai", `ref_frame_${tag}.json`).toString("utf8")) as {
    shape: [number, number];
  };
  const buf = readFixture("pyfai", `ref_frame_${tag}.bin.gz`);
  const data = new Int32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  return { data, shape: meta.shape };
}

/** Largest |a−b|/|b| over entries where b ≠ 0 (|a| must also be ~0 where b = 0). */
export function maxRelDev(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    m = Math.max(m, b[i] === 0 ? d : d / Math.abs(b[i]!));
  }
  return m;
}

/** Fraction of entries whose relative deviation is within tol (b = 0 entries: absolute). */
export function fractionWithin(a: ArrayLike<number>, b: ArrayLike<number>, tol: number): number {
  let ok = 0;
  for (let i = 0; i < b.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if ((b[i] === 0 ? d : d / Math.abs(b[i]!)) <= tol) ok++;
  }
  return ok / b.length;
}

/** A CSV file written by `swaxs run` as rows of string cells (header included). */
export function readCsvCells(path: string): string[][] {
  return readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .map((l) => l.split(","));
}
