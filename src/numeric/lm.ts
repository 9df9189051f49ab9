/**
 * Weighted nonlinear least squares by Levenberg–Marquardt, with box bounds; the model's own Jacobian
 * or a numerical one.
 *
 * Minimises χ² = Σ wᵢ (yᵢ − fᵢ(p))². Each step solves (JᵀWJ + λ·diag(JᵀWJ)) δ = JᵀW r (Marquardt's
 * scaling makes the step independent of the parameters' units) and clamps p + δ into the bounds;
 * λ falls ×10 after a step that lowers χ², rises ×10 otherwise. The Jacobian is the problem's
 * `jacobian` where given (the peak fits', issue 11: one pass instead of 2n model evaluations), else
 * by central differences (step 1e-6 of the parameter's typical size). Covariance: (JᵀWJ)⁻¹ at the minimum, scaled by the reduced χ² = χ²/(m − n), so the
 * errors also hold when σ is only known up to a factor (or not at all, w = 1).
 */

import { spdInverse, spdSolve } from "./linalg.js";

export interface LmProblem {
  /** Writes f(p) at every data point into out. */
  model: (p: Float64Array, out: Float64Array) => void;
  y: Float64Array;
  /** Weights 1/σ² (all 1 for an unweighted fit). */
  w: Float64Array;
  p0: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  /** Typical magnitude of each parameter, for difference steps and the convergence test. */
  typical: Float64Array;
  maxIterations?: number;
  /**
   * The Jacobian ∂fᵢ/∂pⱼ written into `cols` (n columns of m, zeroed), where the model has it in
   * closed form; without it, central differences (2 model evaluations per parameter).
   */
  jacobian?: (p: Float64Array, cols: Float64Array[]) => void;
}

export interface LmResult {
  p: Float64Array;
  chi2: number;
  chi2red: number;
  /** Covariance (n×n, row-major) scaled by χ²_red, rows and columns of parameters on a bound 0; null where JᵀWJ is singular. */
  cov: Float64Array | null;
  iterations: number;
  converged: boolean;
  /** Which parameters ended on a bound (their errors are not meaningful). */
  atBound: boolean[];
}

function chi2Of(y: Float64Array, w: Float64Array, f: Float64Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const d = y[i]! - f[i]!;
    s += w[i]! * d * d;
  }
  return s;
}

/** Weighted linear least squares: the coefficients of the columns that best fit y, or null. */
export function linearLeastSquares(
  cols: Float64Array[],
  y: Float64Array,
  w: Float64Array,
): Float64Array | null {
  const n = cols.length;
  const a = new Float64Array(n * n);
  const b = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const cr = cols[r]!;
    for (let c = r; c < n; c++) {
      const cc = cols[c]!;
      let s = 0;
      for (let i = 0; i < y.length; i++) s += w[i]! * cr[i]! * cc[i]!;
      a[r * n + c] = s;
      a[c * n + r] = s;
    }
    let s = 0;
    for (let i = 0; i < y.length; i++) s += w[i]! * cr[i]! * y[i]!;
    b[r] = s;
  }
  return spdSolve(a, b, n);
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), hi);
}

/** The Jacobian ∂fᵢ/∂pⱼ, column by column: the problem's own, else central differences (one-sided at a bound). */
function jacobian(pr: LmProblem, p: Float64Array, m: number): Float64Array[] {
  const n = p.length;
  if (pr.jacobian) {
    const cols = Array.from({ length: n }, () => new Float64Array(m));
    pr.jacobian(p, cols);
    return cols;
  }
  const cols: Float64Array[] = [];
  const fp = new Float64Array(m);
  const fm = new Float64Array(m);
  const q = Float64Array.from(p);
  for (let j = 0; j < n; j++) {
    const h = 1e-6 * Math.max(Math.abs(p[j]!), pr.typical[j]!);
    const up = Math.min(p[j]! + h, pr.upper[j]!);
    const dn = Math.max(p[j]! - h, pr.lower[j]!);
    q[j] = up;
    pr.model(q, fp);
    q[j] = dn;
    pr.model(q, fm);
    q[j] = p[j]!;
    const col = new Float64Array(m);
    const span = up - dn;
    if (span > 0) for (let i = 0; i < m; i++) col[i] = (fp[i]! - fm[i]!) / span;
    cols.push(col);
  }
  return cols;
}

export function levenbergMarquardt(pr: LmProblem): LmResult {
  const { y, w } = pr;
  const m = y.length;
  const n = pr.p0.length;
  const maxIt = pr.maxIterations ?? 200;
  let p = Float64Array.from(pr.p0, (v, j) => clamp(v, pr.lower[j]!, pr.upper[j]!));
  const f = new Float64Array(m);
  pr.model(p, f);
  let chi2 = chi2Of(y, w, f);
  let lambda = 1e-3;
  let converged = false;
  let it = 0;
  const trial = new Float64Array(m);
  const a = new Float64Array(n * n);
  const g = new Float64Array(n);
  for (; it < maxIt && !converged; it++) {
    const cols = jacobian(pr, p, m);
    for (let r = 0; r < n; r++) {
      for (let c = r; c < n; c++) {
        let s = 0;
        const cr = cols[r]!;
        const cc = cols[c]!;
        for (let i = 0; i < m; i++) s += w[i]! * cr[i]! * cc[i]!;
        a[r * n + c] = s;
        a[c * n + r] = s;
      }
      let s = 0;
      const cr = cols[r]!;
      for (let i = 0; i < m; i++) s += w[i]! * cr[i]! * (y[i]! - f[i]!);
      g[r] = s;
    }
    // active set: a parameter on a bound that χ² pushes further out is held there for this step
    const held = Array.from(p, (v, j) => {
      const tol = 1e-12 * Math.max(Math.abs(v), pr.typical[j]!);
      return (v - pr.lower[j]! <= tol && g[j]! < 0) || (pr.upper[j]! - v <= tol && g[j]! > 0);
    });
    let improved = false;
    while (lambda < 1e12) {
      const damped = Float64Array.from(a);
      for (let j = 0; j < n; j++) {
        if (held[j]) {
          for (let c = 0; c < n; c++) {
            damped[j * n + c] = 0;
            damped[c * n + j] = 0;
          }
          damped[j * n + j] = 1;
          continue;
        }
        // a parameter with no influence (zero column) still gets a finite diagonal
        const ajj = a[j * n + j]!;
        damped[j * n + j] = ajj > 0 ? ajj * (1 + lambda) : 1 + lambda;
      }
      const inv = spdInverse(damped, n);
      if (!inv) {
        lambda *= 10;
        continue;
      }
      const next = new Float64Array(n);
      let stepRel = 0;
      for (let r = 0; r < n; r++) {
        let s = 0;
        for (let c = 0; c < n; c++) if (!held[c]) s += inv[r * n + c]! * g[c]!;
        if (held[r]) s = 0;
        next[r] = clamp(p[r]! + s, pr.lower[r]!, pr.upper[r]!);
        stepRel = Math.max(stepRel, Math.abs(next[r]! - p[r]!) / Math.max(Math.abs(p[r]!), pr.typical[r]!));
      }
      pr.model(next, trial);
      const c2 = chi2Of(y, w, trial);
      if (Number.isFinite(c2) && c2 <= chi2) {
        const drop = chi2 - c2;
        p = next;
        f.set(trial);
        chi2 = c2;
        lambda = Math.max(lambda / 10, 1e-12);
        improved = true;
        if (stepRel < 1e-9 || drop <= 1e-10 * chi2) converged = true;
        break;
      }
      lambda *= 10;
      if (stepRel < 1e-12) {
        // the step has shrunk to nothing without lowering χ²: we are at the minimum
        converged = true;
        break;
      }
    }
    if (!improved && !converged) {
      // λ ran away: no direction lowers χ² any more, which is also a minimum (on a bound, or flat)
      converged = true;
    }
  }
  const dof = m - n;
  const chi2red = dof > 0 ? chi2 / dof : Number.NaN;
  const atBound = Array.from(p, (v, j) => {
    const tol = 1e-9 * Math.max(Math.abs(v), pr.typical[j]!);
    return v - pr.lower[j]! <= tol || pr.upper[j]! - v <= tol;
  });
  // covariance of the free parameters only: one held on a bound is as good as fixed there
  const free = [...Array(n).keys()].filter((j) => !atBound[j]);
  const k = free.length;
  const cols = jacobian(pr, p, m);
  const h = new Float64Array(k * k);
  for (let r = 0; r < k; r++) {
    for (let c = r; c < k; c++) {
      let s = 0;
      const cr = cols[free[r]!]!;
      const cc = cols[free[c]!]!;
      for (let i = 0; i < m; i++) s += w[i]! * cr[i]! * cc[i]!;
      h[r * k + c] = s;
      h[c * k + r] = s;
    }
  }
  const inv = k > 0 ? spdInverse(h, k) : new Float64Array(0);
  let cov: Float64Array | null = null;
  if (inv && Number.isFinite(chi2red)) {
    cov = new Float64Array(n * n);
    for (let r = 0; r < k; r++) {
      for (let c = 0; c < k; c++) cov[free[r]! * n + free[c]!] = inv[r * k + c]! * chi2red;
    }
  }
  return { p, chi2, chi2red, cov, iterations: it, converged, atBound };
}
