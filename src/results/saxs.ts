/**
 * Reading the SAXS Porod products and the extra measurements of a results folder (config `saxs:`
 * and `extra:`; schema.ts `porod`, `porodSummary`, `invariantMap`, `extra`), for the report and
 * the tests. Each returns null (or an empty list) where the run did not make the file.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { type CsvTable, numbers, readCsvSync, strings } from "./csv.js";
import { NotFound } from "./read.js";
import { RESULTS, resultPath, resultPattern } from "./schema.js";

export interface PorodSummaryRow {
  region: string;
  detector: string;
  invariantInitial: number;
  detectionLimit: number;
  limitFrom: string;
  maxRelChange: number;
  finalRatio: number;
  expectedRatio: number;
  withinLimit: boolean;
  porodKFinalRatio: number;
  sweeps: number;
}

/** saxs/porod_summary.csv, one row per region; null without it. */
export function readPorodSummary(dir: string): PorodSummaryRow[] | null {
  const file = join(dir, RESULTS.porodSummary.path);
  if (!existsSync(file)) return null;
  const t = readCsvSync(file);
  const n = (c: string) => numbers(t, c);
  const region = strings(t, "region");
  const detector = strings(t, "detector");
  const within = strings(t, "within_limit");
  const from = strings(t, "limit_from");
  const [q0, lim, maxRel, fin, exp, k, sw] = [
    "invariant_initial",
    "detection_limit",
    "max_rel_change",
    "final_ratio",
    "expected_ratio",
    "porod_k_final_ratio",
    "sweeps",
  ].map(n) as Float64Array[];
  return region.map((r, i) => ({
    region: r,
    detector: detector[i]!,
    invariantInitial: q0![i]!,
    detectionLimit: lim![i]!,
    limitFrom: from[i]!,
    maxRelChange: maxRel![i]!,
    finalRatio: fin![i]!,
    expectedRatio: exp![i]!,
    withinLimit: within[i] === "yes",
    porodKFinalRatio: k![i]!,
    sweeps: sw![i]!,
  }));
}

/** saxs/porod_<region>_<det>.csv; null without it. */
export function readPorod(dir: string, region: string, det: string): CsvTable | null {
  const file = join(dir, resultPath.porod(region, det));
  return existsSync(file) ? readCsvSync(file) : null;
}

/** The extra measurements there are (extra/<name>_<det>.csv). */
export function listExtras(dir: string): { name: string; detector: string }[] {
  const p = join(dir, "extra");
  if (!existsSync(p)) return [];
  return readdirSync(p)
    .sort()
    .flatMap((f) => {
      const m = resultPattern.extra.exec(f);
      return m ? [{ name: m[1]!, detector: m[2]! }] : [];
    });
}

/** One extra measurement's curve. */
export function readExtra(
  dir: string,
  name: string,
  det: string,
): { radial: Float64Array; intensity: Float64Array; sigma: Float64Array } {
  const t = readCsvSync(join(dir, resultPath.extra(name, det)));
  return { radial: numbers(t, "radial"), intensity: numbers(t, "intensity"), sigma: numbers(t, "sigma") };
}

/**
 * One extra measurement as columns for the viewer (radial f64, intensity and sigma f32; meta: name,
 * detector), to overlay on a region curve of that detector (Fig. 3c); NotFound when the run made none.
 */
export function extraColumns(
  dir: string,
  name: string,
  det: string,
): { meta: Record<string, unknown>; columns: Record<string, Float64Array | Float32Array> } {
  if (!listExtras(dir).some((x) => x.name === name && x.detector === det))
    throw new NotFound(`no extra measurement ${name} on ${det}`);
  const c = readExtra(dir, name, det);
  return {
    meta: { name, detector: det, rows: c.radial.length },
    columns: {
      radial: c.radial,
      intensity: Float32Array.from(c.intensity),
      sigma: Float32Array.from(c.sigma),
    },
  };
}
