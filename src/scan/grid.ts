/**
 * The scan grid: beam positions clustered into rows (y) and columns (x), row 0 at the lowest y and
 * column 0 at the lowest x. Motor read-backs scatter around the commanded positions, and a scan may
 * skip points, so each axis is clustered on its own: sorted positions split where the gap exceeds
 * half the typical step, a step being any gap well above the scatter.
 */
import { InputError } from "../util/errors.js";

export interface Grid {
  rows: number;
  cols: number;
  /** Row centres [mm], ascending. */
  yMm: number[];
  /** Column centres [mm], ascending. */
  xMm: number[];
  /** Row of each frame. */
  rowOf: Int32Array;
  /** Column of each frame. */
  colOf: Int32Array;
}

export interface GridOptions {
  /** Positions closer than this [mm] are one row/column; given, it replaces the estimate from the steps. */
  tolXMm?: number;
  tolYMm?: number;
  /** Motor repeatability [mm]: gaps up to this are never steps. Default 0.001 (1 µm). */
  repeatabilityMm?: number;
}

export interface AxisClusters {
  /** Cluster centres (means of their members), ascending. */
  centres: number[];
  /** Cluster of each value. */
  labels: Int32Array;
  /** Median gap between neighbouring clusters; 0 with one cluster. */
  stepMm: number;
  /** The clusters are not clearly apart (a gap between them is under twice the widest cluster). */
  ambiguous: boolean;
}

/** Clusters 1D positions; `tolMm` fixes the split gap, otherwise half the median step. */
export function clusterAxis(
  values: ArrayLike<number>,
  tolMm?: number,
  repeatabilityMm = 0.001,
): AxisClusters {
  const n = values.length;
  if (n === 0) return { centres: [], labels: new Int32Array(0), stepMm: 0, ambiguous: false };
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const v = order.map((i) => values[i]!);
  const gaps = v.slice(1).map((x, i) => x - v[i]!);

  let tol = tolMm;
  if (tol === undefined) {
    tol = repeatabilityMm;
    const big = gaps.filter((g) => g > repeatabilityMm);
    if (big.length) {
      // start below the largest gap (a step, or a few where points are missing), then settle on
      // half the median of the gaps above the threshold
      tol = Math.max(repeatabilityMm, 0.3 * big.reduce((m, g) => Math.max(m, g), 0));
      for (let k = 0; k < 4; k++) {
        const steps = gaps.filter((g) => g > tol!);
        tol = Math.max(repeatabilityMm, 0.5 * median(steps));
      }
    }
  }

  const labels = new Int32Array(n);
  const centres: number[] = [];
  let start = 0;
  let widest = 0;
  const between: number[] = [];
  for (let i = 1; i <= n; i++) {
    if (i < n && gaps[i - 1]! <= tol) continue;
    let sum = 0;
    for (let j = start; j < i; j++) {
      sum += v[j]!;
      labels[order[j]!] = centres.length;
    }
    centres.push(sum / (i - start));
    widest = Math.max(widest, v[i - 1]! - v[start]!);
    if (i < n) between.push(gaps[i - 1]!);
    start = i;
  }
  const stepMm = between.length ? median(between) : 0;
  const ambiguous = between.length > 0 && Math.min(...between) < 2 * widest;
  return { centres, labels, stepMm, ambiguous };
}

/** Rows and columns of the frames at (x, y) [mm]. */
export function findGrid(xMm: ArrayLike<number>, yMm: ArrayLike<number>, opts: GridOptions = {}): Grid {
  if (xMm.length !== yMm.length)
    throw new Error(`findGrid: ${xMm.length} x positions but ${yMm.length} y positions`);
  const rep = opts.repeatabilityMm ?? 0.001;
  let x = clusterAxis(xMm, opts.tolXMm, rep);
  let y = clusterAxis(yMm, opts.tolYMm, rep);
  // a line scan's other axis has no step of its own: its scatter is judged against the scanned
  // axis's step (a spread under a quarter of that step is one row or column)
  const single = (a: ArrayLike<number>): AxisClusters => ({
    centres: [mean(a)],
    labels: new Int32Array(a.length),
    stepMm: 0,
    ambiguous: false,
  });
  const xSure = x.centres.length > 1 && !x.ambiguous;
  const ySure = y.centres.length > 1 && !y.ambiguous;
  if (opts.tolXMm === undefined && ySure && range(xMm) < 0.25 * y.stepMm) x = single(xMm);
  if (opts.tolYMm === undefined && xSure && range(yMm) < 0.25 * x.stepMm) y = single(yMm);
  for (const [axis, c] of [
    ["x", x],
    ["y", y],
  ] as const) {
    if (c.ambiguous)
      throw new InputError(
        "",
        `the ${axis} positions do not fall into clear ${axis === "x" ? "columns" : "rows"} ` +
          `(scatter comparable to the step ${c.stepMm.toPrecision(3)} mm); give the tolerance by hand`,
      );
  }
  return {
    rows: y.centres.length,
    cols: x.centres.length,
    yMm: y.centres,
    xMm: x.centres,
    rowOf: y.labels,
    colOf: x.labels,
  };
}

/** A position that does not sit on the grid: its frame, axis and value. */
export interface OffGrid {
  index: number;
  axis: "x" | "y";
  value: number;
  /** The grid lines of that axis [mm] and their median step. */
  lines: number[];
  stepMm: number;
}

/**
 * The first position off every grid line, or null. A position must lie within half the median step
 * of its line, and its line must be a real one: a line visited far less often than the others (under
 * a quarter of the median visits) is a typo in the log (`x_mm` = 1e308), not a column of the scan.
 */
export function offGrid(grid: Grid, xMm: ArrayLike<number>, yMm: ArrayLike<number>): OffGrid | null {
  for (const [axis, lines, of, v] of [
    ["x", grid.xMm, grid.colOf, xMm],
    ["y", grid.yMm, grid.rowOf, yMm],
  ] as const) {
    if (lines.length < 2) continue;
    const stepMm = median(lines.slice(1).map((c, k) => c - lines[k]!));
    const visits = new Array<number>(lines.length).fill(0);
    for (let i = 0; i < of.length; i++) visits[of[i]!]!++;
    const few = 0.25 * median(visits);
    for (let i = 0; i < of.length; i++) {
      const line = of[i]!;
      if (visits[line]! < few || Math.abs(v[i]! - lines[line]!) > 0.5 * stepMm)
        return { index: i, axis, value: v[i]!, lines, stepMm };
    }
  }
  return null;
}

function median(a: number[]): number {
  const s = [...a].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : 0.5 * (s[m - 1]! + s[m]!);
}

function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return a.length ? s / a.length : 0;
}

function range(a: ArrayLike<number>): number {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < a.length; i++) {
    lo = Math.min(lo, a[i]!);
    hi = Math.max(hi, a[i]!);
  }
  return a.length ? hi - lo : 0;
}
