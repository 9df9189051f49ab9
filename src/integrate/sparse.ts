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
}

/** scipy-compatible CSR (row = bin), for export and for comparison with pyFAI's `engine.lut`. */
export interface Csr {
  nRows: number;
  nCols: number;
  indptr: Int32Array;
  indices: Int32Array;
  data: Float32Array;
}

/** Collects (bin, pixel, coefficient) triplets; pixels must come in non-decreasing order. */
export class CooBuilder {
  private bins: Int32Array;
  private pixels: Int32Array;
  private coefs: Float32Array;
  private n = 0;

  constructor(
    private readonly nBins: number,
    private readonly nPixels: number,
    capacity = 1 << 16,
  ) {
    this.bins = new Int32Array(capacity);
    this.pixels = new Int32Array(capacity);
    this.coefs = new Float32Array(capacity);
  }

  add(bin: number, pixel: number, value: number): void {
    if (this.n === this.bins.length) this.grow();
    this.bins[this.n] = bin;
    this.pixels[this.n] = pixel;
    this.coefs[this.n] = value;
    this.n++;
  }

  private grow(): void {
    const cap = this.bins.length * 2;
    const grown = <T extends Int32Array | Float32Array>(a: T, b: T) => {
      b.set(a);
      return b;
    };
    this.bins = grown(this.bins, new Int32Array(cap));
    this.pixels = grown(this.pixels, new Int32Array(cap));
    this.coefs = grown(this.coefs, new Float32Array(cap));
  }

  toPixelBins(): PixelBins {
    const ptr = new Int32Array(this.nPixels + 1);
    for (let k = 0; k < this.n; k++) ptr[this.pixels[k]! + 1]!++;
    for (let p = 0; p < this.nPixels; p++) ptr[p + 1]! += ptr[p]!;
    return {
      nBins: this.nBins,
      nPixels: this.nPixels,
      ptr,
      bins:
        this.nBins <= 65536 ? Uint16Array.from(this.bins.subarray(0, this.n)) : this.bins.slice(0, this.n),
      coef: this.coefs.slice(0, this.n),
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
