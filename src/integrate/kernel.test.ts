import { describe, expect, it } from "vitest";
import { expectSameArray } from "../../test/support/same-array.js";
import { allocate } from "../formats/dtype.js";
import { DTYPES } from "../formats/index.js";
import type { Dtype } from "../formats/types.js";
import { validWindow } from "./integrator.js";
import { type FramePrep, frameSums, staticSums } from "./kernel.js";
import { CooBuilder, type PixelBins } from "./sparse.js";
import { sharedMatrix, WasmSums, wasmSums } from "./wasm-sums.js";

/** xorshift32: the same matrices and frames on every run. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** A random matrix: each pixel in 0–3 neighbouring bins (0: masked), coefficients summing to 1. */
function matrix(nPixels: number, nBins: number, rand: () => number): PixelBins {
  const coo = new CooBuilder(nBins, nPixels);
  for (let p = 0; p < nPixels; p++) {
    const k = Math.floor(rand() * 4);
    const b0 = Math.floor(rand() * (nBins - 3));
    let left = 1;
    for (let j = 0; j < k; j++) {
      const c = j === k - 1 ? left : left * rand();
      coo.add(b0 + j, p, c);
      left -= c;
    }
  }
  return coo.toPixelBins();
}

/** Counts of the dtype, with its invalid values (negative, the unsigned maximum, NaN) sprinkled in. */
function frame(dtype: Dtype, n: number, rand: () => number) {
  const a = allocate(dtype, n);
  const max = dtype.startsWith("uint") ? 2 ** Number(dtype.slice(4)) - 1 : null;
  for (let p = 0; p < n; p++) {
    const r = rand();
    if (r < 0.03) a[p] = dtype.startsWith("float") ? Number.NaN : (max ?? -2);
    else if (dtype.startsWith("float")) a[p] = rand() * 1e4 - 5;
    else a[p] = Math.floor(rand() * (dtype.endsWith("8") ? 120 : 5e4));
  }
  return a;
}

function prep(
  m: PixelBins,
  dtype: Dtype,
  o: { dark: boolean; poisson: boolean; floor: number },
  rand: () => number,
) {
  const norm = Float32Array.from({ length: m.nPixels }, () => 0.5 + rand());
  const [validLow, validHigh] = validWindow(dtype, true);
  const p: FramePrep = {
    norm,
    ...staticSums(m, norm),
    dark: o.dark ? Float32Array.from({ length: m.nPixels }, () => rand() * 3) : null,
    poisson: o.poisson,
    varianceFloor: o.floor,
    validLow,
    validHigh,
  };
  return p;
}

describe("per-frame sums: WebAssembly = the JavaScript reference, bit for bit", () => {
  const options = [
    { dark: false, poisson: true, floor: 1 },
    { dark: true, poisson: true, floor: Number.NEGATIVE_INFINITY },
    { dark: true, poisson: false, floor: 1 },
    { dark: false, poisson: false, floor: 1 },
    // a floor inside the counts' range: some pixels take it, others keep their count (the kernel's branch-free max)
    { dark: false, poisson: true, floor: 2.5 },
  ];
  // 300 bins: 2-byte bin indices; 70 000 bins (more than a uint16 holds): 4-byte ones
  it.each([300, 70_000])("every frame dtype, with and without dark and σ (%i bins)", (nBins) => {
    const rand = rng(nBins);
    const m = matrix(20_000, nBins, rand);
    expect(wasmSums(m)).not.toBeNull();
    for (const dtype of DTYPES) {
      for (const o of options) {
        const f = frame(dtype, m.nPixels, rand);
        const p = prep(m, dtype, o, rand);
        const js = frameSums(m, f, { ...p, kernel: "js" });
        const wasm = frameSums(m, f, { ...p, kernel: "wasm" });
        const what = `${dtype} ${JSON.stringify(o)}`;
        expectSameArray(wasm.signal, js.signal, what);
        expectSameArray(wasm.variance, js.variance, what);
        expectSameArray(wasm.normalization, js.normalization, what);
        expectSameArray(wasm.count, js.count, what);
        // the invalid pixels' share came out of the static sums
        expect(js.count).not.toEqual(p.staticCount);
        if (o.poisson) expect(js.variance.some((v) => v > 0)).toBe(true);
        else expect(js.variance.every((v) => v === 0)).toBe(true);
      }
    }
  });

  it("the same engine serves frame after frame (no state left from the last one)", () => {
    const rand = rng(7);
    const m = matrix(5000, 200, rand);
    const p = prep(m, "int32", options[1]!, rand);
    const a = frame("int32", m.nPixels, rand);
    const b = frame("int32", m.nPixels, rand);
    const first = frameSums(m, a, p);
    frameSums(m, b, { ...p, dark: null });
    expect(frameSums(m, a, p).signal).toEqual(first.signal);
  });

  it("engines on one shared copy of the matrix (as worker threads) each sum in a region of their own", () => {
    const rand = rng(11);
    const m = matrix(8000, 300, rand);
    const shared = sharedMatrix(m, 2);
    expect(shared.memory?.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(shared.ptr.buffer).toBe(shared.bins.buffer);
    expect([shared.ptr, shared.bins, shared.coef]).toEqual([m.ptr, m.bins, m.coef]);
    expect(sharedMatrix(shared, 2)).toBe(shared);
    // two regions grown on the shared memory; a third finds no room and takes a copy of its own
    const engines = [0, 1, 2].map(() => WasmSums.create(shared)!);
    const sizes = engines.map((e) => e.buf.byteLength);
    expect(sizes[1]).toBeGreaterThan(sizes[0]!);
    expect(engines[2]!.buf).not.toBe(engines[1]!.buf);
    const p = prep(m, "int32", options[0]!, rand);
    const frames = engines.map(() => frame("int32", m.nPixels, rand));
    // interleaved: each engine's frame and sums stay where the others do not write
    const first = engines.map((e, k) => e.sums(frames[k]!, p)!.S.slice());
    for (const [k, e] of engines.entries()) {
      const js = frameSums(m, frames[k]!, { ...p, kernel: "js" });
      expect(first[k]).toEqual(js.signal);
      expect(e.sums(frames[k]!, p)!.S).toEqual(js.signal);
    }
  });
});
