/**
 * Region finding for `swaxs run`: the per-row features the labelling works from, measured on each
 * pixel's initial-OCV mean curve, then `labelRows` with the stated stack and the hand-set rows.
 *
 * The labelling fits a footprint model (see analysis/regions.ts), so every feature must add up
 * linearly over the layers a row's footprint crosses, and must not assume which phases the cell
 * holds (a solid-state cell with an In anode and a liquid cell with a Li foil show very different
 * things). Hence: the transmission, and the mean intensity in a few bands spread over each
 * detector's own q range — log-spaced on the SAXS detector (the pores' hump, the interfaces' Porod
 * slope and a liquid's low-q scattering sit decades apart), even on the WAXS detector (crystalline
 * reflections of the electrodes, current collectors and electrolyte, and the amorphous halos of
 * carbon, glass fibre and liquid). The curves are not divided by the transmission (the reducer
 * subtracts the empty cell scaled by it), so a band mean is the footprint-weighted sum of the
 * layers' scattering, as the model needs.
 */
import { labelRows, type Role, type RowFeatures } from "../analysis/regions.js";
import {
  type CheckedBoundary,
  checkBoundaries,
  chooseLabels,
  type FingerprintLabels,
  labelByFingerprint,
  type PhaseLines,
  type StackLayer,
} from "../analysis/stack-labels.js";

export interface RegionInputs {
  rows: number;
  cols: number;
  /** Mean sample transmission of each row over the initial OCV (NaN/absent rows count as 0). */
  transmissionByRow: number[];
  /** The same per scan point (row·cols + col), for layers tilted across x; the rows' values if absent. */
  transmissionByPixel?: number[];
  /** Per detector: radial axis and each pixel's initial-OCV mean curve (pixel = row·cols + col). */
  saxs?: { radial: Float64Array; ocvMean: Float64Array[] };
  waxs?: { radial: Float64Array; ocvMean: Float64Array[] };
  stack: Role[];
  byRow: Map<number, Role>;
  /** The stack's layers with their phases, and those phases' lines on the WAXS axis (nm⁻¹): fingerprints. */
  layers?: StackLayer[];
  lines?: PhaseLines[];
}

export interface RegionResult {
  /** Region of each row (where the layers are tilted: of most of its points). */
  roles: Role[];
  /** Region of each scan point (row·cols + col): the row's, or its column's where the layers are tilted. */
  pixelRoles: Role[];
  /** True when the columns were labelled one by one (layers tilted across x). */
  tilted: boolean;
  /**
   * "fingerprint": by the layers' phases (they decided every boundary); "footprint+fingerprint": the
   * footprint fit, checked against the phases; "footprint": no fingerprints to check with.
   */
  method: "fingerprint" | "footprint" | "footprint+fingerprint";
  /** The fingerprint labelling (per-row evidence, its own partition), where two layers show theirs. */
  fingerprint: FingerprintLabels | null;
  /** Every boundary (per column where tilted), uncertain where the fingerprints disagree or hardly decide. */
  boundaries: CheckedBoundary[];
}

/** Bands per detector. */
const SAXS_BANDS = 8;
const WAXS_BANDS = 8;

/**
 * Bins that hot (or otherwise defective) detector pixels spoil: a spike, more than `factor` times
 * the median of the `half` bins on either side, in at least half of the curves. A sample's Bragg
 * peak is a few bins wide and differs from layer to layer; a hot pixel lands in the same bin of
 * every curve whatever the sample (in the reduced curve it is (1 − T)·counts, the empty cell's
 * copy being subtracted scaled by T), and can outweigh a whole band of real scattering.
 */
export function hotBins(curves: readonly Float64Array[], half = 10, factor = 20): Uint8Array {
  const n = curves[0]?.length ?? 0;
  const votes = new Int32Array(n);
  const win: number[] = [];
  for (const y of curves) {
    for (let i = 0; i < n; i++) {
      const yi = y[i]!;
      if (!(yi > 0 && Number.isFinite(yi))) continue;
      win.length = 0;
      // the median is one of the window's values, so |median| ≥ their smallest |value|: a bin no
      // more than `factor` times that is no spike, and needs no sort (nearly every bin of a curve)
      let least = Number.POSITIVE_INFINITY;
      for (let j = Math.max(0, i - half); j <= Math.min(n - 1, i + half); j++) {
        const v = y[j]!;
        if (j === i || !Number.isFinite(v)) continue;
        win.push(v);
        least = Math.min(least, Math.abs(v));
      }
      if (!win.length || yi <= factor * least) continue;
      win.sort((a, b) => a - b);
      const med = Math.abs(win[win.length >> 1]!);
      if (y[i]! > factor * med && y[i]! > 0) votes[i]!++;
    }
  }
  return Uint8Array.from(votes, (v) => (v * 2 >= curves.length && curves.length > 0 ? 1 : 0));
}

/** Band edges over the finite, positive part of a radial axis: `n` bands, log or even spacing. */
export function bandEdges(radial: Float64Array, n: number, log: boolean): number[] {
  const q = [...radial].filter((v) => Number.isFinite(v) && v > 0);
  if (!q.length) return [];
  const a = Math.min(...q);
  const b = Math.max(...q);
  return Array.from({ length: n + 1 }, (_, i) => (log ? a * (b / a) ** (i / n) : a + ((b - a) * i) / n));
}

/** Each row's mean over its pixels of the mean intensity in each band (hot bins left out). */
function bandFeatures(
  det: NonNullable<RegionInputs["saxs"]>,
  rows: number,
  cols: number,
  edges: number[],
): number[][] {
  const hot = hotBins(det.ocvMean);
  const nb = edges.length - 1;
  const bandOf = new Int32Array(det.radial.length).fill(-1);
  det.radial.forEach((q, i) => {
    if (hot[i] || !(q >= edges[0]!) || !(q <= edges[nb]!)) return;
    let k = 0;
    while (k < nb - 1 && q >= edges[k + 1]!) k++;
    bandOf[i] = k;
  });
  return Array.from({ length: rows }, (_, r) => {
    const out = new Array<number>(nb).fill(0);
    for (let c = 0; c < cols; c++) {
      const y = det.ocvMean[r * cols + c];
      if (!y) continue;
      const sum = new Float64Array(nb);
      const cnt = new Int32Array(nb);
      y.forEach((v, i) => {
        const k = bandOf[i]!;
        if (k >= 0 && Number.isFinite(v)) {
          sum[k]! += v;
          cnt[k]!++;
        }
      });
      for (let k = 0; k < nb; k++) out[k]! += cnt[k]! ? sum[k]! / cnt[k]! / cols : 0;
    }
    return out;
  });
}

/** The features of each row: transmission, and the SAXS and the WAXS band means. */
export function rowFeatures(x: RegionInputs): RowFeatures {
  const none = () => Array.from({ length: x.rows }, () => [] as number[]);
  return {
    transmission: Array.from({ length: x.rows }, (_, r) => {
      const t = x.transmissionByRow[r];
      return t !== undefined && Number.isFinite(t) ? t : 0;
    }),
    saxs: x.saxs ? bandFeatures(x.saxs, x.rows, x.cols, bandEdges(x.saxs.radial, SAXS_BANDS, true)) : none(),
    waxs: x.waxs ? bandFeatures(x.waxs, x.rows, x.cols, bandEdges(x.waxs.radial, WAXS_BANDS, false)) : none(),
  };
}

/**
 * Each row's mean WAXS curve over the points of `columns` (all by default), with hot bins set to
 * NaN.
 */
function rowCurves(
  det: NonNullable<RegionInputs["waxs"]>,
  rows: number,
  cols: number,
  columns: readonly number[] = Array.from({ length: cols }, (_, c) => c),
): Float64Array[] {
  const hot = hotBins(det.ocvMean);
  return Array.from({ length: rows }, (_, r) => {
    const out = new Float64Array(det.radial.length);
    for (const c of columns) {
      const y = det.ocvMean[r * cols + c];
      if (y) for (let i = 0; i < out.length; i++) out[i]! += y[i]! / columns.length;
    }
    hot.forEach((h, i) => {
      if (h) out[i] = Number.NaN;
    });
    return out;
  });
}

/**
 * The regions. Where at least two layers show their phases' fingerprints (analysis/stack-labels.ts)
 * and those decide every boundary with margin, their labels; otherwise the footprint fit to
 * transmission and band profiles (analysis/regions.ts), checked row by row against the
 * fingerprints: a boundary they disagree on, or hardly decide, is reported uncertain. The hand-set
 * rows win.
 */
export function findRegions(x: RegionInputs): RegionResult {
  const footprint = labelRows(rowFeatures(x), x.stack, x.byRow);
  const fp =
    x.waxs && x.layers && x.lines
      ? labelByFingerprint({
          radial: x.waxs.radial,
          rowCurves: rowCurves(x.waxs, x.rows, x.cols),
          transmission: x.transmissionByRow,
          layers: x.layers,
          lines: x.lines,
        })
      : null;
  // rows set by hand are not in doubt
  if (fp) for (const [r, role] of x.byRow) fp.roles[r] = role;
  const roles = chooseLabels(footprint, fp);
  const layers = x.layers ?? x.stack.map((role) => ({ role, phases: [] }));
  const boundaries = checkBoundaries(roles, fp, layers);
  const result: RegionResult = {
    roles,
    pixelRoles: Array.from({ length: x.rows * x.cols }, (_, p) => roles[Math.floor(p / x.cols)]!),
    tilted: false,
    method: !fp ? "footprint" : roles === fp.roles ? "fingerprint" : "footprint+fingerprint",
    fingerprint: fp,
    boundaries,
  };
  return fp && x.cols > 1 ? byColumn(x, result, layers) : result;
}

/**
 * Layers tilted across x put a boundary at different rows in different columns, and a row then
 * holds two layers. Each column is labelled on its own from its points' fingerprints; where every
 * column's labelling is certain and some column differs from the rows', the layers are tilted and
 * each point takes its column's label. Where a column differs but is itself uncertain, the rows'
 * labels stay and the boundary that column contradicts is reported uncertain (never wrong and
 * confident). A column's points are noisier than a row's mean (1/√cols of the frames), which the
 * margins account for.
 */
function byColumn(x: RegionInputs, rows: RegionResult, layers: StackLayer[]): RegionResult {
  const columns = Array.from({ length: x.cols }, (_, c) => {
    const fp = labelByFingerprint({
      radial: x.waxs!.radial,
      rowCurves: rowCurves(x.waxs!, x.rows, x.cols, [c]),
      transmission: Array.from({ length: x.rows }, (_, r) =>
        x.transmissionByPixel ? x.transmissionByPixel[r * x.cols + c]! : x.transmissionByRow[r]!,
      ),
      layers,
      lines: x.lines!,
    });
    if (fp) for (const [r, role] of x.byRow) fp.roles[r] = role;
    return fp;
  });
  // rows where a column's own labelling differs from the rows', and whether that column is sure of it
  // (its boundaries there are certain)
  const differing = columns.flatMap((fp, c) =>
    fp
      ? fp.roles.flatMap((role, r) => {
          if (role === rows.roles[r]) return [];
          const near = fp.boundaries.filter((b) => Math.abs(b.row - 0.5 - r) <= 1);
          return [{ c, r, role, sure: near.length > 0 && near.every((b) => !b.uncertain) }];
        })
      : [],
  );
  if (differing.length === 0) return rows;
  const tilted = columns.every((fp) => fp !== null) && differing.some((d) => d.sure);
  if (!tilted) {
    // the rows' labels stay; each boundary a column contradicts is in doubt
    const boundaries = rows.boundaries.map((b) => ({ ...b }));
    if (boundaries.length === 0) return rows;
    for (const { c, r, role } of differing) {
      const near = boundaries.reduce((best, b) =>
        Math.abs(b.row - 0.5 - r) < Math.abs(best.row - 0.5 - r) ? b : best,
      );
      near.uncertain = true;
      near.why ??= `column ${c} on its own puts row ${r} in the ${role} (layers tilted across x?)`;
    }
    return { ...rows, boundaries };
  }
  const pixelRoles = Array.from(
    { length: x.rows * x.cols },
    (_, p) => columns[p % x.cols]!.roles[Math.floor(p / x.cols)]!,
  );
  // a row's label: that of most of its points
  const roles = rows.roles.map((own, r) => {
    const count = new Map<Role, number>();
    for (let c = 0; c < x.cols; c++) {
      const role = pixelRoles[r * x.cols + c]!;
      count.set(role, (count.get(role) ?? 0) + 1);
    }
    return [...count].reduce((a, b) => (b[1] > a[1] ? b : a), [own, 0] as [Role, number])[0];
  });
  return {
    roles,
    pixelRoles,
    tilted: true,
    method: "fingerprint",
    fingerprint: rows.fingerprint,
    boundaries: columns.flatMap((fp, c) =>
      checkBoundaries(fp!.roles, fp, layers).map((b) => ({ ...b, col: c })),
    ),
  };
}
