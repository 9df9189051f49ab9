/**
 * The per-frame hot loop, fused with pyFAI's preprocessing: the frame is read once, in order,
 * and no per-pixel intermediate array is written (pyFAI writes a pixels × 4 float32 array and reads
 * it back, which is where most of its time goes: pyfai.md §8.2).
 *
 * Per pixel p (pyFAI engines/preproc, 0.21.3):
 *   signal = float32(raw) − dark      var = max(1, raw) (Poisson; the dark adds no variance, pitfall P2;
 *                                                         integrate2d_ng uses var = raw)
 *   norm   = polarisation · solid angle · flat      (static, float32, precomputed per geometry)
 * Per bin b, with coefficient c_pb (float64 accumulators):
 *   S = Σ c·signal,  V = Σ c²·var,  N = Σ c·norm,  C = Σ c
 *   I = S / (N·nf),  σ = √V / (N·nf)     (nf: normalisation factor, e.g. the monitor)
 * N and C do not depend on the frame, so they are summed once (`staticSums`); a pixel that is
 * invalid in one frame only (raw outside [validLow, validHigh): negative Pilatus flags, the Eiger
 * saturation value, NaN) has its share taken back out of them for that frame.
 *
 * Two implementations of the loop compute the same sums bit for bit: WebAssembly (wasm-sums.js,
 * ~2.3× faster, the default) and the JavaScript below, the reference (`kernel: "js"` in the frame's
 * prep, or SWAXS_KERNEL=js in the environment) and the fallback for what WebAssembly cannot take.
 *
 * Plain JavaScript typed with JSDoc so that worker threads load it without a TypeScript loader
 * (Node 20 does not apply `--import tsx` hooks inside workers).
 */

import { referenceWanted } from "../util/wasm-switch.js";
import { wasmSums } from "./wasm-sums.js";

/**
 * @typedef {import("../formats/types.js").PixelArray} PixelArray
 * @typedef {import("./sparse.js").PixelBins} PixelBins
 * @typedef {{ signal: Float64Array, variance: Float64Array, normalization: Float64Array, count: Float64Array }} Sums
 * @typedef {object} FramePrep
 * @property {Float32Array} norm static per-pixel normalisation (0 for masked pixels)
 * @property {Float64Array} staticNorm Σ c·norm per bin over all pixels in the matrix
 * @property {Float64Array} staticCount Σ c per bin
 * @property {Float32Array | null} dark
 * @property {boolean} poisson
 * @property {number} varianceFloor Poisson variance is max(varianceFloor, raw): 1 in integrate1d, −∞ in 2D
 * @property {number} validLow
 * @property {number} validHigh
 * @property {Kernel} [kernel] which loop (default: SWAXS_KERNEL, else "wasm")
 * @typedef {"wasm" | "js"} Kernel
 */

/**
 * Σ c·norm and Σ c per bin, in pixel order (the order of pyFAI's CSR rows).
 * @param {PixelBins} m
 * @param {Float32Array} norm
 * @returns {{ staticNorm: Float64Array, staticCount: Float64Array }}
 */
export function staticSums(m, norm) {
  const staticNorm = new Float64Array(m.nBins);
  const staticCount = new Float64Array(m.nBins);
  const { ptr, bins, coef } = m;
  for (let p = 0; p < m.nPixels; p++) {
    const end = /** @type {number} */ (ptr[p + 1]);
    const np = /** @type {number} */ (norm[p]);
    for (let k = /** @type {number} */ (ptr[p]); k < end; k++) {
      const b = /** @type {number} */ (bins[k]);
      const c = /** @type {number} */ (coef[k]);
      staticNorm[b] += c * np;
      staticCount[b] += c;
    }
  }
  return { staticNorm, staticCount };
}

/** @returns {Kernel} the loop frames use unless their prep names one */
export function defaultKernel() {
  return referenceWanted() ? "js" : "wasm";
}

/**
 * The four sums of one frame.
 * @param {PixelBins} m
 * @param {PixelArray} frame
 * @param {FramePrep} prep
 * @returns {Sums}
 */
export function frameSums(m, frame, prep) {
  const fast = (prep.kernel ?? defaultKernel()) === "wasm" ? wasmSums(m)?.sums(frame, prep) : null;
  const { S, V, invalid } = fast ?? jsSums(m, frame, prep);
  const N = prep.staticNorm.slice();
  const C = prep.staticCount.slice();
  if (invalid.length > 0) removeInvalid(m, invalid, prep.norm, N, C);
  return { signal: S, variance: V, normalization: N, count: C };
}

/**
 * S and V by the reference JavaScript loop, and the invalid pixels (in the matrix, raw value
 * outside the valid window).
 * @param {PixelBins} m
 * @param {PixelArray} frame
 * @param {FramePrep} prep
 * @returns {{ S: Float64Array, V: Float64Array, invalid: Int32Array }}
 */
function jsSums(m, frame, prep) {
  const { ptr, bins, coef, nPixels } = m;
  const { dark, poisson, varianceFloor, validLow, validHigh } = prep;
  const S = new Float64Array(m.nBins);
  const V = new Float64Array(m.nBins);
  let k = 0;
  /** @type {number[]} */
  const invalid = [];
  for (let p = 0; p < nPixels; p++) {
    const end = /** @type {number} */ (ptr[p + 1]);
    if (k === end) continue; // masked or out of range: not in the matrix
    const raw = /** @type {number} */ (frame[p]);
    if (!(raw >= validLow && raw < validHigh)) {
      invalid.push(p);
      k = end;
      continue;
    }
    const r32 = Math.fround(raw);
    const sig = dark === null ? r32 : Math.fround(r32 - /** @type {number} */ (dark[p]));
    if (poisson) {
      const vr = Math.max(r32, varianceFloor);
      for (; k < end; k++) {
        const b = /** @type {number} */ (bins[k]);
        const c = /** @type {number} */ (coef[k]);
        S[b] += c * sig;
        V[b] += c * c * vr;
      }
    } else {
      for (; k < end; k++) S[/** @type {number} */ (bins[k])] += /** @type {number} */ (coef[k]) * sig;
    }
  }
  return { S, V, invalid: Int32Array.from(invalid) };
}

/**
 * Take the share of this frame's invalid pixels back out of the static N and C (only those pixels
 * are visited: a frame with a few hot or flagged pixels costs a few matrix rows, not a pass).
 * @param {PixelBins} m
 * @param {Int32Array} pixels
 * @param {Float32Array} norm
 * @param {Float64Array} N
 * @param {Float64Array} C
 */
function removeInvalid(m, pixels, norm, N, C) {
  const { ptr, bins, coef } = m;
  for (const p of pixels) {
    const np = /** @type {number} */ (norm[p]);
    const end = /** @type {number} */ (ptr[p + 1]);
    for (let k = /** @type {number} */ (ptr[p]); k < end; k++) {
      const b = /** @type {number} */ (bins[k]);
      const c = /** @type {number} */ (coef[k]);
      N[b] -= c * np;
      C[b] -= c;
    }
  }
}
