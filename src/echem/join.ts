/**
 * The join: every X-ray frame placed on the electrochemical clock. Frame times are UTC (from the
 * scan log); the cycler's are made UTC by the stated zone or clock offset (see `series.ts`). Values
 * are interpolated linearly between the two records around each frame; steps, cycles and
 * half-cycles are those of the record at or before it. Frames outside the log are flagged and
 * counted, never extrapolated.
 */
import { InputError } from "../util/errors.js";
import type { EchemSeries } from "./series.js";

export interface FrameClock {
  /** 1 where the frame lies within the log. */
  inLog: Uint8Array;
  /** Seconds since the cycler log started (NaN outside). */
  timeS: Float64Array;
  eweV: Float64Array;
  currentMA: Float64Array;
  /** SODC [%] (NaN outside the log or without a discharge). */
  sodcPct: Float64Array;
  /** |charge passed| since the start of the frame's half-cycle [mAh]; NaN outside any half-cycle. */
  capacityMAh: Float64Array;
  step: Int32Array;
  cycle: Int32Array;
  halfCycle: Int32Array;
  before: number;
  after: number;
}

/** Index of the last element ≤ x in a sorted array, −1 if none. */
function lastAtOrBefore(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length - 1;
  if (!(x >= a[0]!)) return -1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (a[mid]! <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function joinFrames(series: EchemSeries, frameUnixS: ArrayLike<number>): FrameClock {
  const t = series.unixS;
  if (!t)
    throw new InputError(
      series.file,
      "the cycler's clock is unknown: state its time zone (e.g. Europe/Berlin, +01:00) or a clock offset in seconds",
    );
  const n = frameUnixS.length;
  const out: FrameClock = {
    inLog: new Uint8Array(n),
    timeS: new Float64Array(n).fill(Number.NaN),
    eweV: new Float64Array(n).fill(Number.NaN),
    currentMA: new Float64Array(n).fill(Number.NaN),
    sodcPct: new Float64Array(n).fill(Number.NaN),
    capacityMAh: new Float64Array(n).fill(Number.NaN),
    step: new Int32Array(n).fill(-1),
    cycle: new Int32Array(n).fill(-1),
    halfCycle: new Int32Array(n).fill(-1),
    before: 0,
    after: 0,
  };
  const last = t.length - 1;
  for (let f = 0; f < n; f++) {
    const x = frameUnixS[f]!;
    if (x < t[0]!) {
      out.before++;
      continue;
    }
    if (x > t[last]!) {
      out.after++;
      continue;
    }
    const k = lastAtOrBefore(t, x);
    const k1 = Math.min(k + 1, last);
    const w = k1 === k || t[k1] === t[k] ? 0 : (x - t[k]!) / (t[k1]! - t[k]!);
    const lerp = (a: Float64Array) => a[k]! + w * (a[k1]! - a[k]!);
    out.inLog[f] = 1;
    out.timeS[f] = lerp(series.timeS);
    out.eweV[f] = lerp(series.eweV);
    out.currentMA[f] = lerp(series.currentMA);
    if (series.sodcPct) out.sodcPct[f] = lerp(series.sodcPct);
    out.step[f] = series.step ? series.step[k]! : -1;
    out.cycle[f] = series.cycle[k]!;
    const h = series.halfCycle[k]!;
    out.halfCycle[f] = h;
    if (h >= 0) {
      const hc = series.halfCycles[h]!;
      const q0 = series.chargeMAh[hc.first]!;
      out.capacityMAh[f] = Math.abs(lerp(series.chargeMAh) - q0);
    }
  }
  return out;
}

/**
 * The whole-hour shifts h, of `hours` and in their order, under which every frame moved by h hours
 * falls inside the log: a log read in the wrong time zone misses the frames by such a shift
 * (the run's hint, issue 21), and a log in local time is on UTC for the shifts that are its zone's
 * offset (swaxs init's hint).
 */
export function coveringHourShifts(
  series: EchemSeries,
  frameUnixS: ArrayLike<number>,
  hours: Iterable<number>,
): number[] {
  const out: number[] = [];
  for (const h of hours) {
    const c = joinFrames(
      series,
      Float64Array.from(frameUnixS, (t) => t + h * 3600),
    );
    if (c.before + c.after === 0) out.push(h);
  }
  return out;
}
