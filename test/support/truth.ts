/**
 * What `swaxs run` found, read from its results folder (through src/results, by column name) and
 * set beside a simulated experiment's truth (the digital twin's or the independent pyFAI
 * generator's truth.json): shared by the tests that check the pipeline against known answers.
 * Each returns the number; the tests assert on it.
 */
import { join } from "node:path";
import { numbers, RESULTS, readCsvSync, resultPath, strings } from "../../src/results/index.js";
import { pearson } from "./stats.js";

/** Fraction of regions.csv rows whose region is the true layer of their grid row. */
export function regionsRight(results: string, layers: string[]): { fraction: number; labels: string } {
  const t = readCsvSync(join(results, RESULTS.regions.path));
  const row = numbers(t, "row");
  const region = strings(t, "region");
  const right = region.filter((r, i) => r === layers[row[i]!]).length;
  return { fraction: right / region.length, labels: region.join(",") };
}

/**
 * The map of `band` at `sod` % SOD, and its Pearson r against the true amount per [row][col].
 * With `layers` (the true layer of each grid row): points of an "other" row (the plungers, opaque:
 * the pipeline may leave their value empty) are left out of r, and `missing` lists every point of
 * any other row whose value is not a finite number; without it, every point counts.
 */
export function mapAgainstTruth(
  results: string,
  band: string,
  sod: number,
  truth: number[][],
  layers?: string[],
): { values: number[]; r: number; missing: string[] } {
  const t = readCsvSync(join(results, resultPath.map(band, sod)));
  const value = numbers(t, "value");
  const row = numbers(t, "row");
  const col = numbers(t, "col");
  const counted = Array.from(value.keys()).filter((i) => layers?.[row[i]!] !== "other");
  const values = counted.map((i) => value[i]!);
  const ref = counted.map((i) => truth[row[i]!]![col[i]!]!);
  const missing = counted
    .filter((i) => !Number.isFinite(value[i]!))
    .map((i) => `row ${row[i]} col ${col[i]}${layers ? ` (${layers[row[i]!]})` : ""}`);
  return { values, r: pearson(values, ref), missing };
}

/** The first crystallite size fitted beyond 90 % SOD (null if none): the end of the discharge. */
export function endOfDischargeSize(results: string, peak: string): number | null {
  const t = readCsvSync(join(results, resultPath.crystallite(peak)));
  const sod = numbers(t, "sod_pct");
  const size = numbers(t, "size_nm");
  const k = Array.from(sod).findIndex((s, i) => s > 90 && Number.isFinite(size[i]!));
  return k >= 0 ? size[k]! : null;
}

/**
 * The crystallite-size sweep whose SOD is nearest `sodPct` (crystallite/<peak>.csv): its SOD, size
 * and 1σ error (NaN where the sweep has no size); null for a file without rows.
 */
export function sizeNearSod(
  results: string,
  peak: string,
  sodPct: number,
): { sodPct: number; size: number; err: number } | null {
  const t = readCsvSync(join(results, resultPath.crystallite(peak)));
  const sod = numbers(t, "sod_pct");
  const size = numbers(t, "size_nm");
  const err = numbers(t, "size_err_nm");
  let k = -1;
  sod.forEach((s, i) => {
    if (k < 0 || Math.abs(s - sodPct) < Math.abs(sod[k]! - sodPct)) k = i;
  });
  return k < 0 ? null : { sodPct: sod[k]!, size: size[k]!, err: err[k]! };
}
