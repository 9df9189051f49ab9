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

/** The map of `band` at `sod` % SOD, and its Pearson r against the true amount per [row][col]. */
export function mapAgainstTruth(
  results: string,
  band: string,
  sod: number,
  truth: number[][],
): { values: number[]; r: number } {
  const t = readCsvSync(join(results, resultPath.map(band, sod)));
  const values = Array.from(numbers(t, "value"));
  const row = numbers(t, "row");
  const col = numbers(t, "col");
  const ref = values.map((_, i) => truth[row[i]!]![col[i]!]!);
  return { values, r: pearson(values, ref) };
}

/** The first crystallite size fitted beyond 90 % SOD (null if none): the end of the discharge. */
export function endOfDischargeSize(results: string, peak: string): number | null {
  const t = readCsvSync(join(results, resultPath.crystallite(peak)));
  const sod = numbers(t, "sod_pct");
  const size = numbers(t, "size_nm");
  const k = Array.from(sod).findIndex((s, i) => s > 90 && Number.isFinite(size[i]!));
  return k >= 0 ? size[k]! : null;
}
