/**
 * What `swaxs run` derives from the per-sweep region means and the per-frame band values: maps at
 * a state of discharge, region time series and band stability, Scherrer crystallite sizes. Each
 * returns its CSV text and the numbers results.h5 stores.
 */
import type { PeakFit } from "../analysis/peaks.js";
import type { Role } from "../analysis/regions.js";
import { type EchemSeries, type FrameClock, isoUtc } from "../echem/index.js";
import type { Reflection } from "../physics/index.js";
import { columnsOf, csv, csvLine, fmt, RESULTS } from "../results/index.js";
import type { RegionSweep } from "./analyse.js";
import type { PeakConfig } from "./config.js";
import { phaseDetected, type SizeFitResult, sizeFit } from "./size-fit.js";

/**
 * When the cell reached `sodPct` of its first discharge [Unix s], from the cycler records (linear
 * between the two records around it); NaN if it never did.
 */
export function timeOfSod(series: EchemSeries, sodPct: number): number {
  const h = series.halfCycles.find((x) => x.kind === "discharge");
  if (!h || !series.sodcPct || !series.unixS) return Number.NaN;
  const s = series.sodcPct;
  const t = series.unixS;
  if (sodPct <= 0) return t[h.first]!;
  for (let k = h.first + 1; k <= h.end; k++) {
    if (s[k]! >= sodPct) {
      const w = s[k] === s[k - 1] ? 1 : (sodPct - s[k - 1]!) / (s[k]! - s[k - 1]!);
      return t[k - 1]! + w * (t[k]! - t[k - 1]!);
    }
  }
  return Number.NaN;
}

export interface BandMap {
  value: Float64Array;
  /** σ of each value, from its two visits' σ as independent: σ² = (1−w)²σa² + w²σb². */
  error: Float64Array;
  /** 1 where a visit it is made from is opaque (value and error then NaN). */
  opaque: Uint8Array;
}

/**
 * A band's map at Unix time `when`: each pixel's value linear in time between its own two visits
 * around that moment (the paper's maps at a state of discharge); NaN without a visit on one side,
 * and where either visit is opaque (`opaque(i)`: a ratio of noise, flagged instead).
 * `visits[p]`: the pixel's scan-log indices with a value, in time order.
 */
export function mapAt(
  visits: number[][],
  v: Float64Array,
  err: Float64Array,
  timeS: Float64Array,
  when: number,
  opaque: (i: number) => boolean = () => false,
): BandMap {
  const value = new Float64Array(visits.length).fill(Number.NaN);
  const error = new Float64Array(visits.length).fill(Number.NaN);
  const flag = new Uint8Array(visits.length);
  if (!Number.isFinite(when)) return { value, error, opaque: flag };
  visits.forEach((vs, p) => {
    for (let j = 1; j < vs.length; j++) {
      const a = vs[j - 1]!;
      const b = vs[j]!;
      if (timeS[a]! <= when && timeS[b]! >= when) {
        if (opaque(a) || opaque(b)) {
          flag[p] = 1;
          return;
        }
        const w = timeS[b] === timeS[a] ? 0 : (when - timeS[a]!) / (timeS[b]! - timeS[a]!);
        value[p] = v[a]! + w * (v[b]! - v[a]!);
        error[p] = Math.sqrt(((1 - w) * err[a]!) ** 2 + (w * err[b]!) ** 2);
        return;
      }
    }
  });
  return { value, error, opaque: flag };
}

export interface SizeSeries {
  csv: string;
  timeS: Float64Array;
  sizeNm: Float64Array;
  sizeErrNm: Float64Array;
  /** How the sweeps' fits went (run.json `peak_fits`). */
  fits: PeakFitSummary;
  /** Each sweep's phase fit (reflectionSeries takes its lattice scale and width from it). */
  phaseFits: PeakFit[];
}

/** Per peak, over its sweeps: which areas model the fits used, and the size broadening's shape. */
export interface PeakFitSummary {
  amplitudes: string;
  shape: string;
  base: string;
  background: string;

  /** Sweeps where the phase was detected, by the areas model used. */
  ratio: number;
  free: number;
  /** Sweeps where the tied and the free fit's sizes differ by more than 2σ ("auto" only). */
  disagree: number;
  /** Median η of the size broadening (0 Gaussian … 1 Lorentzian) over the sized sweeps. */
  size_eta_median: number | null;
}

/** A peak's region sweeps and what its fits need: the input of the per-sweep peak products. */
export interface PeakSweeps {
  pk: PeakConfig;
  sweeps: RegionSweep[];
  /** The region's base curve (see writeCrystallite), subtracted before the fits. */
  base: Float64Array;
  radial: Float64Array;
  refl: Reflection[];
  timeS: Float64Array;
  clock: FrameClock;
}

/** Sweep k's curve as it is fitted: the region's mean minus its base. */
export function sweepCurve(x: PeakSweeps, k: number): Float64Array {
  return x.sweeps[k]!.raw.map((v, j) => v - x.base[j]!);
}

/**
 * Scherrer sizes per sweep: the phase's reflections in the window fitted together on the region's
 * mean curve minus `base` (the peak's base: see writeCrystallite), then L = 2πK/FWHM of the size
 * broadening (size-fit.ts).
 */
export function crystalliteSeries(x: PeakSweeps, fitted?: SizeFitResult[]): SizeSeries {
  const { pk, sweeps, radial, refl, timeS, clock } = x;
  const lines = [csvLine(columnsOf(RESULTS.crystallite))];
  const t: number[] = [];
  const size: number[] = [];
  const err: number[] = [];
  const model = { ratio: 0, free: 0, disagree: 0 };
  const phaseFits: PeakFit[] = [];
  const etas: number[] = [];
  for (const [k, s] of sweeps.entries()) {
    // fitted already (on the run's threads: sweep-fits.ts), else here
    const r = fitted?.[k] ?? sizeFit(pk, radial, sweepCurve(x, k), s.sigma, refl);
    phaseFits.push(r.fit);
    const { fit, size: L } = r;
    const seen = phaseDetected(fit);
    if (seen) {
      model[r.amplitudes]++;
      if (r.disagree) model.disagree++;
      if (L) etas.push(L.sizeEta);
    }
    const m = s.mid;
    // the fit's σ and the size model's systematic, in quadrature (size-fit.ts SIZE_SYSTEMATIC)
    const errNm = L ? Math.hypot(L.sizeErrNm, r.modelErrNm) : Number.NaN;
    lines.push(
      [
        isoUtc(timeS[m]!),
        clock.step[m],
        clock.cycle[m],
        fmt(clock.sodcPct[m]!),
        L ? fmt(L.sizeNm) : "",
        fmt(errNm),
        L ? fmt(r.modelErrNm) : "",
        seen ? fmt(fit.centerQ) : "",
        seen ? fmt(fit.fwhmQ) : "",
      ].join(","),
    );
    t.push(timeS[m]!);
    size.push(L ? L.sizeNm : Number.NaN);
    err.push(errNm);
  }
  return {
    csv: csv(lines),
    timeS: Float64Array.from(t),
    sizeNm: Float64Array.from(size),
    sizeErrNm: Float64Array.from(err),
    phaseFits,
    fits: {
      amplitudes: pk.amplitudes,
      shape: pk.shape,
      base: pk.base,
      background: pk.background,
      ...model,
      size_eta_median: etas.length ? Number(etas.sort((a, b) => a - b)[etas.length >> 1]!.toFixed(3)) : null,
    },
  };
}

/** A region's q × time heatmap of its mean normalised curve (the paper's Fig. 2a). */
export function heatmapCsv(
  sweeps: RegionSweep[],
  radial: Float64Array,
  timeS: Float64Array,
  clock: FrameClock,
): string {
  const lines = [csvLine([...columnsOf(RESULTS.heatmap), ...Array.from(radial, fmt)])];
  for (const s of sweeps)
    lines.push(
      `${isoUtc(timeS[s.mid]!)},${fmt(clock.sodcPct[s.mid]!)},${Array.from(s.normalised, fmt).join(",")}`,
    );
  return csv(lines);
}

export interface BandSeries {
  csv: string;
  value: Float64Array;
  error: Float64Array;
  /** `region,band,detector,initial_value,max_rel_change,final_rel_change,sweeps` or null without an initial state. */
  stability: string | null;
}

/**
 * A band through the experiment in one region: the mean band value of its pixels per sweep (σ of the
 * mean √(Σσᵢ²)/n; opaque points left out), and how far it strays from its initial (OCV) value — the
 * paper's argument that the cathode's SAXS hardly changes (Fig. 3d–e).
 */
export function bandSeries(
  region: Role,
  band: { name: string; detector: string },
  sweeps: RegionSweep[],
  v: { value: Float64Array; error: Float64Array; opaque: (i: number) => boolean },
  timeS: Float64Array,
  clock: FrameClock,
): BandSeries {
  const lines = [csvLine(columnsOf(RESULTS.series))];
  const value = new Float64Array(sweeps.length);
  const error = new Float64Array(sweeps.length);
  const initial: number[] = [];
  sweeps.forEach((s, n) => {
    const used = s.frames.filter((i) => Number.isFinite(v.value[i]!) && !v.opaque(i));
    const k = used.length;
    const avg = k ? used.reduce((a, i) => a + v.value[i]!, 0) / k : Number.NaN;
    const err = k ? Math.sqrt(used.reduce((a, i) => a + v.error[i]! ** 2, 0)) / k : Number.NaN;
    value[n] = avg;
    error[n] = err;
    const m = s.mid;
    if (k && clock.halfCycle[m]! < 0 && clock.cycle[m]! === 0) initial.push(avg);
    lines.push(
      [isoUtc(timeS[m]!), fmt(clock.sodcPct[m]!), clock.step[m], clock.cycle[m], fmt(avg), fmt(err), k].join(
        ",",
      ),
    );
  });
  const seen = Array.from(value).filter(Number.isFinite);
  let stability: string | null = null;
  if (initial.length && seen.length) {
    const v0 = initial.reduce((a, x) => a + x, 0) / initial.length;
    const rel = seen.map((x) => Math.abs(x / v0 - 1));
    stability = [
      region,
      band.name,
      band.detector,
      fmt(v0),
      fmt(Math.max(...rel)),
      fmt(rel[rel.length - 1]!),
      seen.length,
    ].join(",");
  }
  return { csv: csv(lines), value, error, stability };
}
