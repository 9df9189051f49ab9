/**
 * Weighted linear least squares solved many times over with the same fixed columns (a background
 * polynomial) and a few varying ones that are zero outside a known index range (peaks cut at ±8
 * FWHM): the grid search of the peak fits (analysis/peaks.ts) solves it at hundreds of nodes per fit.
 *
 * The normal equations are those of linearLeastSquares (A = CᵀWC, b = CᵀWy, the same sums in the
 * same order, solved by the same spdInverse), so the coefficients are the same; what is saved is
 * work: the fixed columns' block of A and b is summed once, and each varying column's sums run over
 * its support only (adding the zeros outside changes no sum). χ² comes from the normal equations,
 * χ² = yᵀWy − 2·xᵀb + xᵀAx, not from a pass over the residuals; it agrees with that pass to ~1e-12
 * of yᵀWy, far below any difference the grid search ranks.
 */
import { spdSolve } from "./linalg.js";

export class ColumnsLsq {
  /** The varying columns (length m each), to be filled by the caller between `clear` and `solve`. */
  readonly cols: Float64Array[];
  /** Each varying column's support [lo, hi): zero outside it. */
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  private readonly n: number;
  private readonly a: Float64Array;
  private readonly b: Float64Array;
  private readonly yWy: number;

  constructor(
    private readonly y: Float64Array,
    private readonly w: Float64Array,
    /** The fixed columns (placed after the varying ones in the solution). */
    private readonly fixed: Float64Array[],
    varying: number,
  ) {
    const m = y.length;
    const nv = varying;
    this.n = nv + fixed.length;
    this.cols = Array.from({ length: nv }, () => new Float64Array(m));
    this.lo = new Int32Array(nv);
    this.hi = new Int32Array(nv);
    this.a = new Float64Array(this.n * this.n);
    this.b = new Float64Array(this.n);
    const n = this.n;
    for (let r = 0; r < fixed.length; r++) {
      const cr = fixed[r]!;
      for (let c = r; c < fixed.length; c++) {
        const cc = fixed[c]!;
        let s = 0;
        for (let i = 0; i < m; i++) s += w[i]! * cr[i]! * cc[i]!;
        this.a[(nv + r) * n + nv + c] = s;
        this.a[(nv + c) * n + nv + r] = s;
      }
      let s = 0;
      for (let i = 0; i < m; i++) s += w[i]! * cr[i]! * y[i]!;
      this.b[nv + r] = s;
    }
    let s = 0;
    for (let i = 0; i < m; i++) s += w[i]! * y[i]! * y[i]!;
    this.yWy = s;
  }

  /** Zero the varying columns (over their last supports) before they are filled again. */
  clear(): void {
    this.cols.forEach((c, k) => {
      c.fill(0, this.lo[k]!, this.hi[k]!);
      this.lo[k] = 0;
      this.hi[k] = 0;
    });
  }

  /** The coefficients (varying columns first, then the fixed ones) and χ², or null where A is singular. */
  solve(): { x: Float64Array; chi2: number } | null {
    return this.solveWith(this.cols, this.lo, this.hi, false);
  }

  /**
   * As `solve`, with varying columns given from outside, each kept over its support only: column
   * k's value at point i is cols[k][i − lo[k]] (analysis/peak-grid.ts keeps them so between fits).
   */
  solveCompact(
    cols: Float64Array[],
    lo: Int32Array,
    hi: Int32Array,
  ): { x: Float64Array; chi2: number } | null {
    return this.solveWith(cols, lo, hi, true);
  }

  private solveWith(
    cols: Float64Array[],
    lo: Int32Array,
    hi: Int32Array,
    compact: boolean,
  ): { x: Float64Array; chi2: number } | null {
    const { a, b, w, y, n, fixed } = this;
    const nv = cols.length;
    for (let r = 0; r < nv; r++) {
      const cr = cols[r]!;
      const r0 = lo[r]!;
      const r1 = hi[r]!;
      const or = compact ? r0 : 0;
      for (let c = r; c < nv; c++) {
        const cc = cols[c]!;
        const oc = compact ? lo[c]! : 0;
        let s = 0;
        const i1 = Math.min(r1, hi[c]!);
        for (let i = Math.max(r0, lo[c]!); i < i1; i++) s += w[i]! * cr[i - or]! * cc[i - oc]!;
        a[r * n + c] = s;
        a[c * n + r] = s;
      }
      for (let c = 0; c < fixed.length; c++) {
        const cc = fixed[c]!;
        let s = 0;
        for (let i = r0; i < r1; i++) s += w[i]! * cr[i - or]! * cc[i]!;
        a[r * n + nv + c] = s;
        a[(nv + c) * n + r] = s;
      }
      let s = 0;
      for (let i = r0; i < r1; i++) s += w[i]! * cr[i - or]! * y[i]!;
      b[r] = s;
    }
    const x = spdSolve(a, b, n);
    if (!x) return null;
    let quad = 0;
    let lin = 0;
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let c = 0; c < n; c++) s += a[r * n + c]! * x[c]!;
      quad += x[r]! * s;
      lin += x[r]! * b[r]!;
    }
    return { x, chi2: Math.max(0, this.yWy - 2 * lin + quad) };
  }
}
