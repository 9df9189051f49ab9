/**
 * Regions: label each scan row anode | separator | cathode | other, respecting the stack order the
 * user states (lowest y first).
 *
 * A row's beam footprint (height h along the stack) may cross several layers, and what the row
 * shows — its transmission, its scattered intensity in a set of q bands — is then the
 * footprint-weighted sum of what each layer shows alone. Rather than asking which layer a row looks
 * like (which fails on rows the footprint splits, and on layers too thin for any row to see alone,
 * like a liquid cell's Li foil), we fit that forward model: the boundaries between the stack's
 * layers and h, with each layer's features solved for (non-negative least squares) at every trial
 * geometry. The layers' signatures come out of the scan itself; nothing assumes which material
 * gives which signal, so a solid-state cell with an In anode and a liquid cell with a Li foil are
 * handled alike. A row is labelled with the role that takes most of its footprint, as the eye
 * would; an even split (shares within `TIE`) goes to the role that comes first in the stack, a
 * convention, since no measurement can settle it (the twin's truth breaks ties the same way).
 *
 * When the scan shows fewer distinct layers than the stack states, the surplus fitted layers are
 * unsupported (unseen, or a mere mix of their neighbours: a split row passing for a layer of its
 * own); the fit is redone with fewer layers, and only then are roles told apart by their traits
 * (`assignLayers`). Hand-set rows are fixed, and the rest follow the stack order around them.
 */
import { cholesky, cholSolve, GRAM_FLOOR, levenbergMarquardt, nnlsGram } from "../numeric/index.js";
export type Role = "anode" | "separator" | "cathode" | "other";

/**
 * Two roles whose footprint shares differ by less than this count as an even split: a boundary
 * within ±1.25 % of a footprint from the row's centre, finer than the fit places a thin layer
 * that no row sees alone (its share trades off against its signature, to about ±1 %).
 */
export const TIE = 0.025;

/** Footprint heights tried, in scan steps (the beam is rarely much narrower or wider than a step). */
const H_MIN = 0.3;
const H_MAX = 3;

/** The footprint model fitted with m ordered layers. */
export interface StackFit {
  /** Boundary between layers k and k+1 (k = 0 … m−2), in rows: row r's centre is at r. */
  boundaries: number[];
  /** Footprint height along the stack, in rows (scan steps). */
  footprint: number;
  /** fractions[r][k]: share of row r's footprint on layer k. */
  fractions: number[][];
  /** signatures[k][j]: feature j of layer k alone, in the scaled units of the fit. */
  signatures: number[][];
  /** Residual sum of squares of the scaled features. */
  sse: number;
}

/** Share of each stack layer in each row's box footprint of height h (rows), boundaries c. */
export function footprintFractions(rows: number, c: readonly number[], h: number): number[][] {
  const m = c.length + 1;
  return Array.from({ length: rows }, (_, r) => {
    const lo = r - h / 2;
    const hi = r + h / 2;
    return Array.from({ length: m }, (_, k) => {
      const a = k === 0 ? Number.NEGATIVE_INFINITY : c[k - 1]!;
      const b = k === m - 1 ? Number.POSITIVE_INFINITY : c[k]!;
      return Math.max(0, Math.min(hi, b) - Math.max(lo, a)) / h;
    });
  });
}

/**
 * Scale each feature to its largest magnitude over the rows, so that transmission and band
 * intensities (different units, decades apart) weigh alike; non-finite values count as 0.
 */
export function scaleFeatures(x: readonly (readonly number[])[]): number[][] {
  const d = x[0]?.length ?? 0;
  const max = new Array<number>(d).fill(0);
  const clean = x.map((row) => row.map((v) => (Number.isFinite(v) ? v : 0)));
  for (const row of clean) for (let j = 0; j < d; j++) max[j] = Math.max(max[j]!, Math.abs(row[j]!));
  return clean.map((row) => row.map((v, j) => (max[j]! > 0 ? v / max[j]! : 0)));
}

/**
 * Piecewise-constant start: the m ordered (possibly empty) runs of rows, cut between rows, that
 * leave the least scatter about each run's mean. Returns the cuts as boundaries (in rows).
 */
function segmentStart(x: number[][], m: number): number[] {
  const n = x.length;
  const d = x[0]?.length ?? 0;
  // prefix sums of each feature and of the squared norm
  const ps = Array.from({ length: n + 1 }, () => new Float64Array(d));
  const pq = new Float64Array(n + 1);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < d; j++) ps[r + 1]![j] = ps[r]![j]! + x[r]![j]!;
    pq[r + 1] = pq[r]! + x[r]!.reduce((s, v) => s + v * v, 0);
  }
  const cost = (a: number, b: number) => {
    if (b <= a) return 0;
    let s = pq[b]! - pq[a]!;
    for (let j = 0; j < d; j++) s -= (ps[b]![j]! - ps[a]![j]!) ** 2 / (b - a);
    return s;
  };
  // best[k][i]: rows 0..i−1 cut into layers 0..k
  const best = Array.from({ length: m }, () => new Float64Array(n + 1).fill(Number.POSITIVE_INFINITY));
  const from = Array.from({ length: m }, () => new Int32Array(n + 1));
  for (let i = 0; i <= n; i++) best[0]![i] = cost(0, i);
  for (let k = 1; k < m; k++) {
    for (let i = 0; i <= n; i++) {
      for (let a = 0; a <= i; a++) {
        const v = best[k - 1]![a]! + cost(a, i);
        if (v < best[k]![i]!) {
          best[k]![i] = v;
          from[k]![i] = a;
        }
      }
    }
  }
  const cuts = new Array<number>(m - 1);
  let i = n;
  for (let k = m - 1; k >= 1; k--) {
    i = from[k]![i]!;
    cuts[k - 1] = i - 0.5;
  }
  return cuts;
}

/**
 * The footprint model for fixed features x (rows × d, scaled): for trial boundaries c and height
 * h, the layers' signatures S ≥ 0 that best explain x ≈ F(c, h)·S, and the residual.
 */
function stackModel(x: number[][], m: number) {
  const n = x.length;
  const d = x[0]?.length ?? 0;
  const xs = Float64Array.from(x.flat());
  const f = new Float64Array(n * m);
  const a = new Float64Array(m * m);
  const bAll = new Float64Array(m * d);
  const b = new Float64Array(m);
  const col = new Float64Array(m);
  const l = new Float64Array(m * m);
  const sig = new Float64Array(m * d);
  /** Residuals x − F·S (rows × d, row-major) into `res`; returns their sum of squares. */
  const fit = (c: readonly number[], h: number, res?: Float64Array, out?: number[][]): number => {
    for (let r = 0; r < n; r++) {
      const lo = r - h / 2;
      const hi = r + h / 2;
      for (let k = 0; k < m; k++) {
        const ka = k === 0 ? Number.NEGATIVE_INFINITY : c[k - 1]!;
        const kb = k === m - 1 ? Number.POSITIVE_INFINITY : c[k]!;
        f[r * m + k] = Math.max(0, Math.min(hi, kb) - Math.max(lo, ka)) / h;
      }
    }
    a.fill(0);
    bAll.fill(0);
    for (let r = 0; r < n; r++) {
      for (let i = 0; i < m; i++) {
        const fi = f[r * m + i]!;
        if (fi === 0) continue;
        for (let k = 0; k < m; k++) a[i * m + k]! += fi * f[r * m + k]!;
        for (let j = 0; j < d; j++) bAll[i * d + j]! += fi * xs[r * d + j]!;
      }
    }
    // a small ridge keeps layers that no footprint reaches (absent from the scan) at zero
    for (let i = 0; i < m; i++) a[i * m + i]! += 1e-9;
    // Cholesky of A once, for all the features
    cholesky(a, m, l, { floor: GRAM_FLOOR });
    for (let j = 0; j < d; j++) {
      for (let i = 0; i < m; i++) b[i] = bAll[i * d + j]!;
      cholSolve(l, m, b, col);
      if (col.some((v) => v < 0)) nnlsGram(a, b, m, col);
      for (let i = 0; i < m; i++) {
        sig[i * d + j] = col[i]!;
        if (out) out[i]![j] = col[i]!;
      }
    }
    let sse = 0;
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < d; j++) {
        let v = xs[r * d + j]!;
        for (let i = 0; i < m; i++) v -= f[r * m + i]! * sig[i * d + j]!;
        if (res) res[r * d + j] = v;
        sse += v * v;
      }
    }
    return sse;
  };
  /**
   * How far the last fit's signatures exceed the brightest row, feature by feature (the features
   * are scaled so that it is 1): into `res` from `at` (times w), and the sum of the squares.
   */
  const excess = (res?: Float64Array, at = 0, w = 1): number => {
    let v = 0;
    for (let q = 0; q < sig.length; q++) {
      const e = Math.max(0, sig[q]! - 1);
      if (res) res[at + q] = w * e;
      v += e * e;
    }
    return v;
  };
  return { fit, excess, size: n * d, nSig: m * d };
}

/**
 * Fit the footprint model to the rows' features (rows × features, any units): boundaries between
 * the m stack layers and the footprint height. From the piecewise-constant start, a grid search of
 * each parameter over its whole range finds the basin (the objective has kinks where a footprint
 * edge meets a boundary, and several minima); Levenberg–Marquardt on the residuals, with the
 * layers' signatures solved for at each trial (variable projection), then converges in it — the
 * boundaries and the footprint are coupled (a row's share depends on (c − r)/h), a long curved
 * valley that searching one parameter at a time would only creep along. Where the data cannot tell
 * geometries apart, a tie-break (see `tieBreak`) takes the one with no layer brighter than the rows.
 */
export function fitStack(features: readonly (readonly number[])[], m: number): StackFit {
  const x = scaleFeatures(features);
  const n = x.length;
  if (n === 0 || m < 1) return { boundaries: [], footprint: 1, fractions: [], signatures: [], sse: 0 };
  const model = stackModel(x, m);
  // boundaries this far out leave the layer beyond them outside every footprint
  const lo = -0.5 - H_MAX / 2;
  const hi = n - 0.5 + H_MAX / 2;
  // parameters: the m−1 boundaries, then h; kept ordered and in range
  const p = m;
  const start = segmentStart(x, m).map((v) => Math.min(hi, Math.max(lo, v)));
  let th: number[] = [];
  const plain = (t: number[], res?: Float64Array) => model.fit(t.slice(0, m - 1), t[m - 1]!, res);
  // the objective: the residual, plus (in the tie-break only, mu > 0) mu times the squared excess
  // brightness of the signatures, as residuals appended to the rows' ones
  let mu = 0;
  const sseOf = (t: number[], res?: Float64Array) => {
    const e = plain(t, res);
    return mu === 0 ? e : e + mu * model.excess(res, model.size, Math.sqrt(mu));
  };
  let sse = 0;

  // one parameter over [a, b]: a 0.1-row grid, then two finer grids around the best point
  const search = (i: number, a: number, b: number, shift: number[] = [i]) => {
    const t0 = th.slice();
    const at = (v: number) => {
      const t = t0.slice();
      for (const k of shift) t[k] = t0[k]! + (v - t0[i]!);
      return sseOf(t);
    };
    let best = t0[i]!;
    let bestF = sse;
    let step = 0.1;
    let from = a;
    let to = b;
    for (let level = 0; level < 3; level++) {
      const k = Math.ceil((to - from) / step);
      for (let j = 0; j <= k; j++) {
        const v = Math.min(b, from + j * step);
        const fv = at(v);
        if (fv < bestF) {
          bestF = fv;
          best = v;
        }
      }
      from = Math.max(a, best - step);
      to = Math.min(b, best + step);
      step /= 10;
    }
    for (const k of shift) th[k] = t0[k]! + (best - t0[i]!);
    sse = bestF;
  };
  const gridRound = () => {
    for (let k = 0; k < m - 1; k++) search(k, k === 0 ? lo : th[k - 1]!, k === m - 2 ? hi : th[k + 1]!);
    // a layer may need to move as a whole (both its boundaries), e.g. a thin one started in the
    // wrong place
    for (let k = 0; k + 1 < m - 1; k++) {
      const w = th[k + 1]! - th[k]!;
      const b = (k + 1 === m - 2 ? hi : th[k + 2]!) - w;
      const a = k === 0 ? lo : th[k - 1]!;
      if (b > a) search(k, a, b, [k, k + 1]);
    }
    search(m - 1, H_MIN, H_MAX);
  };

  // convergence by the shared Levenberg–Marquardt on the residuals (y = 0, f = the residuals).
  // Its bounds are boxes; the boundaries' order is kept by sorting them inside the model instead,
  // which leaves the objective continuous (two boundaries that cross pass through a layer of zero
  // width, where either order gives the same fractions).
  const sorted = (t: Float64Array) => {
    const out = Array.from(t);
    const c = out.slice(0, m - 1).sort((u, v) => u - v);
    for (let k = 0; k < m - 1; k++) out[k] = c[k]!;
    return out;
  };
  const nRes = model.size + model.nSig;
  const converge1 = () => {
    const r = levenbergMarquardt({
      model: (t, out) => {
        out.fill(0);
        sseOf(sorted(t), out);
      },
      y: new Float64Array(nRes),
      w: new Float64Array(nRes).fill(1),
      p0: Float64Array.from(th),
      lower: Float64Array.from({ length: p }, (_, i) => (i < m - 1 ? lo : H_MIN)),
      upper: Float64Array.from({ length: p }, (_, i) => (i < m - 1 ? hi : H_MAX)),
      typical: new Float64Array(p).fill(1),
    });
    const t = sorted(r.p);
    const e = sseOf(t);
    if (e < sse) {
      th = t;
      sse = e;
    }
  };

  // from each start: a few rounds of basin finding and convergence, until a grid round no longer
  // helps. Several footprint heights to start from, since a mixed row can pass for a layer of its
  // own when the footprint is taken too small, a local minimum the searches do not leave.
  const converge = () => {
    sse = sseOf(th);
    for (let round = 0; round < 4; round++) {
      const before = sse;
      gridRound();
      converge1();
      if (before - sse <= 1e-9 * before) break;
    }
  };

  /**
   * The tie-break. The fit can be degenerate: a bright layer seen by one row next to a dim one (an
   * In foil against the plunger) fits as well with the boundary between them anywhere in that
   * row's footprint — "the row is all anode" or "a fraction f of it is an anode 1/f times brighter,
   * the rest plunger" — since nothing bounds a signature from above; and the brighter variant has
   * a signature free to soak up a neighbour's noise, so noise, not the data, picks the boundary.
   * Physically a layer shows no more of any feature than the brightest row does unless the data
   * demand it (a layer thinner than every footprint): a row no footprint fully covers would need
   * to be brighter than its own layers. So among the geometries whose residual is within noise of
   * the best, take the one whose signatures exceed the brightest row (1 in the scaled units) the
   * least. "Within noise": the best residual plus one row's worth of it, d·σ² with σ² the best
   * residual per degree of freedom — the most that a signature set free to fit one row's noise
   * gains (a single-parameter Δχ² = 1 is too tight for that). Fits with no excess (every layer as
   * dim as a row), and noise-free rows (σ = 0), are left as they are, so the tie-break never
   * trades fit for brightness beyond the noise. Solved as the penalised fit residual + μ·excess²,
   * μ the largest (by bisection) that keeps the residual within the bound (a Lagrangian: unlike a
   * coordinate search it spends the allowed residual only where the excess falls). A penalised
   * search that finds a better plain fit makes that the best one.
   */
  const tieBreak = (t0: number[], sse0: number): number[] => {
    const d = x[0]?.length ?? 0;
    const dof = n * d - m * d - p;
    plain(t0);
    const excess0 = model.excess();
    if (!(sse0 > 0) || excess0 === 0 || dof <= 0) return t0;
    const slack = d / dof;
    let best = sse0;
    let bound = sse0 * (1 + slack);
    let feasible = t0;
    let muLo = 0;
    let muHi = Number.POSITIVE_INFINITY;
    // to start, a weight at which the excess costs as much as the bound allows
    let tryMu = (bound - sse0) / excess0;
    for (let it = 0; it < 8; it++) {
      mu = tryMu;
      th = feasible.slice();
      converge();
      mu = 0;
      const e = plain(th);
      const left = model.excess();
      if (e < best) {
        best = e;
        bound = e * (1 + slack);
        if (plain(feasible) > bound) feasible = th;
      }
      if (e <= bound) {
        feasible = th;
        muLo = tryMu;
        if (left === 0) break;
      } else muHi = tryMu;
      tryMu = Number.isFinite(muHi) ? Math.sqrt(Math.max(muLo, muHi / 64) * muHi) : tryMu * 8;
    }
    return feasible;
  };

  let bestTh = th;
  let bestSse = Number.POSITIVE_INFINITY;
  for (const h0 of [1, 0.6, 1.5, 2.2]) {
    th = [...start, h0];
    converge();
    if (sse < bestSse) {
      bestSse = sse;
      bestTh = th;
    }
  }
  th = tieBreak(bestTh, bestSse);
  const c = th.slice(0, m - 1);
  const h = th[m - 1]!;
  const signatures = Array.from({ length: m }, () => new Array<number>(x[0]?.length ?? 0).fill(0));
  sse = model.fit(c, h, undefined, signatures);
  return { boundaries: c, footprint: h, fractions: footprintFractions(n, c, h), signatures, sse };
}

/** Each row's features, each adding up linearly over the layers its footprint crosses. */
export interface RowFeatures {
  /** Transmission of each row (it/i0 relative to the empty cell's). */
  transmission: number[];
  /** Per row, the mean SAXS intensity in bands of increasing q (not divided by the transmission). */
  saxs: number[][];
  /** Per row, the mean WAXS intensity in bands (not divided by the transmission). */
  waxs: number[][];
}

/** A layer seen in less than this share of every footprint is not in the scan. */
const SEEN = 0.02;
/**
 * A fitted layer this close to a mix of its neighbours, relative to the largest distance between
 * two fitted layers, is that mix and not a layer (the twin's real layers sit at 0.4 or more).
 */
const ARTEFACT = 0.1;

const dist = (a: readonly number[], b: readonly number[]) =>
  Math.sqrt(a.reduce((s, v, j) => s + (v - b[j]!) ** 2, 0));

/** Distance from s to the nearest mix α·a + (1 − α)·b, α ∈ [0, 1]. */
function mixDistance(s: readonly number[], a: readonly number[], b: readonly number[]): number {
  let dd = 0;
  let de = 0;
  for (let j = 0; j < s.length; j++) {
    dd += (a[j]! - b[j]!) ** 2;
    de += (a[j]! - b[j]!) * (s[j]! - b[j]!);
  }
  const al = dd > 0 ? Math.min(1, Math.max(0, de / dd)) : 0;
  return dist(
    s,
    a.map((v, j) => al * v + (1 - al) * b[j]!),
  );
}

/**
 * Layers of a fit that the scan does not support: unseen, or no different from a mix of their
 * neighbours (a stack with more layers than the scan shows fits a row the footprint splits as a
 * "layer" of its own, or splits one material in two).
 */
function unsupported(fit: StackFit): boolean[] {
  const m = fit.signatures.length;
  const seen = fit.signatures.map((_, k) => fit.fractions.some((fr) => fr[k]! >= SEEN));
  const idx = [...seen.keys()].filter((k) => seen[k]);
  let spread = 0;
  for (const i of idx)
    for (const j of idx) spread = Math.max(spread, dist(fit.signatures[i]!, fit.signatures[j]!));
  const out = seen.map((v) => !v);
  idx.forEach((k, i) => {
    const s = fit.signatures[k]!;
    const a = i > 0 ? fit.signatures[idx[i - 1]!] : undefined;
    const b = i + 1 < idx.length ? fit.signatures[idx[i + 1]!] : undefined;
    const d = a && b ? mixDistance(s, a, b) : a ? dist(s, a) : b ? dist(s, b) : Number.POSITIVE_INFINITY;
    if (d < ARTEFACT * spread) out[k] = true;
  });
  return m > 1 ? out : out.map(() => false);
}

/**
 * Which stack layer each of the K < m fitted layers is, in order, when the scan shows fewer
 * layers than the stack states. Only then do roles need telling apart, by two traits any cell
 * has: its ends (current collector, plunger) are metal the beam hardly crosses, and the cathode's
 * carbon, porous on the nanometre scale, scatters most in the upper half of the SAXS range (where
 * the Porod tails of grains and windows, and a liquid's scattering, have died away); separator and
 * anode scatter little there. Ties go to the earlier stack layer. Scattering is only compared
 * between the layers seen, so a scan that leaves the cathode out takes its most strongly
 * scattering layer for it.
 */
function assignLayers(signatures: number[][], nSaxs: number, stack: Role[]): number[] {
  const k = signatures.length;
  const m = stack.length;
  const hiBands = Array.from({ length: nSaxs }, (_, i) => 1 + i).filter((j) => j - 1 >= nSaxs / 2);
  const tRaw = signatures.map((s) => Math.max(0, s[0]!));
  const sRaw = signatures.map((s) =>
    hiBands.length ? hiBands.reduce((a, j) => a + Math.max(0, s[j]!), 0) / hiBands.length : 0,
  );
  const norm = (v: number[]) => {
    const mx = Math.max(...v, 1e-300);
    return v.map((x) => x / mx);
  };
  const t = norm(tRaw);
  const sc = norm(sRaw);
  const cost = (j: number, role: Role) =>
    role === "other" ? t[j]! + sc[j]! : role === "cathode" ? 1 - sc[j]! : sc[j]!;
  // best[j][l]: segments 0..j placed, segment j on stack layer l
  const best = Array.from({ length: k }, () => new Float64Array(m).fill(Number.POSITIVE_INFINITY));
  const from = Array.from({ length: k }, () => new Int32Array(m).fill(-1));
  for (let l = 0; l < m; l++) best[0]![l] = cost(0, stack[l]!);
  for (let j = 1; j < k; j++) {
    for (let l = j; l < m; l++) {
      for (let p = 0; p < l; p++) {
        const v = best[j - 1]![p]! + cost(j, stack[l]!);
        if (v < best[j]![l]! - 1e-12) {
          best[j]![l] = v;
          from[j]![l] = p;
        }
      }
    }
  }
  let l = 0;
  for (let q = 1; q < m; q++) if (best[k - 1]![q]! < best[k - 1]![l]! - 1e-12) l = q;
  const out = new Array<number>(k);
  for (let j = k - 1; j >= 0; j--) {
    out[j] = l;
    l = from[j]![l]!;
  }
  return out;
}

/** Each row's share of each stated stack layer, from the fit of the layers the scan shows. */
export function stackShares(f: RowFeatures, stack: Role[]): number[][] {
  const n = f.transmission.length;
  const m = stack.length;
  const x = f.transmission.map((t, r) => [t, ...(f.saxs[r] ?? []), ...(f.waxs[r] ?? [])]);
  let fit = fitStack(x, m);
  let layers = m;
  for (let iter = 0; iter < m; iter++) {
    const bad = unsupported(fit).filter(Boolean).length;
    if (!bad || layers - bad < 1) break;
    layers -= bad;
    fit = fitStack(x, layers);
  }
  const which =
    layers === m ? [...stack.keys()] : assignLayers(fit.signatures, f.saxs[0]?.length ?? 0, stack);
  return Array.from({ length: n }, (_, r) => {
    const out = new Array<number>(m).fill(0);
    which.forEach((l, j) => {
      out[l]! += fit.fractions[r]![j]!;
    });
    return out;
  });
}

/**
 * Label rows from their features. `stack`: the layers along y, lowest first; `fixed`: hand-set
 * rows.
 */
export function labelRows(f: RowFeatures, stack: Role[], fixed: Map<number, Role> = new Map()): Role[] {
  const n = f.transmission.length;
  const m = stack.length;
  if (n === 0 || m === 0) return [];
  const shares = stackShares(f, stack);
  // priority for even splits: the order in which roles first appear in the stack
  const rank = (role: Role) => stack.indexOf(role);
  // cost of giving row r stack layer k: how much less of the footprint its role takes than the
  // row's best role (0 for the best one, even splits resolved by rank)
  const preferred = shares.map((fr) => {
    const byRole = new Map<Role, number>();
    for (const [k, v] of fr.entries()) byRole.set(stack[k]!, (byRole.get(stack[k]!) ?? 0) + v);
    const top = Math.max(...byRole.values());
    const near = [...byRole].filter(([, v]) => v >= top - TIE).map(([role]) => role);
    near.sort((a, b) => rank(a) - rank(b));
    return { byRole, top, role: near[0]! };
  });
  const cost = (r: number, k: number) => {
    const fx = fixed.get(r);
    if (fx !== undefined) return fx === stack[k] ? 0 : Number.POSITIVE_INFINITY;
    const p = preferred[r]!;
    return p.role === stack[k] ? 0 : Math.max(TIE, p.top - (p.byRole.get(stack[k]!) ?? 0));
  };
  // cheapest labelling whose layers follow the stack in order (only hand-set rows make it differ
  // from the best role of each row, which already follows the fitted, ordered boundaries)
  const best = Array.from({ length: n }, () => new Float64Array(m).fill(Number.POSITIVE_INFINITY));
  const from = Array.from({ length: n }, () => new Int32Array(m).fill(-1));
  for (let k = 0; k < m; k++) best[0]![k] = cost(0, k);
  for (let r = 1; r < n; r++) {
    let runMin = Number.POSITIVE_INFINITY;
    let runArg = -1;
    for (let k = 0; k < m; k++) {
      if (best[r - 1]![k]! < runMin) {
        runMin = best[r - 1]![k]!;
        runArg = k;
      }
      best[r]![k] = runMin + cost(r, k);
      from[r]![k] = runArg;
    }
  }
  let k = 0;
  for (let j = 1; j < m; j++) if (best[n - 1]![j]! < best[n - 1]![k]!) k = j;
  // hand-set rows out of stack order: no ordered labelling honours them all, so each row keeps its
  // hand-set or best role
  if (!Number.isFinite(best[n - 1]![k]!)) return preferred.map((p, r) => fixed.get(r) ?? p.role);
  const out: Role[] = new Array(n);
  for (let r = n - 1; r >= 0; r--) {
    out[r] = stack[k]!;
    k = r > 0 ? from[r]![k]! : k;
  }
  return out;
}
