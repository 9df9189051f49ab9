/**
 * The Pixel panel (paper Fig. 1c): the selected scan point's SAXS and WAXS curves through the
 * experiment as waterfalls coloured by time, beside the voltage-vs-capacity curve with a cursor at
 * the selected time. The curve measured nearest that time is drawn in red.
 */
import { categorical, voltageCapacity, waterfall } from "../../plot/index.js";
import { col, getColumns, url } from "./api.js";
import { stateAt } from "./cycler.js";
import { byId, innerWidth } from "./dom.js";
import { toCsv } from "./export.js";
import { figure } from "./figure.js";
import { nearest } from "./interp.js";
import { axisTimes, recordRender } from "./state.js";

/** @typedef {import("./state.js").AppState} AppState */
/** @typedef {import("./wire.js").Columns} Columns */

/**
 * Curves that span decades in q (SAXS) are drawn log-log; the others (WAXS) linear.
 * @param {import("../api.js").DetectorInfo} d
 */
export function isSmallAngle(d) {
  return d.qMin > 0 && d.qMax / d.qMin > 20;
}

/**
 * @param {AppState} st
 * @param {HTMLElement} figs
 */
export function pixelPanel(st, figs) {
  const dets = [...st.summary.detectors].sort((a, b) => a.qMax - b.qMax);
  const figsByDet = dets.map((d) => ({ det: d, fig: figure(figs, `pixel-${d.name}`) }));
  const vFig = st.echem ? figure(figs, "voltage") : null;
  /** @type {Map<string, Columns>} */
  const curves = new Map();
  let voltageDrawn = false;

  function sizes() {
    const w = innerWidth(figs) - 8 * figsByDet.length;
    const vw = vFig ? Math.max(240, Math.floor(w * 0.26)) : 0;
    return { wf: Math.floor((w - vw) / Math.max(1, figsByDet.length)) - 2, vw: vw - 2, h: 380 };
  }

  function drawWaterfalls() {
    const { wf, h } = sizes();
    for (const { det, fig } of figsByDet) {
      const c = curves.get(det.name);
      if (!c) continue;
      const time = col(c, "time");
      const q = col(c, "q");
      const I = col(c, "I");
      const nq = q.length;
      const list = Array.from({ length: time.length }, (_, k) => I.subarray(k * nq, (k + 1) * nq));
      const log = isSmallAngle(det);
      const phases = log ? [] : (st.reflections[det.name] ?? []);
      fig.show(
        waterfall({
          width: wf,
          height: h,
          x: q,
          curves: list,
          times: axisTimes(st, time),
          timeLabel: st.unit.label,
          highlight: time.length ? nearest(time, st.t) : undefined,
          title: `${det.name.toUpperCase()} at (${st.pixel.row}, ${st.pixel.col})`,
          xLabel: `q (${det.qUnits})`,
          xScale: log ? "log" : "linear",
          yScale: log ? "log" : "linear",
          ticks: phases.map((p, i) => ({ label: p.phase, color: categorical(i + 3), x: p.q })),
        }),
      );
      fig.setCsv(() =>
        toCsv(["q", ...Array.from(time, (t) => `I@${new Date(t * 1000).toISOString()}`)], [q, ...list]),
      );
    }
  }

  function drawVoltage() {
    const e = st.echem;
    if (!vFig || !e) return;
    const { vw, h } = sizes();
    const now = stateAt(e, st.t);
    vFig.show(
      voltageCapacity({
        width: vw,
        height: h,
        capacity: e.capacity,
        voltage: e.ewe,
        current: e.current,
        halfCycle: e.halfCycle,
        title: "voltage vs capacity",
        cursor: { x: now.capacity, y: now.ewe, label: `${now.ewe.toFixed(3)} V` },
      }),
    );
    vFig.setCsv(() =>
      toCsv(
        ["time_unix_s", "capacity_mah_g", "ewe_v", "i_ma", "half_cycle"],
        [e.time, e.capacity, e.ewe, e.current, e.halfCycle],
      ),
    );
  }

  /** A new scan point: fetch its curves, redraw everything. @param {number} t0 */
  async function updatePixel(t0) {
    const { row, col: c } = st.pixel;
    byId("pixel-label").textContent =
      `row ${row}, col ${c} (${st.summary.regions[row * st.summary.grid.cols + c]})`;
    const got = await Promise.all(dets.map((d) => getColumns(url("pixel", { det: d.name, row, col: c }))));
    // a later click may have finished first; only the current selection is drawn
    if (st.pixel.row !== row || st.pixel.col !== c) return;
    dets.forEach((d, i) => {
      curves.set(d.name, /** @type {Columns} */ (got[i]));
    });
    drawWaterfalls();
    shown = highlights().join(",");
    // the voltage curve and its cursor depend on the time only
    if (!voltageDrawn) drawVoltage();
    voltageDrawn = true;
    recordRender("pixel", performance.now() - t0);
  }

  /** Per detector, the curve drawn in red (the visit nearest the selected time). */
  function highlights() {
    return dets.map((d) => {
      const c = curves.get(d.name);
      return c ? nearest(col(c, "time"), st.t) : -1;
    });
  }
  let shown = "";

  /** The selected time moved: a new cursor, and a new red curve when another visit is nearest. */
  function updateTime() {
    const h = highlights().join(",");
    if (h !== shown) drawWaterfalls();
    shown = h;
    drawVoltage();
  }

  return { updatePixel, updateTime };
}
