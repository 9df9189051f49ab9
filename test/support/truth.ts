/**
 * What `swaxs run` found, read from its results folder and set beside a simulated experiment's
 * truth (the digital twin's or the independent pyFAI generator's truth.json): shared by the tests
 * that check the pipeline against known answers. Each returns the number; the tests assert on it.
 */
import { join } from "node:path";
import { readCsvCells } from "./fixtures.js";
import { pearson } from "./stats.js";

/** Fraction of regions.csv rows whose region is the true layer of their grid row. */
export function regionsRight(results: string, layers: string[]): { fraction: number; labels: string } {
  const rows = readCsvCells(join(results, "regions.csv")).slice(1);
  const right = rows.filter((r) => r[4] === layers[Number(r[0])]).length;
  return { fraction: right / rows.length, labels: rows.map((r) => r[4]).join(",") };
}

/** The map of `band` at `sod` % SOD, and its Pearson r against the true amount per [row][col]. */
export function mapAgainstTruth(
  results: string,
  band: string,
  sod: number,
  truth: number[][],
): { values: number[]; r: number } {
  const rows = readCsvCells(join(results, `maps/${band}_sod${sod}.csv`)).slice(1);
  const values = rows.map((r) => Number(r[4]));
  const ref = rows.map((r) => truth[Number(r[0])]![Number(r[1])]!);
  return { values, r: pearson(values, ref) };
}

/** The first crystallite size fitted beyond 90 % SOD (null if none): the end of the discharge. */
export function endOfDischargeSize(results: string, peak: string): number | null {
  const rows = readCsvCells(join(results, `crystallite/${peak}.csv`)).slice(1);
  const end = rows.find((r) => Number(r[3]) > 90 && r[4] !== "");
  return end ? Number(end[4]) : null;
}
