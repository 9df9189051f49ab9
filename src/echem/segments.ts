/**
 * Segmentation of a cycler log into rest (OCV), discharge and charge, half-cycles and cycles,
 * with capacities and the state of discharge/charge (SODC) as the paper uses it.
 */
import type { CyclerRecords } from "./types.js";

export type SegmentKind = "rest" | "discharge" | "charge";

export interface Segment {
  kind: SegmentKind;
  /** First and last record (inclusive). */
  first: number;
  last: number;
}

export interface HalfCycle {
  /** 0-based, in time order. */
  index: number;
  kind: "discharge" | "charge";
  /** Cycle number (1-based): a cycle is a half-cycle of the first kind seen plus the next of the other. */
  cycle: number;
  /** First and last record with current (inclusive), rests inside the half-cycle included. */
  first: number;
  last: number;
  /** Record where the current has stopped: `endRecord(last)`. */
  end: number;
  startS: number;
  endS: number;
  /** Step (Ns) at its first record, when the file has steps. */
  step: number | null;
  /** |charge passed| over the half-cycle [mAh]. */
  capacityMAh: number;
  /** Mean |current| while current flows [mA]. */
  meanCurrentMA: number;
  /** C-rate estimate: mean current / capacity [1/h]; 1/cRate is the hours for a full half-cycle. */
  cRate: number;
}

/**
 * Records with |I| below this are at rest: 0.5 % of the largest |I| in the file (cyclers report a
 * few µA of noise at OCV), and never below 1 nA.
 */
export function restThresholdMA(currentMA: Float64Array): number {
  let max = 0;
  for (const v of currentMA) if (Math.abs(v) > max) max = Math.abs(v);
  return Math.max(1e-6, 0.005 * max);
}

function kindOf(i: number, rest: number): SegmentKind {
  return Math.abs(i) <= rest ? "rest" : i < 0 ? "discharge" : "charge";
}

/** Maximal runs of records of one kind (a step change also starts a new segment). */
export function segment(rec: Pick<CyclerRecords, "n" | "currentMA" | "step" | "mode">): Segment[] {
  const rest = restThresholdMA(rec.currentMA);
  const out: Segment[] = [];
  for (let k = 0; k < rec.n; k++) {
    const kind = rec.mode?.[k] === 3 ? "rest" : kindOf(rec.currentMA[k]!, rest);
    const prev = out[out.length - 1];
    const newStep = rec.step !== null && k > 0 && rec.step[k] !== rec.step[k - 1];
    if (prev && prev.kind === kind && !newStep) prev.last = k;
    else out.push({ kind, first: k, last: k });
  }
  return out;
}

/**
 * Net charge passed since the start [mAh], for files without it: each record's current holds until
 * the next record (cyclers log at the start of every step and then at intervals, so this is exact
 * for a piecewise-constant current, where the trapezoid rule smears every step edge).
 */
export function integrateCharge(timeS: Float64Array, currentMA: Float64Array): Float64Array {
  const q = new Float64Array(timeS.length);
  for (let k = 1; k < q.length; k++)
    q[k] = q[k - 1]! + (currentMA[k - 1]! * (timeS[k]! - timeS[k - 1]!)) / 3600;
  return q;
}

/**
 * Record at which the current of records first..last has stopped flowing: the next record, where
 * there is one. A half-cycle spans [t(first), t(end)] and its charge is Q(end) − Q(first).
 */
export function endRecord(last: number, n: number): number {
  return Math.min(last + 1, n - 1);
}

/**
 * Half-cycles: runs of discharge (or charge) segments; a rest between two segments of the same
 * direction belongs to the half-cycle (GITT pulses, interruptions), a rest before a change of direction
 * belongs to neither.
 */
export function halfCycles(
  rec: Pick<CyclerRecords, "n" | "timeS" | "currentMA" | "step">,
  segs: Segment[],
  chargeMAh: Float64Array,
): HalfCycle[] {
  const active = segs.filter((s) => s.kind !== "rest") as (Segment & { kind: "discharge" | "charge" })[];
  const out: HalfCycle[] = [];
  let firstKind: "discharge" | "charge" | null = null;
  let cycle = 0;
  for (const s of active) {
    const prev = out[out.length - 1];
    if (prev && prev.kind === s.kind) {
      prev.last = s.last;
      continue;
    }
    firstKind ??= s.kind;
    if (s.kind === firstKind) cycle++;
    out.push({
      index: out.length,
      kind: s.kind,
      cycle,
      first: s.first,
      last: s.last,
      end: 0,
      startS: 0,
      endS: 0,
      step: rec.step ? rec.step[s.first]! : null,
      capacityMAh: 0,
      meanCurrentMA: 0,
      cRate: 0,
    });
  }
  const rest = restThresholdMA(rec.currentMA);
  for (const h of out) {
    h.end = endRecord(h.last, rec.n);
    h.startS = rec.timeS[h.first]!;
    h.endS = rec.timeS[h.end]!;
    h.capacityMAh = Math.abs(chargeMAh[h.end]! - chargeMAh[h.first]!);
    let sum = 0;
    let dt = 0;
    for (let k = h.first; k < h.end; k++) {
      const i = Math.abs(rec.currentMA[k]!);
      if (i <= rest) continue;
      const d = rec.timeS[k + 1]! - rec.timeS[k]!;
      sum += i * d;
      dt += d;
    }
    h.meanCurrentMA = dt > 0 ? sum / dt : 0;
    h.cRate = h.capacityMAh > 0 ? h.meanCurrentMA / h.capacityMAh : 0;
  }
  return out;
}

/**
 * SODC [%] at every record (the paper's state of discharge/charge): 0 % until the first discharge
 * starts, 100 % at its end, then falling as charge is returned:
 *   SODC(t) = 100 · (Q(t₀) − Q(t)) / (Q(t₀) − Q(t₁)),   Q signed (negative on discharge),
 * t₀, t₁ the start and end of the first discharge. Null when the log has no discharge.
 */
export function sodcPct(chargeMAh: Float64Array, half: HalfCycle[]): Float64Array | null {
  const first = half.find((h) => h.kind === "discharge");
  if (!first || first.capacityMAh === 0) return null;
  const q0 = chargeMAh[first.first]!;
  const span = q0 - chargeMAh[first.end]!;
  const out = new Float64Array(chargeMAh.length);
  for (let k = first.first; k < out.length; k++) out[k] = (100 * (q0 - chargeMAh[k]!)) / span;
  return out;
}
