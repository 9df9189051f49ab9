/**
 * dQ/dV (incremental capacity) of a cycler log, one curve per half-cycle.
 *
 * Method: a histogram of the charge passed on a voltage grid of `binMv` (incremental capacity
 * analysis, M. Dubarry, V. Svoboda, R. Hwu, B. Y. Liaw, Electrochem. Solid-State Lett. 9 (2006)
 * A454; the binned form as in M. Dubarry, B. Y. Liaw, J. Power Sources 194 (2009) 541). Between two
 * records the charge is taken to pass uniformly over the voltage span they cover (Q(V) piecewise
 * linear between records), and each bin receives the part of that span inside it; its value is
 *   dQ/dV = (charge passed while V was in the bin) / (bin width).
 * Why a histogram and not a point-by-point ΔQ/ΔV (or a Savitzky–Golay derivative of Q(V)): ΔV
 * between records is often a few ADC counts, and noise on it makes ΔQ/ΔV blow up (and change sign);
 * here no interval is ever divided by its own ΔV, so voltage noise σ_V only blurs the curve by
 * ~σ_V, and a record pair that steps back and forth over a bin edge just shares its charge.
 * The bins sum to the half-cycle's charge exactly (∫ dQ/dV dV = Q), which is what makes peak
 * areas meaningful.
 *
 * Robustness: a curve never spans two half-cycles (so never a voltage turning point: half-cycles
 * end where the current changes sign, segments.ts), leaves out rests inside a half-cycle (GITT
 * pauses: the voltage relaxes with no charge, and would otherwise smear the intervals around
 * them), and, where the control mode is known, constant-voltage holds (charge at one voltage:
 * dQ/dV is unbounded there, a spike of the hold's charge in one bin). What is left out is counted
 * in `excludedMAh`.
 */
import { InputError } from "../util/errors.js";
import { restThresholdMA } from "./segments.js";
import type { EchemSeries } from "./series.js";

export const DQDV_BIN_MV_DEFAULT = 5;
/** Bin widths accepted [mV]: below 0.1 mV no cycler resolves the voltage, above 1 V nothing is left. */
export const DQDV_BIN_MV_RANGE: readonly [number, number] = [0.1, 1000];

export interface DqdvOptions {
  /** Width of the voltage bins [mV]; default 5. */
  binMv?: number;
  /** Control mode per record (CyclerRecords.mode: 2 = constant voltage), to leave CV holds out. */
  mode?: Uint8Array | null;
}

export interface DqdvCurve {
  /** Half-cycle index (EchemSeries.halfCycles) and its cycle and direction. */
  halfCycle: number;
  cycle: number;
  kind: "discharge" | "charge";
  /** Bin centres [V], in the order the half-cycle runs through them (falling on discharge). */
  voltageV: Float64Array;
  /** dQ/dV [mAh/V], ≥ 0 in both directions (Q and V fall together on discharge, rise on charge). */
  dqdvMAhPerV: Float64Array;
  /** The same per gram of active material [mAh/(g·V)], or null without a mass. */
  dqdvMAhPerGV: Float64Array | null;
  /** Charge passed in each bin [mAh] (= dQ/dV × bin width). */
  chargeMAh: Float64Array;
  /** Charge-weighted mean time of each bin, on the file's own clock [s] (as EchemSeries.timeS). */
  timeS: Float64Array;
  /** The same as Unix time [s, UTC], when the series has an absolute clock; else null. */
  unixS: Float64Array | null;
  /** Record intervals that put charge in each bin. */
  intervals: Int32Array;
  /** Charge of the half-cycle left out (rests inside it, constant-voltage holds) [mAh]. */
  excludedMAh: number;
}

export interface Dqdv {
  binMv: number;
  massMg: number | null;
  /** Units of the curve one would show: "mAh/(g·V)" with a mass, else "mAh/V". */
  units: "mAh/(g·V)" | "mAh/V";
  curves: DqdvCurve[];
}

export function dqdv(series: EchemSeries, opts: DqdvOptions = {}): Dqdv {
  const binMv = opts.binMv ?? DQDV_BIN_MV_DEFAULT;
  const [lo, hi] = DQDV_BIN_MV_RANGE;
  if (!(binMv >= lo && binMv <= hi))
    throw new InputError("", `dQ/dV bin width must be ${lo}–${hi} mV, got ${binMv}`);
  if (opts.mode && opts.mode.length !== series.n)
    throw new InputError(series.file, `mode has ${opts.mode.length} values for ${series.n} records`);
  const rest = restThresholdMA(series.currentMA);
  const curves = series.halfCycles.map((h) =>
    halfCycleCurve(series, h.index, binMv / 1000, rest, opts.mode ?? null),
  );
  return {
    binMv,
    massMg: series.massMg,
    units: series.massMg ? "mAh/(g·V)" : "mAh/V",
    curves,
  };
}

function halfCycleCurve(
  s: EchemSeries,
  index: number,
  widthV: number,
  restMA: number,
  mode: Uint8Array | null,
): DqdvCurve {
  const h = s.halfCycles[index]!;
  const sign = h.kind === "discharge" ? -1 : 1;
  const { eweV: v, chargeMAh: q, timeS: t, currentMA: cur } = s;
  // the bins the half-cycle's voltage reaches (finite voltages only: a NaN record gives no span)
  let vMin = Number.POSITIVE_INFINITY;
  let vMax = Number.NEGATIVE_INFINITY;
  for (let k = h.first; k <= h.end; k++) {
    const x = v[k]!;
    if (!Number.isFinite(x)) continue;
    if (x < vMin) vMin = x;
    if (x > vMax) vMax = x;
  }
  const j0 = Number.isFinite(vMin) ? Math.floor(vMin / widthV) : 0;
  const nBins = Number.isFinite(vMin) ? Math.floor(vMax / widthV) - j0 + 1 : 0;
  const charge = new Float64Array(nBins);
  const weight = new Float64Array(nBins);
  const tSum = new Float64Array(nBins);
  const tPlain = new Float64Array(nBins);
  const count = new Int32Array(nBins);
  let excluded = 0;
  const add = (j: number, dq: number, tMid: number) => {
    charge[j] += dq;
    weight[j] += Math.abs(dq);
    tSum[j] += Math.abs(dq) * tMid;
    tPlain[j] += tMid;
    count[j]++;
  };
  for (let k = h.first; k < h.end; k++) {
    const dq = sign * (q[k + 1]! - q[k]!);
    const a = v[k]!;
    const b = v[k + 1]!;
    const atRest = Math.abs(cur[k]!) <= restMA && Math.abs(cur[k + 1]!) <= restMA;
    const cv = mode !== null && (mode[k + 1] === 2 || mode[k + 1] === 3);
    if (atRest || cv || !Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(dq)) {
      if (Number.isFinite(dq)) excluded += dq;
      continue;
    }
    const tMid = 0.5 * (t[k]! + t[k + 1]!);
    const vLo = Math.min(a, b);
    const vHi = Math.max(a, b);
    const jLo = Math.floor(vLo / widthV) - j0;
    const jHi = Math.floor(vHi / widthV) - j0;
    if (jLo === jHi) {
      add(jLo, dq, tMid);
      continue;
    }
    // spread over the span: each bin gets the part of [vLo, vHi] inside it
    const span = vHi - vLo;
    for (let j = jLo; j <= jHi; j++) {
      const e0 = Math.max(vLo, (j + j0) * widthV);
      const e1 = Math.min(vHi, (j + j0 + 1) * widthV);
      if (e1 > e0) add(j, (dq * (e1 - e0)) / span, tMid);
    }
  }
  // bins that received charge, in the order the half-cycle runs (falling V on discharge)
  const keep: number[] = [];
  for (let j = 0; j < nBins; j++) if (count[j]! > 0) keep.push(j);
  if (sign < 0) keep.reverse();
  const perG = s.massMg ? 1000 / s.massMg : null;
  const dqdvMAhPerV = Float64Array.from(keep, (j) => charge[j]! / widthV);
  const timeS = Float64Array.from(keep, (j) =>
    weight[j]! > 0 ? tSum[j]! / weight[j]! : tPlain[j]! / count[j]!,
  );
  const offset = s.unixS && s.startUtcS !== null ? s.startUtcS : null;
  return {
    halfCycle: h.index,
    cycle: h.cycle,
    kind: h.kind,
    voltageV: Float64Array.from(keep, (j) => (j + j0 + 0.5) * widthV),
    dqdvMAhPerV,
    dqdvMAhPerGV: perG === null ? null : dqdvMAhPerV.map((x) => x * perG),
    chargeMAh: Float64Array.from(keep, (j) => charge[j]!),
    timeS,
    unixS: offset === null ? null : timeS.map((x) => x + offset),
    intervals: Int32Array.from(keep, (j) => count[j]!),
    excludedMAh: excluded,
  };
}
