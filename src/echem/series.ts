/**
 * One electrochemical time series from any cycler file: absolute time (when the clock is known),
 * time since start, Ewe, I, charge passed, steps, segments, half-cycles, cycles and SODC.
 */

import { InputError } from "../util/errors.js";
import { headerMassMg } from "./mass.js";
import { type HalfCycle, halfCycles, integrateCharge, type Segment, segment, sodcPct } from "./segments.js";
import { type CyclerClock, cyclerToUtcS } from "./timezone.js";
import type { CyclerRecords } from "./types.js";

export interface EchemSeries {
  file: string;
  format: string;
  n: number;
  columns: string[];
  metadata: Record<string, string | number>;
  /** Start on the cycler's wall clock, as written (no zone); null if the file does not say. */
  startLocal: string | null;
  /** Start [Unix s, UTC]; null unless the file gives UTC or a clock was stated. */
  startUtcS: number | null;
  timeS: Float64Array;
  /** Absolute time of each record [Unix s, UTC], or null (see startUtcS). */
  unixS: Float64Array | null;
  eweV: Float64Array;
  currentMA: Float64Array;
  /** Net charge since start [mAh], negative on discharge; from the file or ∫I dt. */
  chargeMAh: Float64Array;
  chargeFrom: "file" | "integrated";
  step: Int32Array | null;
  /** Half-cycle index of each record; −1 outside any (before the first, rests between). */
  halfCycle: Int32Array;
  /** Cycle number of each record (ours: counts from the first half-cycle's direction), 0 before the first. */
  cycle: Int32Array;
  sodcPct: Float64Array | null;
  segments: Segment[];
  halfCycles: HalfCycle[];
  /** Active-material mass [mg] when given, for mAh/g. */
  massMg: number | null;
  /** Where the mass came from: stated (config, --mass-mg), the cycler file's header, or none. */
  massFrom: "stated" | "file" | null;
}

export interface SeriesOptions {
  clock?: CyclerClock;
  massMg?: number;
}

function checkMonotonic(file: string, t: Float64Array, what: string): void {
  for (let k = 1; k < t.length; k++) {
    if (!(t[k]! >= t[k - 1]!))
      throw new InputError(
        file,
        `${what} goes backwards at record ${k} (${t[k - 1]} → ${t[k]}): clock inconsistent`,
      );
  }
}

export function buildSeries(rec: CyclerRecords, opts: SeriesOptions = {}): EchemSeries {
  if (rec.n === 0) throw new InputError(rec.file, "no records");
  checkMonotonic(rec.file, rec.timeS, "time");
  if (opts.massMg !== undefined && !(opts.massMg > 0))
    throw new InputError("", `mass must be > 0 mg, got ${opts.massMg}`);
  const fileMass = headerMassMg(rec.metadata);
  const chargeMAh = rec.chargeMAh ?? integrateCharge(rec.timeS, rec.currentMA);
  const segments = segment(rec);
  const half = halfCycles(rec, segments, chargeMAh);
  const halfCycle = new Int32Array(rec.n).fill(-1);
  const cycle = new Int32Array(rec.n);
  for (const h of half) {
    for (let k = h.first; k < h.end; k++) halfCycle[k] = h.index;
    if (h.end === h.last) halfCycle[h.last] = h.index;
  }
  let c = 0;
  let hi = 0;
  for (let k = 0; k < rec.n; k++) {
    while (hi < half.length && half[hi]!.first <= k) c = half[hi++]!.cycle;
    cycle[k] = c;
  }
  let unixS: Float64Array | null = null;
  let startUtcS: number | null = null;
  if (rec.unixTimeS) {
    unixS = rec.unixTimeS;
    checkMonotonic(rec.file, unixS, "absolute time");
    startUtcS = unixS[0]! - rec.timeS[0]!;
  } else if (rec.startLocal && opts.clock) {
    startUtcS = cyclerToUtcS(rec.startLocal, opts.clock, rec.file);
    unixS = rec.timeS.map((t) => startUtcS! + t);
  }
  return {
    file: rec.file,
    format: rec.format,
    n: rec.n,
    columns: rec.columns,
    metadata: rec.metadata,
    startLocal: rec.startLocal,
    startUtcS,
    timeS: rec.timeS,
    unixS,
    eweV: rec.eweV,
    currentMA: rec.currentMA,
    chargeMAh,
    chargeFrom: rec.chargeMAh ? "file" : "integrated",
    step: rec.step,
    halfCycle,
    cycle,
    sodcPct: sodcPct(chargeMAh, half),
    segments,
    halfCycles: half,
    // a stated mass wins over the file's header (a corrected weighing, another electrode's)
    massMg: opts.massMg ?? fileMass,
    massFrom: opts.massMg !== undefined ? "stated" : fileMass !== null ? "file" : null,
  };
}

/** mAh/g of active material, or null without a mass. */
export function specificCapacity(series: EchemSeries, mAh: number): number | null {
  return series.massMg ? mAh / (series.massMg / 1000) : null;
}
