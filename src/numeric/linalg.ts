/**
 * Small dense linear algebra for the fits (peak shapes, region footprints, calibrant lines): the
 * one Cholesky factorisation, its solves, the SPD inverse, Gaussian elimination, and non-negative
 * least squares. Matrices are row-major Float64Arrays; n is at most a few dozen, so plain loops.
 */

/**
 * Cholesky A = L Lᵀ of the symmetric n×n matrix `a` (only its lower triangle is read) into the
 * lower triangle of `l` (may be `a` itself). Row by row, each entry a[i][j] − Σₖ l[i][k]·l[j][k]
 * summed in k order.
 *
 * `floor`: a pivot below it is raised to it (for Gram matrices with a ridge, where a zero pivot
 * means an unreachable parameter) instead of failing. `subset`: factor only the rows and columns
 * flagged 1, as if the others were not there. Returns false on a pivot ≤ 0 (without `floor`).
 */
export function cholesky(
  a: Float64Array,
  n: number,
  l: Float64Array = a,
  opts: { floor?: number; subset?: Uint8Array } = {},
): boolean {
  const { floor, subset } = opts;
  for (let i = 0; i < n; i++) {
    if (subset && !subset[i]) continue;
    for (let j = 0; j <= i; j++) {
      if (subset && !subset[j]) continue;
      let v = a[i * n + j]!;
      for (let k = 0; k < j; k++) if (!subset || subset[k]) v -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        if (floor !== undefined) v = Math.max(v, floor);
        else if (!(v > 0)) return false;
        l[i * n + i] = Math.sqrt(v);
      } else l[i * n + j] = v / l[j * n + j]!;
    }
  }
  return true;
}

/**
 * Solves L Lᵀ x = b with the factor of `cholesky` (same `subset`; x is 0 outside it). Writes into
 * `out` (may be b) and returns it.
 */
export function cholSolve(
  l: Float64Array,
  n: number,
  b: Float64Array,
  out: Float64Array = new Float64Array(n),
  subset?: Uint8Array,
): Float64Array {
  for (let i = 0; i < n; i++) {
    if (subset && !subset[i]) continue;
    let s = b[i]!;
    for (let k = 0; k < i; k++) if (!subset || subset[k]) s -= l[i * n + k]! * out[k]!;
    out[i] = s / l[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    if (subset && !subset[i]) {
      out[i] = 0;
      continue;
    }
    let s = out[i]!;
    for (let k = i + 1; k < n; k++) if (!subset || subset[k]) s -= l[k * n + i]! * out[k]!;
    out[i] = s / l[i * n + i]!;
  }
  return out;
}

/**
 * Inverse of a symmetric positive-definite matrix, or null. The matrix is first scaled to unit
 * diagonal (Jacobi preconditioning), since fit parameters differ by many orders of magnitude.
 */
export function spdInverse(a: Float64Array, n: number): Float64Array | null {
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = a[i * n + i]!;
    if (!(v > 0)) return null;
    d[i] = 1 / Math.sqrt(v);
  }
  const s = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s[i * n + j] = a[i * n + j]! * d[i]! * d[j]!;
  if (!cholesky(s, n)) return null;
  const inv = new Float64Array(n * n);
  const e = new Float64Array(n);
  const col = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e.fill(0);
    e[j] = 1;
    cholSolve(s, n, e, col);
    for (let i = 0; i < n; i++) inv[i * n + j] = col[i]! * d[i]! * d[j]!;
  }
  for (const v of inv) if (!Number.isFinite(v)) return null;
  return inv;
}

/** Scratch of `spdSolve`, reused while n stays the same (it runs at every node of the peak fits' grids). */
const solveScratch = { n: 0, d: new Float64Array(0), s: new Float64Array(0) };

/**
 * x = A⁻¹b for a symmetric positive-definite A (normal equations), or null where A is singular: A
 * scaled to unit diagonal as spdInverse does, factored, and one forward and one back substitution
 * (a third of the inverse's work, none of its allocations). The one solve of linearLeastSquares
 * and ColumnsLsq, so both give the same numbers.
 */
export function spdSolve(a: Float64Array, b: Float64Array, n: number): Float64Array | null {
  if (solveScratch.n !== n) {
    solveScratch.n = n;
    solveScratch.d = new Float64Array(n);
    solveScratch.s = new Float64Array(n * n);
  }
  const { d, s } = solveScratch;
  for (let i = 0; i < n; i++) {
    const v = a[i * n + i]!;
    if (!(v > 0)) return null;
    d[i] = 1 / Math.sqrt(v);
  }
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) s[i * n + j] = a[i * n + j]! * d[i]! * d[j]!;
  if (!cholesky(s, n)) return null;
  // (D A D) y = D b, x = D y
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = b[i]! * d[i]!;
  cholSolve(s, n, x, x);
  for (let i = 0; i < n; i++) {
    x[i]! *= d[i]!;
    if (!Number.isFinite(x[i]!)) return null;
  }
  return x;
}

/** Solves the p×p system M x = g by Gaussian elimination with partial pivoting (M, g untouched). */
export function solveLinear(mat: Float64Array, g: Float64Array, p: number): Float64Array {
  const aug = Array.from({ length: p }, (_, i) => [...mat.subarray(i * p, i * p + p), g[i]!]);
  for (let i = 0; i < p; i++) {
    let piv = i;
    for (let k = i + 1; k < p; k++) if (Math.abs(aug[k]![i]!) > Math.abs(aug[piv]![i]!)) piv = k;
    [aug[i], aug[piv]] = [aug[piv]!, aug[i]!];
    const d = aug[i]![i]! || 1e-300;
    for (let k = i + 1; k < p; k++) {
      const t = aug[k]![i]! / d;
      for (let j = i; j <= p; j++) aug[k]![j]! -= t * aug[i]![j]!;
    }
  }
  const out = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let v = aug[i]![p]!;
    for (let k = i + 1; k < p; k++) v -= aug[i]![k]! * out[k]!;
    out[i] = v / (aug[i]![i]! || 1e-300);
  }
  return out;
}

/** A tiny pivot floor for Gram matrices: keeps a parameter nothing constrains at zero, not NaN. */
const GRAM_FLOOR = 1e-300;

/** Scratch of `nnlsGram`, reused while m stays the same (it runs inside fits' inner loops). */
const scratch = { m: 0, passive: new Uint8Array(0), z: new Float64Array(0), l: new Float64Array(0) };

/**
 * Non-negative least squares in Gram form (Lawson–Hanson 1974): min ‖x − F s‖² over s ≥ 0 given
 * A = FᵀF (m×m) and b = Fᵀx, started from `s` (an unconstrained solution, its negative entries
 * dropped); the result is written into `s`.
 */
export function nnlsGram(a: Float64Array, b: Float64Array, m: number, s: Float64Array): void {
  if (scratch.m !== m) {
    scratch.m = m;
    scratch.passive = new Uint8Array(m);
    scratch.z = new Float64Array(m);
    scratch.l = new Float64Array(m * m);
  }
  const { passive, z, l } = scratch;
  const solve = () => {
    cholesky(a, m, l, { floor: GRAM_FLOOR, subset: passive });
    cholSolve(l, m, b, z, passive);
  };
  // start: the unconstrained solution's support, shrunk until the solution on it is positive
  for (let i = 0; i < m; i++) passive[i] = s[i]! > 0 ? 1 : 0;
  for (let k = 0; k < m; k++) {
    solve();
    let drop = false;
    for (let i = 0; i < m; i++) {
      if (passive[i] && z[i]! <= 0) {
        passive[i] = 0;
        drop = true;
      }
    }
    if (!drop) break;
  }
  for (let i = 0; i < m; i++) s[i] = passive[i] ? z[i]! : 0;
  let bMax = 0;
  for (let i = 0; i < m; i++) bMax = Math.max(bMax, Math.abs(b[i]!));
  const tol = 1e-12 * bMax;
  for (let outer = 0; outer < 3 * m; outer++) {
    // the gradient's most promising coordinate not yet in the passive set
    let jMax = -1;
    let wMax = tol;
    for (let i = 0; i < m; i++) {
      if (passive[i]) continue;
      let w = b[i]!;
      for (let j = 0; j < m; j++) w -= a[i * m + j]! * s[j]!;
      if (w > wMax) {
        wMax = w;
        jMax = i;
      }
    }
    if (jMax < 0) return;
    passive[jMax] = 1;
    for (let inner = 0; inner < 3 * m; inner++) {
      solve();
      let ok = true;
      for (let i = 0; i < m; i++) if (passive[i] && z[i]! <= 0) ok = false;
      if (ok) {
        for (let i = 0; i < m; i++) s[i] = passive[i] ? z[i]! : 0;
        break;
      }
      let alpha = 1;
      for (let i = 0; i < m; i++)
        if (passive[i] && z[i]! <= 0) alpha = Math.min(alpha, s[i]! / (s[i]! - z[i]!));
      for (let i = 0; i < m; i++) {
        if (!passive[i]) continue;
        s[i] = s[i]! + alpha * (z[i]! - s[i]!);
        if (s[i]! <= 0) {
          s[i] = 0;
          passive[i] = 0;
        }
      }
    }
  }
}

export { GRAM_FLOOR };
