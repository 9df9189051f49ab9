/**
 * A q × time heatmap (paper Fig. 2a) with optional side panels sharing its time axis: a profile
 * on the left (the potential) and one on the right (an integrated band). The image is resampled
 * to the pixels it occupies, nearest neighbour on the real axes, so unevenly spaced sweeps sit at
 * their true times; the RGBA bytes are turned into a PNG by the caller's `encodePng` (a canvas in
 * the browser, src/util/png.ts in Node).
 */
import { axisBottom, axisSide, frame, heading, yLabelWidth } from "./axes.js";
import { COLORBAR_SPACE, colorBar } from "./colorbar.js";
import { colormap, putColor } from "./colormap.js";
import { pathData } from "./decimate.js";
import { extent, linearScale, outside, pad, robustDomain } from "./scale.js";
import { el, nextId, svgRoot, text, textWidth } from "./svg.js";

/** @typedef {(rgba: Uint8Array, width: number, height: number) => string} EncodePng RGBA → data URI */
/** @typedef {import("./line.js").TickSet} TickSet */
/** @typedef {import("./axes.js").Box} Box */

/**
 * @typedef {object} SidePanel
 * @property {ArrayLike<number>} x values (drawn along the panel's horizontal axis)
 * @property {ArrayLike<number>} y times (the shared vertical axis)
 * @property {string} label
 * @property {string} [color]
 * @property {number} [width] px, default 110
 * @property {boolean} [markers]
 * @property {ArrayLike<number>} [xErr] one sigma of each value, drawn as a shaded band (x ± sigma)
 */

/**
 * @typedef {object} HeatmapSpec
 * @property {number} width
 * @property {number} height
 * @property {ArrayLike<number>} x column coordinates (q), ascending
 * @property {ArrayLike<number>} y row coordinates (time), ascending
 * @property {ArrayLike<number>} values y.length × x.length, row-major
 * @property {EncodePng} encodePng
 * @property {string} [cmap]
 * @property {[number, number]} [domain] colour range; default the 2nd–98th percentile
 * @property {string} [title]
 * @property {string} [subtitle] under the title, in grey (how the values were normalised)
 * @property {string} [xLabel]
 * @property {string} [yLabel]
 * @property {string} [colorBarLabel]
 * @property {TickSet[]} [ticks] reflection marks along the top of the image
 * @property {SidePanel} [left]
 * @property {SidePanel} [right]
 * @property {number} [cursorY] a horizontal marker at this time
 */

/**
 * Index of the nearest coordinate (coordinates ascending), or -1 when v lies more than half a
 * spacing outside the ends.
 * @param {ArrayLike<number>} c
 * @param {number} v
 */
export function nearestIndex(c, v) {
  const n = c.length;
  if (n === 0) return -1;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (/** @type {number} */ (c[mid]) <= v) lo = mid;
    else hi = mid;
  }
  const a = /** @type {number} */ (c[lo]);
  const b = /** @type {number} */ (c[hi]);
  const i = Math.abs(v - a) <= Math.abs(b - v) ? lo : hi;
  const first = /** @type {number} */ (c[0]);
  const last = /** @type {number} */ (c[n - 1]);
  const half0 = n > 1 ? /** @type {number} */ (c[1] - first) / 2 : 0.5;
  const half1 = n > 1 ? (last - /** @type {number} */ (c[n - 2])) / 2 : 0.5;
  if (v < first - half0 || v > last + half1) return -1;
  return i;
}

/**
 * RGBA image of `values` as seen through the scales, `w` × `h` pixels (row 0 at the top).
 * @param {HeatmapSpec} spec
 * @param {import("./scale.js").Scale} xs
 * @param {import("./scale.js").Scale} ys
 * @param {Box} box
 * @param {number} w
 * @param {number} h
 * @param {[number, number]} domain
 */
export function heatmapRgba(spec, xs, ys, box, w, h, domain) {
  const nx = spec.x.length;
  const cols = new Int32Array(w);
  for (let j = 0; j < w; j++)
    cols[j] = nearestIndex(spec.x, xs.invert(box.left + ((j + 0.5) * box.width) / w));
  const rgba = new Uint8Array(w * h * 4);
  const cmap = colormap(spec.cmap ?? "viridis");
  for (let i = 0; i < h; i++) {
    const r = nearestIndex(spec.y, ys.invert(box.top + ((i + 0.5) * box.height) / h));
    for (let j = 0; j < w; j++) {
      const c = /** @type {number} */ (cols[j]);
      const o = (i * w + j) * 4;
      if (r < 0 || c < 0) continue; // transparent outside the data
      putColor(rgba, o, cmap, /** @type {number} */ (spec.values[r * nx + c]), domain[0], domain[1]);
    }
  }
  return rgba;
}

/**
 * @param {HeatmapSpec} spec
 * @returns {string} SVG
 */
export function heatmap(spec) {
  // the heading spans the figure above the plot and the colour bar (its left edge: about 60 px)
  const head = heading(0, spec.width - 80, spec.title, spec.subtitle);
  const top = head.top;
  const bottom = 46;
  const plotH = Math.max(40, spec.height - top - bottom - (spec.ticks?.length ? 4 : 0));
  const yd = pad(extent([spec.y]), "linear", 0.01);
  const ys = linearScale(yd, [top + plotH, top]);
  const left0 = Math.ceil(yLabelWidth(ys, plotH) + (spec.yLabel ? 30 : 12));
  const lw = spec.left ? (spec.left.width ?? 110) + 12 : 0;
  const rw = spec.right ? (spec.right.width ?? 110) + 12 : 0;
  /** @type {Box} */
  const box = {
    left: left0 + lw,
    top,
    width: Math.max(40, spec.width - left0 - lw - rw - COLORBAR_SPACE),
    height: plotH,
  };
  const xs = linearScale(pad(extent([spec.x]), "linear", 0), [box.left, box.left + box.width]);
  const domain = spec.domain ?? robustDomain([spec.values]);
  const w = Math.max(1, Math.min(spec.x.length * 2, Math.round(box.width)));
  const h = Math.max(1, Math.min(1000, Math.round(box.height)));
  const png = spec.encodePng(heatmapRgba(spec, xs, ys, box, w, h, domain), w, h);
  let body = el("image", {
    x: box.left,
    y: box.top,
    width: box.width,
    height: box.height,
    preserveAspectRatio: "none",
    href: png,
    style: "image-rendering: pixelated",
  });
  body += ticksTop(spec.ticks ?? [], xs.map, box);
  if (spec.cursorY !== undefined) {
    const y = ys.map(spec.cursorY);
    if (Number.isFinite(y))
      body += el("line", {
        x1: box.left,
        x2: box.left + box.width,
        y1: y,
        y2: y,
        stroke: "#c9262b",
        "stroke-dasharray": "4 3",
      });
  }
  body += frame(box);
  body += axisBottom(xs, box, spec.xLabel);
  const leftmost = spec.left ? { ...box, left: left0, width: lw - 12 } : box;
  body += axisSide(ys, leftmost, spec.yLabel, { titleOffset: left0 - 14 });
  if (spec.left) body += sidePanel(spec.left, leftmost, ys, spec.cursorY);
  else body += axisSide(ys, box, undefined, { labels: false });
  if (spec.right) {
    const rb = { ...box, left: box.left + box.width + 12, width: rw - 12 };
    body += sidePanel(spec.right, rb, ys, spec.cursorY);
  }
  const bar = { left: spec.width - COLORBAR_SPACE + 10, top: box.top, width: 12, height: box.height };
  body += colorBar(
    colormap(spec.cmap ?? "viridis"),
    domain,
    bar,
    spec.colorBarLabel,
    outside(spec.values, domain),
  );
  body += el("g", { transform: `translate(${left0} 0)` }, head.svg);
  body += tickLegend(spec.ticks ?? [], box.left + box.width, 17);
  return svgRoot(spec.width, spec.height, body);
}

/**
 * A profile drawn with time vertical (shared with the image) and its value horizontal.
 * @param {SidePanel} p
 * @param {Box} b
 * @param {import("./scale.js").Scale} ys
 * @param {number} [cursorY]
 */
function sidePanel(p, b, ys, cursorY) {
  const err = p.xErr;
  const lo = err ? Float64Array.from(p.x, (v, i) => v - Math.abs(/** @type {number} */ (err[i]))) : null;
  const hi = err ? Float64Array.from(p.x, (v, i) => v + Math.abs(/** @type {number} */ (err[i]))) : null;
  // the band counts in the extent: a panel that cuts it off hides how uncertain the values are
  const xs = linearScale(pad(extent(lo && hi ? [p.x, lo, hi] : [p.x]), "linear", 0.08), [
    b.left,
    b.left + b.width,
  ]);
  const clip = nextId("clip");
  const color = p.color ?? "#222";
  let inner = lo && hi ? errorBand(lo, hi, p.y, xs.map, ys.map, color) : "";
  inner += el("path", {
    d: pathData(p.x, p.y, xs.map, ys.map),
    fill: "none",
    stroke: color,
    "stroke-width": 1.25,
  });
  if (p.markers)
    for (let i = 0; i < Math.min(p.x.length, p.y.length); i++) {
      const x = xs.map(/** @type {number} */ (p.x[i]));
      const y = ys.map(/** @type {number} */ (p.y[i]));
      if (Number.isFinite(x) && Number.isFinite(y))
        inner += el("circle", { cx: x, cy: y, r: 2, fill: color });
    }
  if (cursorY !== undefined && Number.isFinite(ys.map(cursorY))) {
    const y = ys.map(cursorY);
    inner += el("line", {
      x1: b.left,
      x2: b.left + b.width,
      y1: y,
      y2: y,
      stroke: "#c9262b",
      "stroke-dasharray": "4 3",
    });
  }
  let out = el(
    "defs",
    {},
    el("clipPath", { id: clip }, el("rect", { x: b.left, y: b.top, width: b.width, height: b.height })),
  );
  out += el("g", { "clip-path": `url(#${clip})` }, inner);
  out += frame(b);
  out += axisBottom(
    // about three ticks whatever the panel's width: fewer leave a panel with one label or none
    { ...xs, ticks: () => xs.ticks(3) },
    b,
    p.label,
  );
  out += axisSide(ys, b, undefined, { labels: false });
  return el("g", { class: "side" }, out);
}

/**
 * Reflection marks hanging down from the top edge of the image, one row per phase.
 * @param {TickSet[]} sets
 * @param {(v: number) => number} sx
 * @param {Box} box
 */
function ticksTop(sets, sx, box) {
  let out = "";
  sets.forEach((t, k) => {
    const y1 = box.top + 1 + k * 7;
    let d = "";
    for (const q of t.x) {
      const x = sx(q);
      if (x >= box.left && x <= box.left + box.width) d += `M${x.toFixed(1)} ${y1}V${y1 + 6}`;
    }
    if (d) out += el("path", { d, stroke: t.color, "stroke-width": 1.5, class: "reflections" });
  });
  return out;
}

/**
 * The shaded region between lo and hi along y (a polygon per run of finite points), for ±σ.
 * @param {ArrayLike<number>} lo
 * @param {ArrayLike<number>} hi
 * @param {ArrayLike<number>} y
 * @param {(v: number) => number} sx
 * @param {(v: number) => number} sy
 * @param {string} color
 */
function errorBand(lo, hi, y, sx, sy, color) {
  let out = "";
  /** @type {[number, number, number][]} */
  let run = [];
  const flush = () => {
    if (run.length > 1) {
      const there = run.map(([a, , v]) => `${a.toFixed(1)},${v.toFixed(1)}`);
      const back = run.map(([, b, v]) => `${b.toFixed(1)},${v.toFixed(1)}`).reverse();
      out += el("polygon", { points: [...there, ...back].join(" "), fill: color, "fill-opacity": 0.18 });
    }
    run = [];
  };
  for (let i = 0; i < y.length; i++) {
    const a = sx(/** @type {number} */ (lo[i]));
    const b = sx(/** @type {number} */ (hi[i]));
    const v = sy(/** @type {number} */ (y[i]));
    if (Number.isFinite(a) && Number.isFinite(b) && Number.isFinite(v)) run.push([a, b, v]);
    else flush();
  }
  flush();
  return el("g", { class: "error-band" }, out);
}

/**
 * Phase names in their tick colours, right-aligned at (xRight, y).
 * @param {TickSet[]} sets
 * @param {number} xRight
 * @param {number} y
 */
export function tickLegend(sets, xRight, y) {
  let out = "";
  let x = xRight;
  for (let k = sets.length - 1; k >= 0; k--) {
    const t = /** @type {TickSet} */ (sets[k]);
    out += text(x, y, t.label, { size: 11, color: t.color, anchor: "end", weight: "bold" });
    x -= textWidth(t.label, 11) + 10;
  }
  return out;
}
