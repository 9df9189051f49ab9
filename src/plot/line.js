/**
 * Line plots: curves on linear or log axes with legend, optional colour bar (for curves coloured by
 * a third variable), reflection tick marks along the bottom and a cursor marker.
 */
import { axisBottom, axisSide, frame, yLabelWidth } from "./axes.js";
import { COLORBAR_SPACE, colorBar } from "./colorbar.js";
import { colormap } from "./colormap.js";
import { pathData } from "./decimate.js";
import { extent, makeScale, pad } from "./scale.js";
import { el, nextId, svgRoot, text, textWidth } from "./svg.js";

/**
 * @typedef {object} Series
 * @property {ArrayLike<number>} x
 * @property {ArrayLike<number>} y
 * @property {string} [color]
 * @property {string} [label] shown in the legend
 * @property {number} [width] stroke width in px
 * @property {string} [dash] SVG dash array
 * @property {boolean} [markers] draw a dot at every point
 * @property {ArrayLike<number>} [yErr] error bar half-lengths (plus and minus)
 * @property {number} [offset] added to y (waterfalls on linear axes)
 * @property {number} [factor] multiplied into y (waterfalls on log axes)
 */

/**
 * @typedef {object} TickSet reflections of one phase, drawn as short vertical marks
 * @property {string} label
 * @property {string} color
 * @property {number[]} x positions in x-axis units
 */

/**
 * @typedef {object} LinePlotSpec
 * @property {number} width
 * @property {number} height
 * @property {Series[]} series
 * @property {string} [title]
 * @property {string} [xLabel]
 * @property {string} [yLabel]
 * @property {"linear" | "log"} [xScale]
 * @property {"linear" | "log"} [yScale]
 * @property {[number, number]} [xDomain]
 * @property {[number, number]} [yDomain]
 * @property {boolean} [legend] default: shown when a series has a label
 * @property {{ cmap: string, domain: [number, number], label?: string }} [colorBar]
 * @property {TickSet[]} [ticks]
 * @property {{ x: number, y: number, label?: string }} [cursor]
 * @property {boolean} [yTickLabels] false hides the y tick labels (waterfalls: offsets make them meaningless)
 */

/** @typedef {import("./axes.js").Box} Box */

/**
 * The values and their ends ± error (on a log axis only positive lower ends).
 * @param {ArrayLike<number>} y
 * @param {ArrayLike<number>} err
 * @param {boolean} log
 */
function withErrors(y, err, log) {
  const lo = [];
  const hi = [];
  for (let i = 0; i < y.length; i++) {
    const e = Math.abs(/** @type {number} */ (err[i]));
    if (!Number.isFinite(e)) continue;
    const v = /** @type {number} */ (y[i]);
    if (!log || v - e > 0) lo.push(v - e);
    hi.push(v + e);
  }
  return [y, lo, hi];
}

/**
 * Data range of the series as drawn (offsets and factors applied).
 * @param {Series[]} series
 * @param {boolean} log
 * @returns {[number, number]}
 */
function yExtent(series, log) {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const s of series) {
    // error bars count: a plot that cuts them off hides how uncertain the points are
    const ys = s.yErr ? withErrors(s.y, s.yErr, log) : [s.y];
    const [a, b] = extent(ys, log);
    if (!Number.isFinite(a)) continue;
    const f = s.factor ?? 1;
    const o = s.offset ?? 0;
    lo = Math.min(lo, a * f + o);
    hi = Math.max(hi, b * f + o);
  }
  return lo <= hi ? [lo, hi] : [Number.NaN, Number.NaN];
}

/**
 * Layout and scales of a line plot; exported so composite figures and the browser (hit testing)
 * use the same geometry.
 * @param {LinePlotSpec} spec
 */
export function lineLayout(spec) {
  const xType = spec.xScale ?? "linear";
  const yType = spec.yScale ?? "linear";
  const xd =
    spec.xDomain ??
    pad(
      extent(
        spec.series.map((s) => s.x),
        xType === "log",
      ),
      xType,
      0,
    );
  const yd = spec.yDomain ?? pad(yExtent(spec.series, yType === "log"), yType);
  const top = spec.title ? 26 : 10;
  const bottom = spec.xLabel ? 44 : 24;
  const right = spec.colorBar ? COLORBAR_SPACE : 14;
  const plotH = Math.max(20, spec.height - top - bottom);
  const ys = makeScale(yType, yd, [top + plotH, top]);
  const tickW = spec.yTickLabels === false ? 0 : yLabelWidth(ys, plotH);
  const left = Math.ceil(tickW + (spec.yLabel ? 30 : 12));
  /** @type {Box} */
  const box = { left, top, width: Math.max(20, spec.width - left - right), height: plotH };
  const xs = makeScale(xType, xd, [box.left, box.left + box.width]);
  return { box, xs, ys };
}

/**
 * @param {LinePlotSpec} spec
 * @returns {string} SVG
 */
export function linePlot(spec) {
  const { box, xs, ys } = lineLayout(spec);
  const clipId = nextId("clip");
  let body = el(
    "defs",
    {},
    el(
      "clipPath",
      { id: clipId },
      el("rect", { x: box.left, y: box.top, width: box.width, height: box.height }),
    ),
  );
  let curves = "";
  for (const s of spec.series) curves += seriesSvg(s, xs.map, ys.map);
  curves += ticksSvg(spec.ticks ?? [], xs.map, box);
  if (spec.cursor) curves += cursorSvg(spec.cursor, xs.map(spec.cursor.x), ys.map(spec.cursor.y), box);
  body += el("g", { "clip-path": `url(#${clipId})` }, curves);
  body += frame(box);
  body += axisBottom(xs, box, spec.xLabel);
  body += axisSide(ys, box, spec.yLabel, { labels: spec.yTickLabels !== false, titleOffset: box.left - 14 });
  if (spec.title) body += text(box.left, 17, spec.title, { size: 13, weight: "bold" });
  if (spec.colorBar) {
    const cb = spec.colorBar;
    const bar = { left: box.left + box.width + 12, top: box.top, width: 12, height: box.height };
    body += colorBar(colormap(cb.cmap), cb.domain, bar, cb.label);
  }
  const showLegend = spec.legend ?? spec.series.some((s) => s.label);
  if (showLegend) body += legendSvg(spec.series, spec.ticks ?? [], box);
  return svgRoot(spec.width, spec.height, body);
}

/**
 * @param {Series} s
 * @param {(v: number) => number} sx
 * @param {(v: number) => number} sy
 */
function seriesSvg(s, sx, sy) {
  const color = s.color ?? "#1f6fb4";
  const off = s.offset ?? 0;
  const f = s.factor ?? 1;
  let out = "";
  const d = pathData(s.x, s.y, sx, sy, off, f);
  if (d && !s.markers)
    out += el("path", {
      d,
      fill: "none",
      stroke: color,
      "stroke-width": s.width ?? 1.25,
      "stroke-dasharray": s.dash,
      "stroke-linejoin": "round",
    });
  if (s.markers || s.yErr) {
    for (let i = 0; i < Math.min(s.x.length, s.y.length); i++) {
      const x = sx(/** @type {number} */ (s.x[i]));
      const yv = /** @type {number} */ (s.y[i]) * f + off;
      const y = sy(yv);
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      const e = s.yErr ? Math.abs(/** @type {number} */ (s.yErr[i])) * f : Number.NaN;
      if (Number.isFinite(e) && e > 0) {
        const y1 = sy(yv - e);
        const y2 = sy(yv + e);
        if (Number.isFinite(y1) && Number.isFinite(y2))
          out += el("line", { x1: x, x2: x, y1, y2, stroke: color, "stroke-width": 1 });
      }
      if (s.markers) out += el("circle", { cx: x, cy: y, r: 2.5, fill: color });
    }
    if (s.markers && d) out += el("path", { d, fill: "none", stroke: color, "stroke-width": 0.75 });
  }
  return out;
}

/**
 * One row of marks per phase, stacked up from the bottom of the plot area.
 * @param {TickSet[]} sets
 * @param {(v: number) => number} sx
 * @param {Box} box
 */
function ticksSvg(sets, sx, box) {
  let out = "";
  sets.forEach((t, k) => {
    const y2 = box.top + box.height - 2 - k * 9;
    let d = "";
    for (const q of t.x) {
      const x = sx(q);
      if (x >= box.left && x <= box.left + box.width) d += `M${x.toFixed(1)} ${y2 - 7}V${y2}`;
    }
    if (d) out += el("path", { d, stroke: t.color, "stroke-width": 1.5, class: "reflections" });
  });
  return out;
}

/**
 * @param {{ x: number, y: number, label?: string }} c
 * @param {number} px
 * @param {number} py
 * @param {Box} box
 */
function cursorSvg(c, px, py, box) {
  if (!Number.isFinite(px) || !Number.isFinite(py)) return "";
  let out = el("line", {
    x1: px,
    x2: px,
    y1: box.top,
    y2: box.top + box.height,
    stroke: "#c9262b",
    "stroke-dasharray": "3 3",
  });
  out += el("circle", { cx: px, cy: py, r: 5, fill: "#c9262b", stroke: "#fff", "stroke-width": 1.5 });
  if (c.label) out += text(px + 7, py - 7, c.label, { size: 11, color: "#c9262b" });
  return el("g", { class: "cursor" }, out);
}

/**
 * Legend box in the top-right corner of the plot area.
 * @param {Series[]} series
 * @param {TickSet[]} ticks
 * @param {Box} box
 */
function legendSvg(series, ticks, box) {
  /** @type {{ label: string, color: string, tick: boolean, dash?: string }[]} */
  const items = [];
  for (const s of series)
    if (s.label) items.push({ label: s.label, color: s.color ?? "#1f6fb4", tick: false, dash: s.dash });
  for (const t of ticks) items.push({ label: t.label, color: t.color, tick: true });
  const shown = items.slice(0, 12);
  if (shown.length === 0) return "";
  const lh = 14;
  const w = 30 + Math.max(...shown.map((i) => textWidth(i.label, 11)));
  const x0 = box.left + box.width - w - 6;
  const y0 = box.top + 6;
  let out = el("rect", {
    x: x0,
    y: y0,
    width: w,
    height: shown.length * lh + 6,
    fill: "#fff",
    "fill-opacity": 0.85,
    stroke: "#bbb",
  });
  shown.forEach((it, i) => {
    const y = y0 + 3 + lh * i + lh / 2;
    out += it.tick
      ? el("line", { x1: x0 + 14, x2: x0 + 14, y1: y - 5, y2: y + 5, stroke: it.color, "stroke-width": 2 })
      : el("line", {
          x1: x0 + 5,
          x2: x0 + 23,
          y1: y,
          y2: y,
          stroke: it.color,
          "stroke-width": 2,
          "stroke-dasharray": it.dash,
        });
    out += text(x0 + 27, y + 4, it.label, { size: 11 });
  });
  return el("g", { class: "legend" }, out);
}
