/**
 * The cycler log in the browser: the state at a time (voltage, capacity, SOD) and the half-cycles
 * the slider can run along (SOD 0 → 100 % of one discharge or charge).
 */
import { halfCycleRuns } from "../../plot/index.js";
import { col } from "./api.js";
import { floorIndex } from "./interp.js";

/** @typedef {import("./wire.js").Columns} Columns */

/**
 * @typedef {object} Echem
 * @property {Float64Array} time
 * @property {Float32Array} ewe
 * @property {Float32Array} current
 * @property {Float32Array} capacity
 * @property {Float32Array} sodc
 * @property {Float32Array} halfCycle
 * @property {{ start: number, end: number, charge: boolean, label: string }[]} runs
 */

/**
 * @param {Columns} c
 * @returns {Echem}
 */
export function echemFrom(c) {
  const e = {
    time: /** @type {Float64Array} */ (col(c, "time")),
    ewe: /** @type {Float32Array} */ (col(c, "ewe_v")),
    current: /** @type {Float32Array} */ (col(c, "i_ma")),
    capacity: /** @type {Float32Array} */ (col(c, "capacity_mah_g")),
    sodc: /** @type {Float32Array} */ (col(c, "sodc_pct")),
    halfCycle: /** @type {Float32Array} */ (col(c, "half_cycle")),
  };
  let nd = 0;
  let nc = 0;
  const runs = halfCycleRuns(e.current, e.halfCycle).map((r) => ({
    ...r,
    label: r.charge ? `charge ${++nc} (SOC %)` : `discharge ${++nd} (SOD %)`,
  }));
  return { ...e, runs };
}

/**
 * The cycler's record at or before time t.
 * @param {Echem} e
 * @param {number} t
 */
export function stateAt(e, t) {
  const i = floorIndex(e.time, t);
  return {
    index: i,
    ewe: e.ewe[i] ?? Number.NaN,
    capacity: e.capacity[i] ?? Number.NaN,
    sodc: e.sodc[i] ?? Number.NaN,
    charge: (e.current[i] ?? 0) > 0,
  };
}

/**
 * The first time in half-cycle run `k` at which SOD (or SOC) reaches `pct`.
 * @param {Echem} e
 * @param {number} k
 * @param {number} pct
 */
export function timeAtSod(e, k, pct) {
  const r = e.runs[k];
  if (!r) return Number.NaN;
  for (let i = r.start; i < r.end; i++) if ((e.sodc[i] ?? 0) >= pct) return e.time[i] ?? Number.NaN;
  return e.time[r.end - 1] ?? Number.NaN;
}
