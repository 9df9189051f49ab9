/**
 * Line plots: curves on linear or log axes with legend, optional colour bar (for curves coloured by
 * a third variable), reflection tick marks along the bottom and a cursor marker.
 */
import { axisBottom, axisSide, frame, heading, yLabelWidth } from "./axes.js";
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
 * @property {string} [subtitle] under the title, in grey (what the values are relative to)
 * @property {string} [xLabel]
 * @property {string} [yLabel]
 * @property {"linear" | "log"} [xScale]
 * @property {"linear" | "log"} [yScale]
 * @property {[number, number]} [xDomain]
 * @property {[number, number]} [yDomain]
 * @property {boolean} [legend] default: shown when a series has a label; placed in an empty corner
 *   of the plot area, or above it when no corner is empty (it never covers data)
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

/** Space left at each end of the x axis, so a point or error bar at the end is not drawn on the frame. */
const X_PAD = 0.02;

/**
 * Layout and scales of a line plot; exported so composite figures and the browser (hit testing)
 * use the same geometry. `legend` is where the legend goes (null: none).
 * @param {LinePlotSpec} spec
 */
export function lineLayout(spec) {
  const items = legendItems(spec);
  const size = legendSize(items);
  const inside = lineBoxes(spec, 0);
  if (!size) return { ...inside, legend: null };
  const corner = emptyCorner(spec, inside, size);
  if (corner) return { ...inside, legend: { ...corner, ...size, items, outside: false } };
  // no corner is free of data: the legend goes above the plot area, in rows
  const rows = legendRows(items, inside.box.width);
  const layout = lineBoxes(spec, rows.length * LEGEND_LH + 6);
  const y = layout.box.top - rows.length * LEGEND_LH - 4;
  return { ...layout, legend: { x: layout.box.left, y, ...size, items, outside: true, rows } };
}

/**
 * Box, scales and heading of a line plot, with `reserve` px kept free above the plot area.
 * @param {LinePlotSpec} spec
 * @param {number} reserve
 */
function lineBoxes(spec, reserve) {
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
      X_PAD,
    );
  const yd = spec.yDomain ?? pad(yExtent(spec.series, yType === "log"), yType);
  const bottom = spec.xLabel ? 44 : 24;
  const right = spec.colorBar ? COLORBAR_SPACE : 14;
  // the heading wraps to the plot's width, which depends on the tick labels' width: twice is enough
  let left = 50;
  let head = heading(left, spec.width - left - right, spec.title, spec.subtitle);
  let ys = makeScale(yType, yd, [0, 1]);
  let plotH = 0;
  for (let pass = 0; pass < 2; pass++) {
    const top = head.top + reserve;
    plotH = Math.max(20, spec.height - top - bottom);
    ys = makeScale(yType, yd, [top + plotH, top]);
    const tickW = spec.yTickLabels === false ? 0 : yLabelWidth(ys, plotH);
    left = Math.ceil(tickW + (spec.yLabel ? 30 : 12));
    head = heading(left, spec.width - left - right, spec.title, spec.subtitle);
  }
  const top = head.top + reserve;
  /** @type {Box} */
  const box = { left, top, width: Math.max(20, spec.width - left - right), height: plotH };
  const xs = makeScale(xType, xd, [box.left, box.left + box.width]);
  return { box, xs, ys: makeScale(yType, yd, [top + plotH, top]), head: head.svg };
}

/**
 * @param {LinePlotSpec} spec
 * @returns {string} SVG
 */
export function linePlot(spec) {
  const { box, xs, ys, head, legend } = lineLayout(spec);
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
  body += head;
  if (spec.colorBar) {
    const cb = spec.colorBar;
    const bar = { left: box.left + box.width + 12, top: box.top, width: 12, height: box.height };
    body += colorBar(colormap(cb.cmap), cb.domain, bar, cb.label);
  }
  if (legend) body += legendSvg(legend);
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

/** @typedef {{ label: string, color: string, tick: boolean, dash?: string }} LegendItem */

const LEGEND_LH = 14;

/**
 * What the legend lists: labelled series, then the reflection sets (at most 12 lines).
 * @param {LinePlotSpec} spec
 * @returns {LegendItem[]}
 */
function legendItems(spec) {
  if (!(spec.legend ?? spec.series.some((s) => s.label))) return [];
  /** @type {LegendItem[]} */
  const items = [];
  for (const s of spec.series)
    if (s.label) items.push({ label: s.label, color: s.color ?? "#1f6fb4", tick: false, dash: s.dash });
  for (const t of spec.ticks ?? []) items.push({ label: t.label, color: t.color, tick: true });
  return items.slice(0, 12);
}

/**
 * Width and height of the legend box.
 * @param {LegendItem[]} items
 */
function legendSize(items) {
  if (items.length === 0) return null;
  return { w: 30 + Math.max(...items.map((i) => textWidth(i.label, 11))), h: items.length * LEGEND_LH + 6 };
}

/**
 * Items laid out left to right in rows no wider than `width`.
 * @param {LegendItem[]} items
 * @param {number} width
 */
function legendRows(items, width) {
  /** @type {LegendItem[][]} */
  const rows = [[]];
  let x = 0;
  for (const it of items) {
    const w = 34 + textWidth(it.label, 11);
    const row = /** @type {LegendItem[]} */ (rows[rows.length - 1]);
    if (x + w > width && row.length) {
      rows.push([it]);
      x = w;
    } else {
      row.push(it);
      x += w;
    }
  }
  return rows;
}

/** Occupancy grid cell, px. */
const CELL = 4;

/**
 * The first corner of the plot area (top right, top left, bottom right, bottom left) where a
 * legend of `size` covers nothing drawn: no curve, point, error bar, reflection mark or cursor.
 * @param {LinePlotSpec} spec
 * @param {{ box: Box, xs: import("./scale.js").Scale, ys: import("./scale.js").Scale }} l
 * @param {{ w: number, h: number }} size
 */
function emptyCorner(spec, l, size) {
  const { box } = l;
  if (size.w + 12 > box.width || size.h + 12 > box.height) return null;
  const grid = occupancy(spec, l);
  const nx = Math.ceil(box.width / CELL);
  const free = (/** @type {number} */ x, /** @type {number} */ y) => {
    // cells under the box and a 3 px margin round it
    const c0 = Math.max(0, Math.floor((x - 3 - box.left) / CELL));
    const c1 = Math.min(nx - 1, Math.floor((x + size.w + 3 - box.left) / CELL));
    const r0 = Math.max(0, Math.floor((y - 3 - box.top) / CELL));
    const r1 = Math.floor((y + size.h + 3 - box.top) / CELL);
    for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) if (grid.has(r * nx + c)) return false;
    return true;
  };
  const xl = box.left + 6;
  const xr = box.left + box.width - size.w - 6;
  const yt = box.top + 6;
  const yb = box.top + box.height - size.h - 6;
  for (const [x, y] of [
    [xr, yt],
    [xl, yt],
    [xr, yb],
    [xl, yb],
  ])
    if (free(/** @type {number} */ (x), /** @type {number} */ (y))) return { x, y };
  return null;
}

/**
 * The cells of the plot area that something is drawn in, as indices row × columns + column.
 * @param {LinePlotSpec} spec
 * @param {{ box: Box, xs: import("./scale.js").Scale, ys: import("./scale.js").Scale }} l
 */
function occupancy(spec, { box, xs, ys }) {
  /** @type {Set<number>} */
  const cells = new Set();
  const nx = Math.ceil(box.width / CELL);
  const ny = Math.ceil(box.height / CELL);
  const mark = (/** @type {number} */ px, /** @type {number} */ py) => {
    const c = Math.floor((px - box.left) / CELL);
    const r = Math.floor((py - box.top) / CELL);
    if (c >= 0 && c < nx && r >= 0 && r < ny) cells.add(r * nx + c);
  };
  const segment = (
    /** @type {number} */ x0,
    /** @type {number} */ y0,
    /** @type {number} */ x1,
    /** @type {number} */ y1,
  ) => {
    const n = Math.min(4000, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0)) / (CELL / 2)));
    for (let k = 0; k <= n; k++) mark(x0 + ((x1 - x0) * k) / (n || 1), y0 + ((y1 - y0) * k) / (n || 1));
  };
  for (const s of spec.series) {
    const f = s.factor ?? 1;
    const o = s.offset ?? 0;
    let px = Number.NaN;
    let py = Number.NaN;
    for (let i = 0; i < Math.min(s.x.length, s.y.length); i++) {
      const yv = /** @type {number} */ (s.y[i]) * f + o;
      const x = xs.map(/** @type {number} */ (s.x[i]));
      const y = ys.map(yv);
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        px = Number.NaN;
        continue;
      }
      if (Number.isFinite(px)) segment(px, py, x, y);
      if (s.markers) segment(x - 3, y, x + 3, y);
      const e = s.yErr ? Math.abs(/** @type {number} */ (s.yErr[i])) * f : Number.NaN;
      if (Number.isFinite(e) && e > 0) {
        const y1 = ys.map(yv - e);
        const y2 = ys.map(yv + e);
        segment(x, Number.isFinite(y1) ? y1 : box.top + box.height, x, Number.isFinite(y2) ? y2 : box.top);
      }
      px = x;
      py = y;
    }
  }
  (spec.ticks ?? []).forEach((t, k) => {
    const y2 = box.top + box.height - 2 - k * 9;
    for (const q of t.x) segment(xs.map(q), y2 - 7, xs.map(q), y2);
  });
  if (spec.cursor) {
    const x = xs.map(spec.cursor.x);
    segment(x, box.top, x, box.top + box.height);
    if (spec.cursor.label)
      segment(
        x,
        ys.map(spec.cursor.y) - 7,
        x + 7 + textWidth(spec.cursor.label, 11),
        ys.map(spec.cursor.y) - 7,
      );
  }
  return cells;
}

/**
 * One legend line's swatch and label at (x, y) (y: the line's middle).
 * @param {LegendItem} it
 * @param {number} x
 * @param {number} y
 */
function legendEntry(it, x, y) {
  const swatch = it.tick
    ? el("line", { x1: x + 9, x2: x + 9, y1: y - 5, y2: y + 5, stroke: it.color, "stroke-width": 2 })
    : el("line", {
        x1: x,
        x2: x + 18,
        y1: y,
        y2: y,
        stroke: it.color,
        "stroke-width": 2,
        "stroke-dasharray": it.dash,
      });
  return swatch + text(x + 22, y + 4, it.label, { size: 11 });
}

/**
 * The legend: a box in an empty corner of the plot area, or rows above it.
 * @param {{ x: number, y: number, w: number, h: number, items: LegendItem[], outside: boolean, rows?: LegendItem[][] }} l
 */
function legendSvg(l) {
  let out = "";
  if (l.outside && l.rows)
    l.rows.forEach((row, r) => {
      let x = l.x;
      for (const it of row) {
        out += legendEntry(it, x, l.y + LEGEND_LH * r + LEGEND_LH / 2);
        x += 34 + textWidth(it.label, 11);
      }
    });
  else {
    out += el("rect", {
      x: l.x,
      y: l.y,
      width: l.w,
      height: l.h,
      fill: "#fff",
      "fill-opacity": 0.85,
      stroke: "#bbb",
    });
    l.items.forEach((it, i) => {
      out += legendEntry(it, l.x + 5, l.y + 3 + LEGEND_LH * i + LEGEND_LH / 2);
    });
  }
  return el("g", { class: "legend" }, out);
}
