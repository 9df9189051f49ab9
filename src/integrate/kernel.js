/**
 * The per-frame hot loop: a CSR "gather" fused with pyFAI's preprocessing, so the frame is read
 * once and no per-pixel intermediate array is written (pyFAI writes a (pixels × 4) float32 array
 * and reads it back; skipping that is where our speed comes from).
 *
 * Per pixel j (pyFAI engines/preproc, 0.21.3):
 *   signal = float32(raw) − dark          var = max(1, raw) (Poisson; dark adds no variance, pitfall P2;
 *                                        integrate2d_ng uses var = raw)
 *   norm   = polarisation · solid angle · flat   (static, float32, precomputed per geometry)
 * Per bin i, with coefficient c_ij (float64 accumulators):
 *   S = Σ c·signal,  V = Σ c²·var,  N = Σ c·norm,  C = Σ c
 *   I = S / (N·nf),  σ = √V / (N·nf)     (nf: normalisation factor / monitor)
 * Pixels whose raw value is outside [validLow, validHigh) — negative Pilatus flags, the Eiger
 * saturation value, NaN — are skipped for that frame.
 */
// Plain JavaScript (typed with JSDoc) so that worker threads can load it without a TypeScript
// loader: Node 20 does not apply `--import tsx` hooks inside workers.

/**
 * @typedef {import("../formats/types.js").PixelArray} PixelArray
 * @typedef {import("./csr.js").Csr} Csr
 * @typedef {{ signal: Float64Array, variance: Float64Array, normalization: Float64Array, count: Float64Array }} Sums
 * @typedef {object} FramePrep
 * @property {Float32Array} norm static per-pixel normalisation (0 for masked pixels)
 * @property {Float32Array | null} dark
 * @property {boolean} poisson
 * @property {number} varianceFloor Poisson variance is max(varianceFloor, raw). pyFAI 0.21.3 uses 1 in
 *   integrate1d (Cython preproc) but passes variance = raw (floor −∞) in integrate2d_ng; both are copied.
 * @property {number} validLow
 * @property {number} validHigh
 */

const f32 = Math.fround;

/**
 * @param {number} n
 * @returns {Sums}
 */
export function allocSums(n) {
  return {
    signal: new Float64Array(n),
    variance: new Float64Array(n),
    normalization: new Float64Array(n),
    count: new Float64Array(n),
  };
}

/**
 * Fills `out` for CSR rows [rowStart, rowEnd).
 * @param {Csr} csr
 * @param {PixelArray} frame
 * @param {FramePrep} prep
 * @param {Sums} out
 * @param {number} [rowStart]
 * @param {number} [rowEnd]
 */
export function accumulate(csr, frame, prep, out, rowStart = 0, rowEnd = csr.nRows) {
  const { indptr, indices, data } = csr;
  const { norm, dark, poisson, varianceFloor, validLow, validHigh } = prep;
  const S = out.signal;
  const V = out.variance;
  const N = out.normalization;
  const C = out.count;
  for (let b = rowStart; b < rowEnd; b++) {
    let s = 0;
    let v = 0;
    let nn = 0;
    let c = 0;
    const end = /** @type {number} */ (indptr[b + 1]);
    for (let k = /** @type {number} */ (indptr[b]); k < end; k++) {
      const j = /** @type {number} */ (indices[k]);
      const raw = /** @type {number} */ (frame[j]);
      if (!(raw >= validLow && raw < validHigh)) continue;
      const w = /** @type {number} */ (data[k]);
      const r32 = f32(raw);
      const sig = dark === null ? r32 : f32(r32 - /** @type {number} */ (dark[j]));
      s += w * sig;
      if (poisson) v += w * w * Math.max(r32, varianceFloor);
      nn += w * /** @type {number} */ (norm[j]);
      c += w;
    }
    S[b] = s;
    V[b] = v;
    N[b] = nn;
    C[b] = c;
  }
}
