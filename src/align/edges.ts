/**
 * Edges of a transmission line scan: a piecewise-constant transmission blurred by the beam, fitted
 * as a sum of error-function steps,
 *
 *   T(u) = L₀ + Σₖ (Lₖ − Lₖ₋₁) · ½[1 + erf((u − eₖ) / (√2 σₖ))],
 *
 * with plateaus L₀…L_K, edge positions e₁ < … < e_K and widths σₖ (the σ of the Gaussian the
 * sharp edge is blurred with: beam height and edge roughness together; a uniform beam of height h
 * gives σ ≈ h/√12). Fitted by weighted Levenberg–Marquardt (numeric/), weights 1/σ_T² from the
 * counting statistics with a floor (SIGMA_FLOOR); the
 * 1σ errors come from the covariance scaled by χ²_red, as scipy's curve_fit(absolute_sigma=False).
 *
 * How many edges: edges are added one at a time (each where the residual steps most, away from the
 * edges already found) while the F-test says the drop in χ² is significant (p < 0.001):
 * F = [(χ²_K − χ²_{K+1}) / 3] / [χ²_{K+1} / (m − p_{K+1})]. The F-test rather than BIC because it
 * weighs the drop against the residual scatter of the larger model, so it needs no absolute noise
 * level: a real scan's scatter exceeds Poisson's (monitor and beam drift), and the erf only
 * approximates the beam's profile, so with 10⁵ counts per point BIC's known-σ penalty would keep
 * "finding" edges in the shape mismatch. An edge closer than 2σ to another is not resolved by the
 * beam, one whose step is below 3 of its errors is not supported, and one whose position error
 * exceeds its width (or the point spacing) is not located: all three are refused.
 */
import { type LmResult, levenbergMarquardt } from "../numeric/index.js";
import { InputError } from "../util/index.js";
import type { LineScan } from "./read.js";
import { erf, fDistributionSf } from "./special.js";

/** Significance level of the F-test that admits one more edge. */
export const EDGE_ALPHA = 1e-3;
/**
 * The error of T is never taken below this fraction of the scan's transmission range. Counting
 * statistics alone (10⁵ monitor counts: 0.1 % at T = 0.15, 10⁻⁵ where the beam is blocked) would
 * let the dark plateaus outweigh everything: there the tail of the erf, which only approximates
 * the beam's profile (a top-hat beam gives a linear ramp), would be "fitted" with spurious extra
 * edges. 0.5 % is what monitor-to-diode normalisation and beam drift usually allow.
 */
export const SIGMA_FLOOR = 0.005;
/** At most this many edges. */
export const MAX_EDGES = 12;
/** σ of a Gaussian → its full width at half maximum. */
export const FWHM_PER_SIGMA = 2 * Math.sqrt(2 * Math.LN2);

export interface Edge {
  /** Position eₖ [mm] and its 1σ error. */
  posMm: number;
  posErrMm: number;
  /** Width σₖ of the erf [mm] and its 1σ error. */
  widthMm: number;
  widthErrMm: number;
  /** The step in transmission, Lₖ − Lₖ₋₁, and its 1σ error. */
  step: number;
  stepErr: number;
  /** A parameter of this edge ended on its bound: its errors are not meaningful. */
  atBound: boolean;
}

export interface Plateau {
  transmission: number;
  err: number;
}

export interface ModelStep {
  edges: number;
  chi2: number;
  /** F-test p-value of this model against the one with an edge less (null for the first). */
  pValue: number | null;
  accepted: boolean;
  why?: string;
}

export interface EdgeFit {
  edges: Edge[];
  /** K + 1 plateaus, lowest position first. */
  plateaus: Plateau[];
  chi2: number;
  chi2red: number;
  points: number;
  parameters: number;
  /** How the number of edges was chosen: each model tried, its p-value and verdict. */
  selection: ModelStep[];
  converged: boolean;
}

/** An edge to start a fit from. */
export interface EdgeGuess {
  posMm: number;
  widthMm: number;
}

/** The model at every position for parameters [L₀…L_K, e₁…e_K, σ₁…σ_K]; k = number of edges. */
export function edgeModel(pos: Float64Array, k: number, p: Float64Array, out: Float64Array): void {
  const s2 = Math.SQRT2;
  for (let i = 0; i < pos.length; i++) {
    let v = p[0]!;
    for (let j = 0; j < k; j++) {
      const step = p[j + 1]! - p[j]!;
      v += step * 0.5 * (1 + erf((pos[i]! - p[k + 1 + j]!) / (s2 * p[2 * k + 1 + j]!)));
    }
    out[i] = v;
  }
}

/** Spacing statistics of the positions: the smallest and the median gap between points [mm]. */
function spacing(pos: Float64Array): { min: number; median: number } {
  const d: number[] = [];
  for (let i = 1; i < pos.length; i++) if (pos[i]! > pos[i - 1]!) d.push(pos[i]! - pos[i - 1]!);
  d.sort((a, b) => a - b);
  return { min: d[0] ?? 1, median: d[d.length >> 1] ?? 1 };
}

/** Median of T over [a, b), or null when no point falls there. */
function medianBetween(scan: LineScan, a: number, b: number): number | null {
  const v: number[] = [];
  for (let i = 0; i < scan.posMm.length; i++)
    if (scan.posMm[i]! >= a && scan.posMm[i]! < b) v.push(scan.transmission[i]!);
  if (v.length === 0) return null;
  v.sort((x, y) => x - y);
  return v[v.length >> 1]!;
}

/**
 * Fit K = guesses.length edges from these starting values. Each edge is bounded by its neighbours'
 * starting positions (so the edges keep their order), each width between a twentieth of the
 * smallest point spacing and a quarter of the scan.
 */
export function fitEdgesFrom(scan: LineScan, guesses: EdgeGuess[]): { lm: LmResult; k: number } {
  const g = [...guesses].sort((a, b) => a.posMm - b.posMm);
  const k = g.length;
  const { posMm: pos, transmission: t } = scan;
  const m = pos.length;
  const lo = pos[0]!;
  const hi = pos[m - 1]!;
  const range = hi - lo;
  const sp = spacing(pos);
  let tMin = Number.POSITIVE_INFINITY;
  let tMax = Number.NEGATIVE_INFINITY;
  for (const v of t) {
    tMin = Math.min(tMin, v);
    tMax = Math.max(tMax, v);
  }
  const tSpan = Math.max(tMax - tMin, 1e-6);
  const n = 3 * k + 1;
  const p0 = new Float64Array(n);
  const lower = new Float64Array(n);
  const upper = new Float64Array(n);
  const typical = new Float64Array(n);
  const cuts = [Number.NEGATIVE_INFINITY, ...g.map((e) => e.posMm), Number.POSITIVE_INFINITY];
  for (let j = 0; j <= k; j++) {
    // the plateau between two edges: the median of the points well inside it
    const a = cuts[j]! + (j > 0 ? g[j - 1]!.widthMm : 0);
    const b = cuts[j + 1]! - (j < k ? g[j]!.widthMm : 0);
    p0[j] = medianBetween(scan, a, b) ?? medianBetween(scan, cuts[j]!, cuts[j + 1]!) ?? (tMin + tMax) / 2;
    lower[j] = tMin - tSpan;
    upper[j] = tMax + tSpan;
    typical[j] = tSpan;
  }
  for (let j = 0; j < k; j++) {
    p0[k + 1 + j] = g[j]!.posMm;
    lower[k + 1 + j] = j > 0 ? g[j - 1]!.posMm : lo;
    upper[k + 1 + j] = j < k - 1 ? g[j + 1]!.posMm : hi;
    typical[k + 1 + j] = range;
    const sLo = sp.min / 20;
    const sHi = range / 4;
    p0[2 * k + 1 + j] = Math.min(Math.max(g[j]!.widthMm, sLo), sHi);
    lower[2 * k + 1 + j] = sLo;
    upper[2 * k + 1 + j] = sHi;
    typical[2 * k + 1 + j] = sp.median;
  }
  const w = Float64Array.from(scan.sigmaT, (s) => 1 / (s * s));
  const lm = levenbergMarquardt({
    model: (p, out) => edgeModel(pos, k, p, out),
    y: t,
    w,
    p0,
    lower,
    upper,
    typical,
    maxIterations: 400,
  });
  return { lm, k };
}

/** The result of a fit as edges and plateaus with their errors. */
export function describeFit(lm: LmResult, k: number, m: number, selection: ModelStep[]): EdgeFit {
  const n = 3 * k + 1;
  const p = lm.p;
  const cov = (a: number, b: number) => (lm.cov ? lm.cov[a * n + b]! : Number.NaN);
  const err = (a: number) => Math.sqrt(Math.max(cov(a, a), 0));
  const plateaus = Array.from({ length: k + 1 }, (_, j) => ({ transmission: p[j]!, err: err(j) }));
  const edges = Array.from({ length: k }, (_, j): Edge => {
    const ie = k + 1 + j;
    const is = 2 * k + 1 + j;
    // var(Lⱼ₊₁ − Lⱼ) = var Lⱼ₊₁ + var Lⱼ − 2 cov
    const stepVar = cov(j + 1, j + 1) + cov(j, j) - 2 * cov(j, j + 1);
    return {
      posMm: p[ie]!,
      posErrMm: err(ie),
      widthMm: p[is]!,
      widthErrMm: err(is),
      step: p[j + 1]! - p[j]!,
      stepErr: Math.sqrt(Math.max(stepVar, 0)),
      atBound: lm.atBound[ie]! || lm.atBound[is]!,
    };
  });
  return {
    edges,
    plateaus,
    chi2: lm.chi2,
    chi2red: lm.chi2red,
    points: m,
    parameters: n,
    selection,
    converged: lm.converged,
  };
}

/**
 * Where the residual steps most, away from the edges already found: for each gap between points,
 * the difference of the mean residual over `w` points on either side, in units of its error.
 * Local maxima, strongest first.
 */
function stepCandidates(
  scan: LineScan,
  resid: Float64Array,
  exclude: [number, number][],
  w = 3,
): EdgeGuess[] {
  const { posMm: pos, sigmaT: s } = scan;
  const m = pos.length;
  const score = new Float64Array(m);
  for (let i = 0; i + 1 < m; i++) {
    let a = 0;
    let va = 0;
    let na = 0;
    for (let j = Math.max(0, i - w + 1); j <= i; j++, na++) {
      a += resid[j]!;
      va += s[j]! * s[j]!;
    }
    let b = 0;
    let vb = 0;
    let nb = 0;
    for (let j = i + 1; j <= Math.min(m - 1, i + w); j++, nb++) {
      b += resid[j]!;
      vb += s[j]! * s[j]!;
    }
    score[i] = Math.abs(b / nb - a / na) / Math.sqrt(va / (na * na) + vb / (nb * nb));
  }
  const sp = spacing(pos).median;
  const out: (EdgeGuess & { score: number })[] = [];
  for (let i = 0; i + 1 < m; i++) {
    const at = (pos[i]! + pos[i + 1]!) / 2;
    if (exclude.some(([c, r]) => Math.abs(at - c) < r)) continue;
    const left = i > 0 ? score[i - 1]! : -1;
    const right = i + 2 < m ? score[i + 1]! : -1;
    if (score[i]! >= left && score[i]! > right) out.push({ posMm: at, widthMm: sp, score: score[i]! });
  }
  return out.sort((a, b) => b.score - a.score).map(({ posMm, widthMm }) => ({ posMm, widthMm }));
}

/** Why a fitted model is refused although its χ² dropped (edges not resolved, or a step not supported). */
function refusal(f: EdgeFit, spacingMm: number): string | undefined {
  const e = f.edges;
  for (const x of e)
    if (!(x.posErrMm <= Math.max(x.widthMm, spacingMm)))
      return `the edge at ${x.posMm.toFixed(4)} mm is not located (error ${x.posErrMm.toPrecision(2)} mm)`;
  for (let j = 1; j < e.length; j++) {
    const gap = e[j]!.posMm - e[j - 1]!.posMm;
    if (gap < 2 * Math.max(e[j]!.widthMm, e[j - 1]!.widthMm))
      return `edges at ${e[j - 1]!.posMm.toFixed(4)} and ${e[j]!.posMm.toFixed(4)} mm are closer than 2σ`;
  }
  for (const x of e)
    if (!(Math.abs(x.step) >= 3 * x.stepErr))
      return `the step at ${x.posMm.toFixed(4)} mm is below 3 of its errors`;
  return undefined;
}

/** The scan with the error floor (a fraction of its transmission range) added to σ_T in quadrature. */
export function withFloor(scan: LineScan, floor: number): LineScan {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of scan.transmission) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const f = floor * (hi - lo);
  return { ...scan, sigmaT: Float64Array.from(scan.sigmaT, (s) => Math.hypot(s, f)) };
}

export interface FindEdgesOptions {
  /**
   * Error floor of T as a fraction of the scan's transmission range (default SIGMA_FLOOR), added in
   * quadrature to the counting error.
   */
  sigmaFloor?: number;
  /** Significance level of the F-test (default EDGE_ALPHA). */
  alpha?: number;
  maxEdges?: number;
  /** Starting candidates tried for each new edge (default 6; pairs of the first 4). */
  candidates?: number;
}

interface Trial {
  fit: EdgeFit;
  lm: LmResult;
  /** F-test p-value against the current model. */
  p: number;
  k: number;
  why?: string;
}

/**
 * The best model with one edge more, or two (a layer seen against a flat background only shows as
 * a pair: one erf step alone cannot fit a top hat better than the flat line), started from the
 * current edges and the candidates: among the models that pass the checks, the most significant.
 */
function bestTrial(
  scan: LineScan,
  guesses: EdgeGuess[],
  cands: EdgeGuess[],
  chi2: number,
  maxEdges: number,
  spacingMm: number,
): Trial | null {
  const m = scan.posMm.length;
  const trials: EdgeGuess[][] = cands.map((c) => [c]);
  for (let a = 0; a < Math.min(cands.length, 4); a++)
    for (let b = a + 1; b < Math.min(cands.length, 4); b++) trials.push([cands[a]!, cands[b]!]);
  let next: Trial | null = null;
  for (const add of trials) {
    const k = guesses.length + add.length;
    const dof = m - (3 * k + 1);
    if (k > maxEdges || dof < 2) continue;
    const { lm } = fitEdgesFrom(scan, [...guesses, ...add]);
    const fit = describeFit(lm, k, m, []);
    const d1 = 3 * add.length;
    const f = (chi2 - lm.chi2) / d1 / (lm.chi2 / dof);
    const p = lm.chi2 < chi2 ? fDistributionSf(f, d1, dof) : 1;
    const why = refusal(fit, spacingMm);
    const better =
      !next ||
      (why === undefined && next.why !== undefined) ||
      ((why === undefined) === (next.why === undefined) && p < next.p);
    if (better) next = { fit, lm, p, k, ...(why !== undefined && { why }) };
  }
  return next;
}

/**
 * Find the edges of a line scan: add edges while the F-test supports them (module comment), and
 * return the last accepted model with the trail of the models tried.
 */
export function findEdges(raw: LineScan, opts: FindEdgesOptions = {}): EdgeFit {
  const scan = withFloor(raw, opts.sigmaFloor ?? SIGMA_FLOOR);
  const alpha = opts.alpha ?? EDGE_ALPHA;
  const maxEdges = opts.maxEdges ?? MAX_EDGES;
  const m = scan.posMm.length;
  if (m < 5)
    throw new InputError(
      scan.file,
      `the ${scan.direction} scan has ${m} point${m === 1 ? "" : "s"}; one edge has 4 parameters, so at least 5 are needed`,
    );
  // K = 0: one plateau, the weighted mean
  let sw = 0;
  let swt = 0;
  for (let i = 0; i < m; i++) {
    const wi = 1 / scan.sigmaT[i]! ** 2;
    sw += wi;
    swt += wi * scan.transmission[i]!;
  }
  const mean = swt / sw;
  let chi2 = 0;
  for (let i = 0; i < m; i++) chi2 += ((scan.transmission[i]! - mean) / scan.sigmaT[i]!) ** 2;
  const selection: ModelStep[] = [{ edges: 0, chi2, pValue: null, accepted: true }];
  const sp = spacing(scan.posMm).median;
  let best: EdgeFit | null = null;
  let resid = Float64Array.from(scan.transmission, (v) => v - mean);
  let guesses: EdgeGuess[] = [];
  for (;;) {
    // the erf is only an approximation of the beam's profile: near an edge found, the residual
    // keeps the shape mismatch, which is no new edge (the 2σ rule below refuses those anyway)
    const exclude = (best?.edges ?? []).map((e): [number, number] => [e.posMm, 3 * e.widthMm + sp]);
    const cands = stepCandidates(scan, resid, exclude).slice(0, opts.candidates ?? 6);
    const next = bestTrial(scan, guesses, cands, chi2, maxEdges, sp);
    if (!next) break;
    const accepted = next.p < alpha && next.why === undefined;
    selection.push({
      edges: next.k,
      chi2: next.lm.chi2,
      pValue: next.p,
      accepted,
      ...(!accepted && { why: next.why ?? `F-test p = ${next.p.toPrecision(3)} ≥ ${alpha}` }),
    });
    if (!accepted) break;
    best = next.fit;
    chi2 = next.lm.chi2;
    guesses = best.edges.map((e) => ({ posMm: e.posMm, widthMm: e.widthMm }));
    const f = new Float64Array(m);
    edgeModel(scan.posMm, next.k, next.lm.p, f);
    resid = Float64Array.from(scan.transmission, (v, i) => v - f[i]!);
  }
  if (!best)
    throw new InputError(scan.file, `no edge in the ${scan.direction} scan: the transmission is flat`);
  return { ...best, selection };
}
