/**
 * Voltage vs capacity of the cycler log, one line per half-cycle, blue while discharging and
 * orange while charging, with a cursor at a chosen point (the selected time).
 */
import { linePlot } from "./line.js";

/**
 * @typedef {object} VoltageSpec
 * @property {number} width
 * @property {number} height
 * @property {ArrayLike<number>} capacity mAh/g (or any capacity unit; see xLabel)
 * @property {ArrayLike<number>} voltage V
 * @property {ArrayLike<number>} current sign tells discharge (< 0) from charge (> 0); 0 = rest, not drawn
 * @property {ArrayLike<number>} halfCycle a new line starts where this changes
 * @property {{ x: number, y: number, label?: string }} [cursor]
 * @property {string} [title]
 * @property {string} [subtitle]
 * @property {string} [xLabel]
 */

export const DISCHARGE_COLOR = "#1f6fb4";
export const CHARGE_COLOR = "#e8731a";

/**
 * Runs of constant half-cycle with a current, as [start, end) index pairs and their direction.
 * @param {ArrayLike<number>} current
 * @param {ArrayLike<number>} halfCycle
 */
export function halfCycleRuns(current, halfCycle) {
  /** @type {{ start: number, end: number, charge: boolean }[]} */
  const runs = [];
  let i = 0;
  const n = Math.min(current.length, halfCycle.length);
  while (i < n) {
    const hc = halfCycle[i];
    let j = i;
    let sum = 0;
    while (j < n && halfCycle[j] === hc) sum += /** @type {number} */ (current[j++]);
    if (/** @type {number} */ (hc) >= 0 && sum !== 0) runs.push({ start: i, end: j, charge: sum > 0 });
    i = j;
  }
  return runs;
}

/**
 * @param {VoltageSpec} spec
 * @returns {string} SVG
 */
export function voltageCapacity(spec) {
  let sawD = false;
  let sawC = false;
  const series = halfCycleRuns(spec.current, spec.halfCycle).map((r) => {
    const first = r.charge ? !sawC : !sawD;
    if (r.charge) sawC = true;
    else sawD = true;
    return {
      x: Array.prototype.slice.call(spec.capacity, r.start, r.end),
      y: Array.prototype.slice.call(spec.voltage, r.start, r.end),
      color: r.charge ? CHARGE_COLOR : DISCHARGE_COLOR,
      label: first ? (r.charge ? "charge" : "discharge") : undefined,
      width: 1.5,
    };
  });
  return linePlot({
    width: spec.width,
    height: spec.height,
    series,
    title: spec.title,
    subtitle: spec.subtitle,
    xLabel: spec.xLabel ?? "capacity (mAh/g)",
    yLabel: "Ewe (V)",
    cursor: spec.cursor,
  });
}
