/**
 * The WebAssembly path of `frameSums` (kernel.js): one instance per pixel→bin matrix, holding a copy
 * of the matrix in its own memory, so each frame costs one copy in (the frame) and the two
 * accumulator arrays out. The code is kernel-wat.ts compiled into kernel-wasm.js; its sums are
 * bit-identical to the JavaScript loop's (same operations, same order), which stays as the reference
 * (`kernel: "js"`, or SWAXS_KERNEL=js).
 *
 * Plain JavaScript typed with JSDoc, like kernel.js, so worker threads load it without a loader.
 */
import { KERNEL_WASM_BASE64 } from "./kernel-wasm.js";

/**
 * @typedef {import("../formats/types.js").PixelArray} PixelArray
 * @typedef {import("./sparse.js").PixelBins} PixelBins
 * @typedef {(n: number, ptr: number, bins: number, coef: number, frame: number, dark: number, sv: number,
 *   lo: number, hi: number, floor: number, poisson: number, invalidList: number) => number} SumsFn
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

export class WasmSums {
  /**
   * @param {PixelBins} m
   * @returns {WasmSums | null}
   */
  static create(m) {
    if (typeof WebAssembly === "undefined") return null;
    const binWidth = m.nBins * 16 <= 0xffff ? 2 : 4;
    const nnz = m.coef.length;
    const n = m.nPixels;
    // layout: ptr at 0 (so a dark offset is never 0, which means "no dark"), then bins, coef,
    // frame (room for float64), dark, accumulators; each 16-byte aligned
    let end = 0;
    const take = (/** @type {number} */ bytes) => {
      const at = end;
      end = Math.ceil((end + bytes) / 16) * 16;
      return at;
    };
    const ptr = take(4 * (n + 1));
    const bins = take(binWidth * nnz);
    const coef = take(4 * nnz);
    const frame = take(8 * n);
    const dark = take(4 * n);
    const sv = take(16 * m.nBins);
    const invalid = take(4 * n);
    if (end > MAX_BYTES) return null;
    compiled ??= new WebAssembly.Module(Buffer.from(KERNEL_WASM_BASE64, "base64"));
    const memory = new WebAssembly.Memory({ initial: Math.ceil(end / 65536) });
    const instance = new WebAssembly.Instance(compiled, { env: { memory } });
    const buf = memory.buffer;
    new Int32Array(buf, ptr, n + 1).set(m.ptr);
    const offsets = binWidth === 2 ? new Uint16Array(buf, bins, nnz) : new Uint32Array(buf, bins, nnz);
    for (let k = 0; k < nnz; k++) offsets[k] = /** @type {number} */ (m.bins[k]) * 16;
    new Float32Array(buf, coef, nnz).set(m.coef);
    return new WasmSums(m, instance, buf, binWidth, { ptr, bins, coef, frame, dark, sv, invalid });
  }

  /**
   * @param {PixelBins} m
   * @param {WebAssembly.Instance} instance
   * @param {ArrayBuffer} buf
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
    const fn = /** @type {SumsFn} */ (this.exports[`sums_${dtype}_b${this.binWidth}`]);
    const Ctor = /** @type {new (b: ArrayBuffer, at: number, n: number) => PixelArray} */ (frame.constructor);
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
      prep.poisson ? 1 : 0,
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
