/**
 * What the panels share: the results' summary, the cycler log, the selected time and scan point,
 * the reflection lists, and the time unit of the axes. Interaction timings are kept on
 * `window.__viewer` for the browser tests and the benchmark.
 */

/** @typedef {import("../api.js").Summary} Summary */
/** @typedef {import("../api.js").PhaseReflections} PhaseReflections */
/** @typedef {import("./cycler.js").Echem} Echem */

/**
 * @typedef {object} AppState
 * @property {Summary} summary
 * @property {Echem | null} echem
 * @property {number} t selected time, Unix seconds
 * @property {{ row: number, col: number }} pixel selected scan point
 * @property {Record<string, PhaseReflections[]>} reflections per detector
 * @property {{ factor: number, label: string }} unit seconds since the first frame → axis unit
 */

/**
 * Hours for experiments longer than three hours, minutes otherwise.
 * @param {Summary} s
 */
export function timeUnit(s) {
  return s.time.end - s.time.start > 3 * 3600
    ? { factor: 1 / 3600, label: "time (h)" }
    : { factor: 1 / 60, label: "time (min)" };
}

/**
 * Axis value of a Unix time.
 * @param {AppState} st
 * @param {number} t
 */
export function axisTime(st, t) {
  return (t - st.summary.time.start) * st.unit.factor;
}

/**
 * Axis values of Unix times.
 * @param {AppState} st
 * @param {ArrayLike<number>} ts
 */
export function axisTimes(st, ts) {
  return Float64Array.from(ts, (t) => axisTime(st, t));
}

/** @typedef {"pixel" | "map" | "region"} Kind */

/**
 * @typedef {object} Timings
 * @property {Record<Kind, number[]>} ms time from an interaction to the redrawn figure
 * @property {Record<Kind, number>} renders redraws completed, per kind (tests wait on these)
 * @property {string[]} errors
 */

/** @returns {Timings} */
function timings() {
  const w = /** @type {{ __viewer?: Timings }} */ (/** @type {unknown} */ (window));
  w.__viewer ??= {
    ms: { pixel: [], map: [], region: [] },
    renders: { pixel: 0, map: 0, region: 0 },
    errors: [],
  };
  return w.__viewer;
}

/**
 * Note that a redraw of `kind` finished, `ms` after the interaction that asked for it.
 * @param {Kind} kind
 * @param {number} ms
 */
export function recordRender(kind, ms) {
  const t = timings();
  t.ms[kind].push(ms);
  t.renders[kind] += 1;
  document.body.dataset[`${kind}Renders`] = String(t.renders[kind]);
}
