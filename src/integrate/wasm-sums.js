/**
 * The WebAssembly path of `frameSums` (kernel.js). The kernel's memory is shared (a
 * SharedArrayBuffer behind it): `sharedMatrix` copies a matrix into one such memory once, and every
 * thread that receives it (workers get it through postMessage, not copied) runs its kernel on that
 * one copy, with a region of its own for the frame and the accumulators grown at the memory's end.
 * A matrix that is not in a shared memory yet is copied into a memory of its engine's own. Each frame
 * then costs one copy in (the frame) and the two accumulator arrays out. The code is kernel-wat.ts
 * compiled into kernel-wasm.js; its sums are bit-identical to the JavaScript loop's (same operations,
 * same order), which stays as the reference (`kernel: "js"`, or SWAXS_KERNEL=js).
 *
 * Plain JavaScript typed with JSDoc, like kernel.js, so worker threads load it without a loader.
 */
import { KERNEL_WASM_BASE64 } from "./kernel-wasm.js";

/**
 * @typedef {import("../formats/types.js").PixelArray} PixelArray
 * @typedef {import("./sparse.js").PixelBins} PixelBins
 * @typedef {(n: number, ptr: number, bins: number, coef: number, frame: number, dark: number, sv: number,
 *   lo: number, hi: number, floor: number, invalidList: number) => number} SumsFn
 */

/**
 * Frame array types the kernel reads, by constructor name (kernel-wat.ts LOADS). formats' dtypeOf
 * says the same, but this file is plain JavaScript loaded by worker threads with no TypeScript
 * loader, so it cannot import it.
 */
const DTYPE_OF = /** @type {Record<string, string>} */ ({
  Int8Array: "int8",
  Uint8Array: "uint8",
  Int16Array: "int16",
  Uint16Array: "uint16",
  Int32Array: "int32",
  Uint32Array: "uint32",
  Float32Array: "float32",
  Float64Array: "float64",
});

/** WebAssembly's 32-bit address space, less a margin: a larger matrix stays on the JavaScript path. */
const MAX_BYTES = 3.5 * 2 ** 30;
const PAGE = 65536;

/** @type {WebAssembly.Module | null} */
let compiled = null;

/** @type {WeakMap<Float32Array, WasmSums | null>} one engine per matrix (keyed by its coefficients) */
const engines = new WeakMap();

/**
 * The engine for matrix `m`, or null where WebAssembly cannot take it (no WebAssembly, too large).
 * @param {PixelBins} m
 * @returns {WasmSums | null}
 */
export function wasmSums(m) {
  let e = engines.get(m.coef);
  if (e === undefined) {
    e = WasmSums.create(m);
    engines.set(m.coef, e);
  }
  return e;
}

/** @param {number} bytes */
const align16 = (bytes) => Math.ceil(bytes / 16) * 16;

/**
 * Where the matrix's arrays go in a memory, from `at` on, each 16-byte aligned, and where they end.
 * @param {PixelBins} m
 * @param {number} at
 */
function matrixLayout(m, at) {
  const ptr = at;
  const bins = align16(ptr + 4 * (m.nPixels + 1));
  const coef = align16(bins + m.bins.BYTES_PER_ELEMENT * m.coef.length);
  return { ptr, bins, coef, end: align16(coef + 4 * m.coef.length) };
}

/**
 * An instance's own region from `at` on: the frame (room for float64), a dark, the accumulators S
 * and V interleaved, the list of invalid pixels; and where it ends.
 * @param {PixelBins} m
 * @param {number} at
 */
function scratchLayout(m, at) {
  const n = m.nPixels;
  const frame = at;
  const dark = align16(frame + 8 * n);
  const sv = align16(dark + 4 * n);
  const invalid = align16(sv + 16 * m.nBins);
  return { frame, dark, sv, invalid, end: align16(invalid + 4 * n) };
}

/**
 * A shared WebAssembly memory (pages) initially `initial` long, growable to `maximum`; null where
 * this JavaScript engine has no shared WebAssembly memory.
 * @param {number} initial
 * @param {number} maximum
 */
function sharedMemory(initial, maximum) {
  try {
    return new WebAssembly.Memory({ initial, maximum, shared: true });
  } catch {
    return null;
  }
}

/**
 * Matrix `m` copied once into a shared WebAssembly memory, with room for `instances` kernels' own
 * regions after it: the returned matrix's arrays are views of that memory (the same values), and it
 * carries the memory, so the threads it is sent to read this one copy instead of copying it each.
 * `m` itself when WebAssembly cannot take it (the JavaScript loop reads it as it is).
 * @param {PixelBins} m
 * @param {number} instances
 * @returns {PixelBins}
 */
export function sharedMatrix(m, instances) {
  if (typeof WebAssembly === "undefined" || m.memory) return m;
  const lay = matrixLayout(m, 0);
  const scratch = scratchLayout(m, 0).end + PAGE;
  const maximum = Math.ceil((lay.end + instances * scratch) / PAGE);
  if (maximum * PAGE > MAX_BYTES) return m;
  const memory = sharedMemory(Math.ceil(lay.end / PAGE), maximum);
  if (!memory) return m;
  return { nBins: m.nBins, nPixels: m.nPixels, ...copyMatrix(m, memory.buffer, lay), memory };
}

/**
 * The matrix's three arrays copied to `lay` in `buf`: the copies, views of `buf`.
 * @param {PixelBins} m
 * @param {ArrayBuffer | SharedArrayBuffer} buf
 * @param {{ ptr: number, bins: number, coef: number }} lay
 */
function copyMatrix(m, buf, lay) {
  const ptr = new Int32Array(buf, lay.ptr, m.nPixels + 1);
  ptr.set(m.ptr);
  const bins =
    m.bins instanceof Uint16Array
      ? new Uint16Array(buf, lay.bins, m.bins.length)
      : new Int32Array(buf, lay.bins, m.bins.length);
  bins.set(m.bins);
  const coef = new Float32Array(buf, lay.coef, m.coef.length);
  coef.set(m.coef);
  return { ptr, bins, coef };
}

export class WasmSums {
  /**
   * @param {PixelBins} m
   * @returns {WasmSums | null}
   */
  static create(m) {
    if (typeof WebAssembly === "undefined") return null;
    const binWidth = m.bins.BYTES_PER_ELEMENT === 2 ? 2 : 4;
    compiled ??= new WebAssembly.Module(Buffer.from(KERNEL_WASM_BASE64, "base64"));
    const scratchBytes = scratchLayout(m, 0).end;
    /** @type {WebAssembly.Memory | null} */
    let memory = m.memory ?? null;
    let base = 0;
    let mat = { ptr: m.ptr.byteOffset, bins: m.bins.byteOffset, coef: m.coef.byteOffset };
    if (memory) {
      // a region of our own at the memory's end: grow is atomic, so each instance gets its own
      try {
        base = memory.grow(Math.ceil(scratchBytes / PAGE)) * PAGE;
      } catch {
        memory = null; // no room left: a copy of our own below
      }
    }
    if (!memory) {
      // layout: ptr at 0, then bins, coef, our region
      const lay = matrixLayout(m, 0);
      base = lay.end;
      const pages = Math.ceil((base + scratchBytes) / PAGE);
      if (pages * PAGE > MAX_BYTES) return null;
      memory = sharedMemory(pages, pages);
      if (!memory) return null;
      copyMatrix(m, memory.buffer, lay);
      mat = lay;
    }
    const instance = new WebAssembly.Instance(compiled, { env: { memory } });
    const own = scratchLayout(m, base);
    return new WasmSums(m, instance, memory.buffer, binWidth, { ...mat, ...own });
  }

  /**
   * @param {PixelBins} m
   * @param {WebAssembly.Instance} instance
   * @param {ArrayBuffer | SharedArrayBuffer} buf
   * @param {2 | 4} binWidth
   * @param {{ ptr: number, bins: number, coef: number, frame: number, dark: number, sv: number, invalid: number }} at
   */
  constructor(m, instance, buf, binWidth, at) {
    this.m = m;
    this.exports = instance.exports;
    this.buf = buf;
    this.binWidth = binWidth;
    this.at = at;
    /** @type {Float32Array | null} the dark now in memory */
    this.darkIn = null;
  }

  /**
   * S and V of one frame, and its invalid pixels (in the matrix, raw value outside the valid
   * window); null for a frame type the kernel does not read (the caller falls back to JavaScript).
   * @param {PixelArray} frame
   * @param {{ dark: Float32Array | null, poisson: boolean, varianceFloor: number, validLow: number, validHigh: number }} prep
   * @returns {{ S: Float64Array, V: Float64Array, invalid: Int32Array } | null}
   */
  sums(frame, prep) {
    const dtype = DTYPE_OF[frame.constructor.name];
    const { m, at, buf } = this;
    if (dtype === undefined || frame.length !== m.nPixels) return null;
    // kernel-wat.ts functionName: one function per dtype, bin width, Poisson or not, dark or not
    const variant = `${prep.poisson ? "_var" : ""}${prep.dark ? "_dark" : ""}`;
    const fn = /** @type {SumsFn} */ (this.exports[`sums_${dtype}_b${this.binWidth}${variant}`]);
    const Ctor =
      /** @type {new (b: ArrayBuffer | SharedArrayBuffer, at: number, n: number) => PixelArray} */ (
        frame.constructor
      );
    new Ctor(buf, at.frame, m.nPixels).set(frame);
    if (prep.dark && prep.dark !== this.darkIn) {
      new Float32Array(buf, at.dark, m.nPixels).set(prep.dark);
      this.darkIn = prep.dark;
    }
    const nb = m.nBins;
    const sv = new Float64Array(buf, at.sv, 2 * nb);
    sv.fill(0);
    const nInvalid = fn(
      m.nPixels,
      at.ptr,
      at.bins,
      at.coef,
      at.frame,
      prep.dark ? at.dark : 0,
      at.sv,
      prep.validLow,
      prep.validHigh,
      prep.varianceFloor,
      at.invalid,
    );
    const S = new Float64Array(nb);
    const V = new Float64Array(nb);
    for (let b = 0; b < nb; b++) {
      S[b] = /** @type {number} */ (sv[2 * b]);
      V[b] = /** @type {number} */ (sv[2 * b + 1]);
    }
    return { S, V, invalid: new Int32Array(buf, at.invalid, nInvalid).slice() };
  }
}
