/**
 * The CSV files of `swaxs run` (a contract other tools read; layouts in the issue and README):
 * regions.csv, maps/<band>_sod<N>.csv, frames.csv, echem.csv, crystallite/<peak>.csv,
 * timeseries/<region>_<band>.csv, timeseries/<region>_<det>_heatmap.csv, band_stability.csv.
 */
import { type EchemSeries, isoUtc } from "../echem/index.js";

/** Numbers as written in every CSV: 8 significant digits, "" for NaN/±∞. */
export function fmt(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(8))) : "";
}

export const csv = (lines: string[]) => `${lines.join("\n")}\n`;

/** The cycler records, thinned to at most ~5000 rows (every k-th, always the last). */
export function echemCsv(s: EchemSeries): string {
  const step = Math.max(1, Math.ceil(s.n / 5000));
  const perG = s.massMg ? 1000 / s.massMg : Number.NaN;
  const lines = ["time,ewe_v,i_ma,charge_mah,capacity_mah_g,sodc_pct,step,cycle,half_cycle"];
  for (const k of thinned(s.n, step)) {
    lines.push(
      [
        s.unixS ? isoUtc(s.unixS[k]!) : "",
        fmt(s.eweV[k]!),
        fmt(s.currentMA[k]!),
        fmt(s.chargeMAh[k]!),
        fmt(-s.chargeMAh[k]! * perG),
        s.sodcPct ? fmt(s.sodcPct[k]!) : "",
        s.step ? s.step[k] : "",
        s.cycle[k],
        s.halfCycle[k],
      ].join(","),
    );
  }
  return csv(lines);
}

/** Every `step`-th of n indices, always ending with the last. */
export function thinned(n: number, step: number): number[] {
  const keep = [...Array(Math.ceil(n / step)).keys()].map((j) => j * step);
  if (n > 0 && keep[keep.length - 1] !== n - 1) keep.push(n - 1);
  return keep;
}

/** One row per grid pixel (row-major): `row,col,x_mm,y_mm,<value column>`. */
export function gridCsv(
  header: string,
  rows: number,
  cols: number,
  xMm: ArrayLike<number>,
  yMm: ArrayLike<number>,
  value: (p: number) => string,
): string {
  const lines = [`row,col,x_mm,y_mm,${header}`];
  for (let p = 0; p < rows * cols; p++) {
    const r = Math.floor(p / cols);
    const c = p % cols;
    lines.push(`${r},${c},${xMm[c]},${yMm[r]},${value(p)}`);
  }
  return csv(lines);
}
