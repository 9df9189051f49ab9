/**
 * SAXS Porod quantities (config `saxs:`; issue 15, the paper's §3.2.2 made quantitative):
 * `saxs/porod_<region>_<det>.csv` (each region's mean reduced curve per sweep: invariant, Porod
 * constant, their ratio to the initial OCV), `saxs/porod_summary.csv` (the stability metric against
 * its detection limit, beside the change the contrast calculator expects) and
 * `saxs/invariant_map_<det>.csv` (every point's invariant per sweep and its ratio to the point's
 * own initial-OCV mean).
 *
 * The curves are the reduced ones (empty cell subtracted, per exposure × monitor), not the
 * normalised ones: Q* of a normalised curve would be a ratio's integral, not an invariant.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { porodFit, porodInvariant, stabilityLimit } from "../../analysis/porod.js";
import { parsePhase, poreContrasts } from "../../design/index.js";
import { isoUtc } from "../../echem/index.js";
import { columnsOf, csv, csvLine, fmt, RESULTS, resultPath } from "../../results/index.js";
import { isOpaque, type RegionSweep } from "../analyse.js";
import type { SaxsConfig } from "../config.js";
import type { RunContext } from "../context.js";

/** What run.json `saxs` and the report say: per region, measured beside expected. */
export interface SaxsSummary {
  detector: string;
  invariant_q: [number, number];
  porod_q: [number, number] | null;
  conversion: number;
  /** Q* / Q*₀ the pore contrast predicts for that conversion, and how it was derived. */
  expected_ratio: number;
  expected_rel_change: number;
  assumption: string;
  detection_limit_rule: string;
  regions: Record<
    string,
    {
      invariant_initial: number;
      detection_limit: number;
      limit_from: "propagated" | "scatter";
      max_rel_change: number;
      final_ratio: number;
      within_limit: boolean;
      porod_k_final_ratio: number | null;
      sweeps: number;
    }
  >;
}

export const DETECTION_LIMIT_RULE =
  "3σ of Q*/Q*₀, σ the larger of the ratio's σ propagated from the bins' Poisson σ and the sample SD of the initial-OCV sweeps' Q* over Q*₀";

/**
 * Q* / Q*₀ that the pore contrast predicts when a fraction `conversion` of the first filling has
 * converted (design/contrast's homogenised-pore model, extended to a partial conversion): the pore's
 * mean SLD is x(1−c)·SLD_A + min(x·c·r, 1 − x(1−c))·SLD_B (r: the product's volume per conserved
 * atom over the filling's), and pore scattering ∝ (SLD_matrix − SLD_pore)². With c = 1 and the
 * paper's phases this is design contrast's factor (0.756).
 */
export function expectedInvariantRatio(s: SaxsConfig): { ratio: number; assumption: string } {
  const matrix = parsePhase(s.matrix, "saxs.matrix");
  const a = parsePhase(s.from, "saxs.from");
  const b = parsePhase(s.to, "saxs.to");
  const res = poreContrasts(matrix, [a, b], { poreFill: s.poreFill });
  const conv = res.conversions[0]!;
  const sM = res.matrix.sld_1e_6_A2;
  const sA = res.fillings[0]!.sld_1e_6_A2;
  const sB = res.fillings[1]!.sld_1e_6_A2;
  const x = s.poreFill;
  const c = s.conversion;
  const left = x * (1 - c);
  const pore = left * sA + Math.min(x * c * conv.volume_ratio, 1 - left) * sB;
  const ratio = (sM - pore) ** 2 / (sM - x * sA) ** 2;
  return {
    ratio,
    assumption:
      `${res.assumption}; ${c} of the ${a.formula} converted to ${b.formula} (conserving ${conv.conserved_element ?? "volume"}, ` +
      `${fmt(conv.volume_ratio)}× the volume); all of Q* over the range taken as pore scattering (other components' constant scattering makes the real change smaller: this is its upper bound)`,
  };
}

interface RegionPorod {
  invariant: Float64Array;
  invariantErr: Float64Array;
  k: Float64Array;
  kErr: Float64Array;
  b: Float64Array;
  initial: number[];
}

function regionPorod(
  s: SaxsConfig,
  radial: Float64Array,
  sweeps: RegionSweep[],
  isInitial: (m: number) => boolean,
): RegionPorod {
  const n = sweeps.length;
  const out: RegionPorod = {
    invariant: new Float64Array(n),
    invariantErr: new Float64Array(n),
    k: new Float64Array(n).fill(Number.NaN),
    kErr: new Float64Array(n).fill(Number.NaN),
    b: new Float64Array(n).fill(Number.NaN),
    initial: [],
  };
  sweeps.forEach((sw, j) => {
    const inv = porodInvariant(radial, sw.raw, sw.sigma, s.invariantQ);
    out.invariant[j] = inv.value;
    out.invariantErr[j] = inv.error;
    if (s.porodQ) {
      const f = porodFit(radial, sw.raw, sw.sigma, s.porodQ);
      if (f.ok) {
        out.k[j] = f.k;
        out.kErr[j] = f.kErr;
        out.b[j] = f.b;
      }
    }
    if (isInitial(sw.mid) && Number.isFinite(inv.value)) out.initial.push(j);
  });
  return out;
}

const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;

export async function writeSaxs(c: RunContext): Promise<void> {
  const s = c.cfg.saxs;
  if (!s) return;
  const d = c.dets.find((x) => x.name === s.detector);
  if (!d) return;
  const { log, clock } = c;
  // the initial state: sweeps in the OCV before the first discharge (as band_stability.csv's)
  const isInitial = (m: number) => clock.halfCycle[m]! < 0 && clock.cycle[m]! === 0;
  const expected = expectedInvariantRatio(s);
  const summary = [csvLine(columnsOf(RESULTS.porodSummary))];
  const regions: SaxsSummary["regions"] = {};
  for (const [region, sweeps] of c.streams.get(d.name)!.regions) {
    const p = regionPorod(s, d.radial, sweeps, isInitial);
    const ok = p.initial.length > 0;
    const q0 = ok ? mean(p.initial.map((j) => p.invariant[j]!)) : Number.NaN;
    const q0Err = ok
      ? Math.sqrt(p.initial.reduce((a, j) => a + p.invariantErr[j]! ** 2, 0)) / p.initial.length
      : Number.NaN;
    const kInit = p.initial.filter((j) => Number.isFinite(p.k[j]!));
    const k0 = kInit.length ? mean(kInit.map((j) => p.k[j]!)) : Number.NaN;
    const lines = [csvLine(columnsOf(RESULTS.porod))];
    const ratios: number[] = [];
    sweeps.forEach((sw, j) => {
      const m = sw.mid;
      const r = p.invariant[j]! / q0;
      const rErr = Math.abs(r) * Math.hypot(p.invariantErr[j]! / p.invariant[j]!, q0Err / q0);
      if (Number.isFinite(r)) ratios.push(r);
      lines.push(
        [
          isoUtc(log.timeS[m]!),
          fmt(clock.sodcPct[m]!),
          clock.step[m],
          clock.cycle[m],
          fmt(p.invariant[j]!),
          fmt(p.invariantErr[j]!),
          fmt(r),
          fmt(rErr),
          fmt(p.k[j]!),
          fmt(p.kErr[j]!),
          fmt(p.k[j]! / k0),
          fmt(p.b[j]!),
          sw.frames.length,
        ].join(","),
      );
    });
    await writeFile(join(c.tmp, resultPath.porod(region, d.name)), csv(lines));
    if (!ok || ratios.length === 0) continue;
    // the typical sweep's relative σ (the median), for the propagated part of the limit
    const rel = Array.from(p.invariantErr, (e, j) => e / Math.abs(p.invariant[j]!))
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    const lim = stabilityLimit(
      p.initial.map((j) => p.invariant[j]!),
      p.initial.map((j) => p.invariantErr[j]!),
      rel[rel.length >> 1] ?? 0,
    );
    const maxRel = Math.max(...ratios.map((r) => Math.abs(r - 1)));
    const finalRatio = ratios[ratios.length - 1]!;
    let kFinal: number | null = null;
    for (let j = sweeps.length - 1; j >= 0 && kFinal === null; j--)
      if (Number.isFinite(p.k[j]! / k0)) kFinal = p.k[j]! / k0;
    regions[region] = {
      invariant_initial: lim.reference,
      detection_limit: lim.limit,
      limit_from: lim.from,
      max_rel_change: maxRel,
      final_ratio: finalRatio,
      within_limit: maxRel <= lim.limit,
      porod_k_final_ratio: kFinal,
      sweeps: ratios.length,
    };
    summary.push(
      [
        region,
        d.name,
        fmt(lim.reference),
        fmt(lim.limit),
        lim.from,
        fmt(maxRel),
        fmt(finalRatio),
        fmt(expected.ratio),
        maxRel <= lim.limit ? "yes" : "no",
        kFinal === null ? "" : fmt(kFinal),
        ratios.length,
      ].join(","),
    );
  }
  await writeFile(join(c.tmp, RESULTS.porodSummary.path), csv(summary));
  await writeFile(join(c.tmp, resultPath.invariantMap(d.name)), invariantMapCsv(c, s, d.name));
  c.saxs = {
    detector: d.name,
    invariant_q: s.invariantQ,
    porod_q: s.porodQ ?? null,
    conversion: s.conversion,
    expected_ratio: expected.ratio,
    expected_rel_change: expected.ratio - 1,
    assumption: expected.assumption,
    detection_limit_rule: DETECTION_LIMIT_RULE,
    regions,
  };
}

/** Every point's Q* per sweep, and its ratio to the point's own initial-OCV mean (one pass over the store). */
function invariantMapCsv(c: RunContext, s: SaxsConfig, det: string): string {
  const d = c.dets.find((x) => x.name === det)!;
  const { log, clock, grid, pass } = c;
  const stream = c.streams.get(det)!;
  const n = d.index.length;
  const value = new Float64Array(n).fill(Number.NaN);
  const error = new Float64Array(n).fill(Number.NaN);
  const sum = new Float64Array(pass.nPix);
  const sum2 = new Float64Array(pass.nPix);
  const count = new Int32Array(pass.nPix);
  d.store.forEach((k, r) => {
    if (!r.ok) return;
    const inv = porodInvariant(d.radial, r.intensity, r.sigma, s.invariantQ);
    value[k] = inv.value;
    error[k] = inv.error;
    const i = d.index[k]!;
    if (pass.inOcv(i) && !isOpaque(r.transmission)) {
      const p = pass.pixelOf(i);
      sum[p]! += inv.value;
      sum2[p]! += inv.error ** 2;
      count[p]!++;
    }
  });
  const lines = [csvLine(columnsOf(RESULTS.invariantMap))];
  for (let k = 0; k < n; k++) {
    const i = d.index[k]!;
    const p = pass.pixelOf(i);
    const row = Math.floor(p / grid.cols);
    const col = p % grid.cols;
    const m = count[p]!;
    const q0 = m > 0 ? sum[p]! / m : Number.NaN;
    const q0Err = m > 0 ? Math.sqrt(sum2[p]!) / m : Number.NaN;
    const opaque = isOpaque(c.transmission[i]!);
    const r = opaque ? Number.NaN : value[k]! / q0;
    const rErr = Math.abs(r) * Math.hypot(error[k]! / value[k]!, q0Err / q0);
    lines.push(
      [
        row,
        col,
        fmt(grid.xMm[col]!),
        fmt(grid.yMm[row]!),
        stream.sweep[k],
        isoUtc(log.timeS[i]!),
        fmt(clock.sodcPct[i]!),
        fmt(value[k]!),
        fmt(error[k]!),
        fmt(r),
        fmt(rErr),
      ].join(","),
    );
  }
  return csv(lines);
}
