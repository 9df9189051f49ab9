/**
 * Sparse pixel→bin matrix in CSR form, scipy-compatible, as pyFAI stores it: row = output bin,
 * `indices` = pixel index (row-major in the frame), `data` = float32 coefficient (fraction of the
 * pixel that falls in the bin). Built once per (geometry, shape, mask, bins, unit, range) and
 * reused for every frame; integration is then a "gather" over rows, so bins are independent.
 */
export interface Csr {
  nRows: number;
  nCols: number;
  indptr: Int32Array;
  indices: Int32Array;
  data: Float32Array;
}

/** Collects (row, pixel, coefficient) triplets in pixel order; `toCsr` sorts them by row, stably. */
export class CooBuilder {
  private rows: Int32Array;
  private cols: Int32Array;
  private vals: Float32Array;
  private n = 0;

  constructor(
    private readonly nRows: number,
    private readonly nCols: number,
    capacity = 1 << 16,
  ) {
    this.rows = new Int32Array(capacity);
    this.cols = new Int32Array(capacity);
    this.vals = new Float32Array(capacity);
  }

  add(row: number, col: number, value: number): void {
    if (this.n === this.rows.length) this.grow();
    this.rows[this.n] = row;
    this.cols[this.n] = col;
    this.vals[this.n] = value;
    this.n++;
  }

  private grow(): void {
    const cap = this.rows.length * 2;
    const rows = new Int32Array(cap);
    const cols = new Int32Array(cap);
    const vals = new Float32Array(cap);
    rows.set(this.rows);
    cols.set(this.cols);
    vals.set(this.vals);
    this.rows = rows;
    this.cols = cols;
    this.vals = vals;
  }

  /** Counting sort by row; within a row the pixel order of insertion is kept (pyFAI's SparseBuilder does the same). */
  toCsr(): Csr {
    const indptr = new Int32Array(this.nRows + 1);
    for (let k = 0; k < this.n; k++) indptr[this.rows[k]! + 1]!++;
    for (let r = 0; r < this.nRows; r++) indptr[r + 1]! += indptr[r]!;
    const next = indptr.slice(0, this.nRows);
    const indices = new Int32Array(this.n);
    const data = new Float32Array(this.n);
    for (let k = 0; k < this.n; k++) {
      const pos = next[this.rows[k]!]!++;
      indices[pos] = this.cols[k]!;
      data[pos] = this.vals[k]!;
    }
    return { nRows: this.nRows, nCols: this.nCols, indptr, indices, data };
  }
}
