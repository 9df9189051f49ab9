/**
 * What Neware's binary files (.nda, .ndax) hold, as one table, and how it becomes our records.
 *
 * Both store per record: the record index, the cycle (from 0; shown from 1 as BTS does), the step
 * number of the schedule ("step index") and the step's work-state code, the step time, voltage,
 * current, unsigned charge and discharge counters that restart with each step, and a Unix time
 * (UTC). The work-state codes are those of NewareNDA's `state_dict` (d-cogswell/NewareNDA,
 * BSD-3-Clause; the facts only), which match the names BTS writes in its CSV exports.
 */
import { counterIncrements, cumulative, intervalCharge } from "./csv-text.js";
import { stepTypeDirection, stepTypeMode } from "./neware.js";
import type { CyclerRecords } from "./types.js";

/** Neware work-state codes → the step-type names of BTS exports. */
export const NEWARE_STATUS: ReadonlyMap<number, string> = new Map([
  [1, "CC_Chg"],
  [2, "CC_DChg"],
  [3, "CV_Chg"],
  [4, "Rest"],
  [5, "Cycle"],
  [7, "CCCV_Chg"],
  [8, "CP_DChg"],
  [9, "CP_Chg"],
  [10, "CR_DChg"],
  [13, "Pause"],
  [16, "Pulse"],
  [17, "SIM"],
  [19, "CV_DChg"],
  [20, "CCCV_DChg"],
  [21, "Control"],
  [22, "OCV"],
  [26, "CPCV_DChg"],
  [27, "CPCV_Chg"],
]);

export function statusName(code: number): string {
  return NEWARE_STATUS.get(code) ?? `state ${code}`;
}

/** The records of a Neware binary file, as stored (units converted only). */
export interface NewareTable {
  n: number;
  /** Record index as stored (1, 2, …). */
  index: Float64Array;
  /** Cycle from 1; null where the file version stores none. */
  cycle: Int32Array | null;
  /** Steps numbered 1, 2, … in the order they ran (a new number whenever the step changes). */
  step: Int32Array;
  /** The schedule's step number. */
  stepIndex: Int32Array;
  status: string[];
  /** Step time [s] (restarts with each step). */
  stepTimeS: Float64Array;
  voltageV: Float64Array;
  currentMA: Float64Array;
  /** Charge and discharge counters [mAh] as stored (restart with each step). */
  chargeMAh: Float64Array;
  dischargeMAh: Float64Array;
  /** Unix time [s, UTC]; with `wallClock`, the cycler's local time read as if it were UTC (NaN if unreadable). */
  unixTimeS: Float64Array;
  /** True when the file stores local wall-clock time without a zone (.nda version 29), not UTC. */
  wallClock?: boolean;
  metadata: Record<string, string | number>;
}

/** Steps numbered by change of `raw` (1 for the first record, +1 whenever the value changes). */
export function countChanges(raw: ArrayLike<number>): Int32Array {
  const out = new Int32Array(raw.length);
  let k = 0;
  for (let i = 0; i < raw.length; i++) {
    if (i === 0 || raw[i] !== raw[i - 1]) k++;
    out[i] = k;
  }
  return out;
}

/**
 * Our records from a Neware table. The clock is the step times added up over the steps (Neware's
 * "Total Time", which does not run while a channel is paused); the stored Unix times are kept as
 * `unixTimeS`. Current signed by the step type where it names a direction; net charge from the
 * increments of the two counters, as for the CSV exports (neware.ts). A file that stores local
 * wall-clock time (.nda version 29) gives the first record's time as `startLocal` and no Unix times.
 */
export function newareRecords(t: NewareTable, file: string, format: string): CyclerRecords {
  const { n } = t;
  const timeS = new Float64Array(n);
  let offset = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0 && (t.step[i] !== t.step[i - 1] || t.stepTimeS[i]! < t.stepTimeS[i - 1]!)) {
      offset += t.stepTimeS[i - 1]!;
    }
    timeS[i] = offset + t.stepTimeS[i]!;
  }
  const currentMA = new Float64Array(n);
  const mode = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const dir = stepTypeDirection(t.status[i]!);
    currentMA[i] = dir !== 0 ? dir * Math.abs(t.currentMA[i]!) : t.currentMA[i]!;
    mode[i] = stepTypeMode(t.status[i]!);
  }
  const chg = t.chargeMAh.map(Math.abs);
  const dchg = t.dischargeMAh.map(Math.abs);
  const incC = counterIncrements(chg, t.step, intervalCharge(timeS, currentMA, 1));
  const incD = counterIncrements(dchg, t.step, intervalCharge(timeS, currentMA, -1));
  const chargeMAh = cumulative(incC.map((v, i) => v - incD[i]!));
  const metadata: Record<string, string | number> = {
    ...t.metadata,
    timeColumn: "step time (summed over steps)",
    chargeColumns: "charge − discharge counters",
    stepTypes: [...new Set(t.status)].join(", "),
  };
  const first = t.unixTimeS[0]!;
  const wallStart =
    t.wallClock && Number.isFinite(first) ? new Date(first * 1000).toISOString().slice(0, 23) : null;
  return {
    file,
    format,
    n,
    startLocal: wallStart,
    timeS,
    unixTimeS: t.wallClock ? null : t.unixTimeS,
    eweV: t.voltageV,
    currentMA,
    chargeMAh,
    step: t.step,
    cycle: t.cycle,
    mode,
    columns: [
      "Index",
      "Cycle",
      "Step",
      "Step_Index",
      "Status",
      "Time",
      "Voltage",
      "Current",
      "Charge_Capacity",
      "Discharge_Capacity",
      "Timestamp",
    ],
    metadata,
  };
}
