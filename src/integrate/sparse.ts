/**
 * The pixel→bin matrix. pyFAI stores it as CSR (row = bin, a "gather"); we store it pixel-major
 * (for pixel p, entries ptr[p]..ptr[p+1] hold its bins and coefficients, a "scatter"). The frame is
 * then read once, in order, and the accumulators (a few thousand doubles) stay in L1 cache, which is
 * what makes the per-frame loop fast in JavaScript. Within each bin the pixels still add up in
 * increasing pixel order, exactly the order of pyFAI's CSR rows, so the float64 sums are identical.
 * Built once per (geometry, shape, mask, bins, unit, range) and reused for every frame.
 */
export interface PixelBins {
  nBins: number;
  nPixels: number;
  /** Int32Array(nPixels + 1) */
  ptr: Int32Array;
  /** Uint16 when there are at most 65 536 bins: half the memory traffic in the per-frame loop. */
  bins: Uint16Array | Int32Array;
  /** Fraction of the pixel that falls in the bin, float32 as pyFAI's CSR data. */
  coef: Float32Array;
  /**
   * The shared WebAssembly memory ptr, bins and coef are views of, when they are (wasm-sums.js
   * `sharedMatrix`): every thread's kernel reads them there, in place.
   */
  memory?: WebAssembly.Memory;
}

/** scipy-compatible CSR (row = bin), for export and for comparison with pyFAI's `engine.lut`. */
export interface Csr {
  nRows: number;
  nCols: number;
  indptr: Int32Array;
  indices: Int32Array;
  data: Float32Array;
}

/**
 * Collects (bin, pixel, coefficient) entries straight into the pixel-major layout: pixels must come
 * in non-decreasing order, so each pixel's start in `ptr` is known when its first entry comes and no
 * triplet list is kept (the bin indices are written in their final width; the coefficients in float32).
 */
export class CooBuilder {
  private bins: Uint16Array | Int32Array;
  private coefs: Float32Array;
  private readonly ptr: Int32Array;
  private n = 0;
  /** The last pixel whose start is written in `ptr`. */
  private pixel = -1;

  constructor(
    private readonly nBins: number,
    private readonly nPixels: number,
    capacity = 1 << 16,
  ) {
    this.bins = nBins <= 65536 ? new Uint16Array(capacity) : new Int32Array(capacity);
    this.coefs = new Float32Array(capacity);
    this.ptr = new Int32Array(nPixels + 1);
  }

  add(bin: number, pixel: number, value: number): void {
    if (pixel !== this.pixel) this.startPixels(pixel);
    if (this.n === this.coefs.length) this.grow();
    this.bins[this.n] = bin;
    this.coefs[this.n] = value;
    this.n++;
  }

  /** Pixels after the last one up to `upTo` start at the current entry (those between have none). */
  private startPixels(upTo: number): void {
    if (upTo < this.pixel) throw new Error(`CooBuilder: pixel ${upTo} after ${this.pixel}`);
    for (let p = this.pixel + 1; p <= upTo; p++) this.ptr[p] = this.n;
    this.pixel = upTo;
  }

  private grow(): void {
    const cap = this.coefs.length * 2;
    const bins = this.bins instanceof Uint16Array ? new Uint16Array(cap) : new Int32Array(cap);
    bins.set(this.bins);
    this.bins = bins;
    const coefs = new Float32Array(cap);
    coefs.set(this.coefs);
    this.coefs = coefs;
  }

  /**
   * The matrix, its arrays views of the builder's (not copies: the capacity never written costs no
   * memory, and a copy of 20 MB costs ~60 ms of page faults on the machines we measure).
   */
  toPixelBins(): PixelBins {
    this.startPixels(this.nPixels);
    return {
      nBins: this.nBins,
      nPixels: this.nPixels,
      ptr: this.ptr,
      bins: this.bins.subarray(0, this.n),
      coef: this.coefs.subarray(0, this.n),
    };
  }
}

/** Transpose to CSR (counting sort by bin; pixel order kept within each bin). */
export function toCsr(m: PixelBins): Csr {
  const indptr = new Int32Array(m.nBins + 1);
  const nnz = m.bins.length;
  for (let k = 0; k < nnz; k++) indptr[m.bins[k]! + 1]!++;
  for (let b = 0; b < m.nBins; b++) indptr[b + 1]! += indptr[b]!;
  const next = indptr.slice(0, m.nBins);
  const indices = new Int32Array(nnz);
  const data = new Float32Array(nnz);
  for (let p = 0; p < m.nPixels; p++) {
    for (let k = m.ptr[p]!; k < m.ptr[p + 1]!; k++) {
      const pos = next[m.bins[k]!]!++;
      indices[pos] = p;
      data[pos] = m.coef[k]!;
    }
  }
  return { nRows: m.nBins, nCols: m.nPixels, indptr, indices, data };
}
