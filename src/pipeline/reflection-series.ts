/**
 * Per-reflection tracking (issue 20, the paper's In(110) argument: one reflection of the indium
 * anode fades before the others, which a phase fit with one shared width and tied areas cannot
 * show). Per sweep, on the region's mean curve minus the peak's base: the phase fit's lattice scale
 * (centres at s·q_hkl, so a = a₀/s); each reflection's area from one fit of all the window's lines
 * with free areas (shared width and background); and each reflection fitted on its own — one
 * pseudo-Voigt with free η and a linear background in a window of ±1.5 FWHM of the phase fit
 * around it, cut halfway to a neighbour — for its centre and FWHM, with errors.
 */
import { fitPhasePeaks, type PeakFit } from "../analysis/peaks.js";
import { isoUtc } from "../echem/index.js";
import { type PhaseName, type Reflection, structure } from "../physics/index.js";
import { columnsOf, csv, csvLine, fmt, RESULTS } from "../results/index.js";
import type { PeakConfig } from "./config.js";
import { type PeakSweeps, sweepCurve } from "./products.js";
import { phaseDetected } from "./size-fit.js";

/** `111` for (1, 1, 1); signed indices keep their sign (`1-10`). */
export const hklName = (hkl: readonly number[]) => hkl.join("");

const FIELDS = ["area", "area_err", "center_q", "center_q_err", "fwhm_q", "fwhm_q_err"] as const;

/** The column names after the fixed ones: six per reflection. */
export function reflectionColumns(refl: Reflection[]): string[] {
  return refl.flatMap((r) =>
    FIELDS.map((f) =>
      f.endsWith("_err") ? `${f.slice(0, -4)}_${hklName(r.hkl)}_err` : `${f}_${hklName(r.hkl)}`,
    ),
  );
}

/** The reflections a peak tracks: those of its fit whose position lies inside its window. */
export function trackedReflections(pk: PeakConfig, refl: Reflection[]): Reflection[] {
  return refl.filter((r) => r.qNm >= pk.q[0] && r.qNm <= pk.q[1]);
}

export interface ReflectionTable {
  csv: string;
  /** Unix time of each sweep, and every numeric column of the CSV by name (NaN where empty). */
  timeS: Float64Array;
  columns: Map<string, Float64Array>;
}

/**
 * One sweep's per-reflection cells (area, its σ, centre, its σ, FWHM, its σ for each tracked
 * reflection; NaN where there is none), from its curve minus base and its phase fit.
 */
export function reflectionCells(
  pk: PeakConfig,
  refl: Reflection[],
  radial: Float64Array,
  y: Float64Array,
  sigma: Float64Array,
  phase: PeakFit,
): number[] {
  const tracked = trackedReflections(pk, refl);
  const seen = phaseDetected(phase);
  const scale = seen ? phase.latticeScale : 1;
  const width = seen ? phase.fwhmQ : 0.5;
  // the areas from one fit of all the lines with free areas, a shared width and background: a line
  // fitted alone in a window cut between it and an overlapping neighbour loses area to the cut
  const joint = fitPhasePeaks(radial, y, sigma, {
    window: pk.q,
    reflections: refl,
    amplitudes: "free",
    eta: "free",
    ...(pk.instrumentFwhmQ !== undefined && { instrumentFwhmQ: pk.instrumentFwhmQ }),
  });
  const cells: number[] = [];
  tracked.forEach((r, k) => {
    const q0 = scale * r.qNm;
    // ±1.5 FWHM, but not past halfway to a neighbour
    const prev = k > 0 ? scale * tracked[k - 1]!.qNm : Number.NEGATIVE_INFINITY;
    const next = k + 1 < tracked.length ? scale * tracked[k + 1]!.qNm : Number.POSITIVE_INFINITY;
    const lo = Math.max(q0 - 1.5 * width, 0.5 * (prev + q0));
    const hi = Math.min(q0 + 1.5 * width, 0.5 * (q0 + next));
    const fit = fitPhasePeaks(radial, y, sigma, {
      window: [lo, hi],
      reflections: [{ qNm: r.qNm, intensity: 1 }],
      amplitudes: "ratio",
      eta: "free",
      ...(pk.instrumentFwhmQ !== undefined && { instrumentFwhmQ: pk.instrumentFwhmQ }),
    });
    const ok = phaseDetected(fit);
    const a = joint.ok
      ? joint.peaks.find((x) => Math.abs(x.qNm - joint.latticeScale * r.qNm) < 1e-6)
      : undefined;
    const none = Number.NaN;
    const area = a && a.area > 3 * a.areaErr ? [a.area, a.areaErr] : [none, none];
    const shape = ok ? [fit.centerQ, fit.centerErr, fit.fwhmQ, fit.fwhmErr] : [none, none, none, none];
    cells.push(...area, ...shape);
  });
  return cells;
}

/**
 * `phaseFits`: each sweep's phase fit, as crystalliteSeries made it (not fitted again here);
 * `fitted`: each sweep's reflectionCells where they are computed already (on the run's threads:
 * sweep-fits.ts), else they are computed here.
 */
export function reflectionSeries(
  x: PeakSweeps,
  phaseFits: readonly PeakFit[],
  fitted?: readonly (readonly number[])[],
): ReflectionTable {
  const { pk, sweeps, radial, refl, timeS, clock } = x;
  const tracked = trackedReflections(pk, refl);
  const names = [...columnsOf(RESULTS.reflections).slice(1), ...reflectionColumns(tracked)];
  const columns = new Map(names.map((n) => [n, new Float64Array(sweeps.length)]));
  const lines = [csvLine(["time", ...names])];
  const a0Nm = structure(pk.phase as PhaseName).a / 10;
  for (const [i, s] of sweeps.entries()) {
    const phase = phaseFits[i]!;
    const seen = phaseDetected(phase);
    const cells = fitted?.[i] ?? reflectionCells(pk, refl, radial, sweepCurve(x, i), s.sigma, phase);
    const m = s.mid;
    // every centre at s·q_hkl: the cell scaled by 1/s (a = a₀/s, σ_a = a·σ_s/s), the strain vs time
    const s0 = seen ? phase.latticeScale : Number.NaN;
    const sErr = seen ? phase.latticeScaleErr : Number.NaN;
    const row = [clock.sodcPct[m]!, s0, sErr, a0Nm / s0, ((a0Nm / s0) * sErr) / s0, ...cells];
    names.forEach((n, k) => {
      columns.get(n)![i] = row[k]!;
    });
    lines.push(csvLine([isoUtc(timeS[m]!), ...row.map(fmt)]));
  }
  return { csv: csv(lines), timeS: Float64Array.from(sweeps, (s) => timeS[s.mid]!), columns };
}
