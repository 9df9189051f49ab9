/**
 * Axes of a rectangular plot area: frame, ticks, tick labels and axis titles.
 */
import { el, text, textWidth } from "./svg.js";

/** @typedef {import("./scale.js").Scale} Scale */
/** @typedef {{ left: number, top: number, width: number, height: number }} Box */

const TICK = 4;
const FONT = 11;

/**
 * Ticks of a scale that fit the pixels available (about one per `spacing` px).
 * @param {Scale} s
 * @param {number} pixels
 * @param {number} spacing
 */
export function ticksFor(s, pixels, spacing) {
  const lo = Math.min(s.domain[0], s.domain[1]);
  const hi = Math.max(s.domain[0], s.domain[1]);
  return s.ticks(Math.max(2, Math.floor(pixels / spacing))).filter((v) => v >= lo && v <= hi);
}

/**
 * Widest tick label of a y axis, for the margin beside it.
 * @param {Scale} s
 * @param {number} pixels
 */
export function yLabelWidth(s, pixels) {
  let w = 0;
  const ticks = ticksFor(s, pixels, 40);
  for (const v of ticks) w = Math.max(w, textWidth(s.format(v, spacing(ticks)), FONT));
  return w;
}

/**
 * Spacing of linear ticks, so labels carry the decimals that tell neighbours apart.
 * @param {number[]} ticks
 */
function spacing(ticks) {
  return ticks.length > 1
    ? Math.abs(/** @type {number} */ (ticks[1]) - /** @type {number} */ (ticks[0]))
    : undefined;
}

/**
 * The plot frame.
 * @param {Box} b
 */
export function frame(b) {
  return el("rect", { x: b.left, y: b.top, width: b.width, height: b.height, fill: "none", stroke: "#444" });
}

/**
 * Bottom x axis.
 * @param {Scale} s
 * @param {Box} b
 * @param {string} [label]
 * @param {{ labels?: boolean }} [o]
 */
export function axisBottom(s, b, label, o = {}) {
  const y = b.top + b.height;
  let out = "";
  for (const v of ticksFor(s, b.width, 80)) {
    const x = s.map(v);
    out += el("line", { x1: x, x2: x, y1: y, y2: y + TICK, stroke: "#444" });
    if (o.labels !== false)
      out += text(x, y + TICK + FONT + 1, s.format(v), { anchor: "middle", size: FONT });
  }
  if (label)
    out += text(b.left + b.width / 2, y + TICK + 2 * FONT + 8, label, { anchor: "middle", size: 12 });
  return el("g", { class: "axis-x" }, out);
}

/**
 * Left (or right) y axis; its title is rotated and placed `titleOffset` px from the axis line.
 * @param {Scale} s
 * @param {Box} b
 * @param {string} [label]
 * @param {{ side?: "left" | "right", labels?: boolean, titleOffset?: number }} [o]
 */
export function axisSide(s, b, label, o = {}) {
  const right = o.side === "right";
  const x = right ? b.left + b.width : b.left;
  const dir = right ? 1 : -1;
  let out = "";
  let widest = 0;
  const ticks = ticksFor(s, b.height, 40);
  for (const v of ticks) {
    const y = s.map(v);
    out += el("line", { x1: x, x2: x + dir * TICK, y1: y, y2: y, stroke: "#444" });
    if (o.labels !== false) {
      const t = s.format(v, spacing(ticks));
      widest = Math.max(widest, textWidth(t, FONT));
      out += text(x + dir * (TICK + 2), y + FONT / 3, t, { anchor: right ? "start" : "end", size: FONT });
    }
  }
  if (label) {
    const off = o.titleOffset ?? widest + TICK + 8;
    const tx = x + dir * off;
    const ty = b.top + b.height / 2;
    out += text(tx, ty, label, { anchor: "middle", size: 12, rotate: right ? 90 : -90 });
  }
  return el("g", { class: right ? "axis-y2" : "axis-y" }, out);
}

/**
 * The figure's title and, in grey under it, a subtitle (how the values were normalised, say),
 * wrapped on words to `width` px. Returns the SVG and where the plot area may start.
 * @param {number} x
 * @param {number} width
 * @param {string} [title]
 * @param {string} [subtitle]
 */
export function heading(x, width, title, subtitle) {
  let svg = "";
  let y = 0;
  if (title) {
    svg += text(x, 17, title, { size: 13, weight: "bold" });
    y = 17;
  }
  for (const line of wrap(subtitle ?? "", width, FONT)) {
    y += 14;
    svg += text(x, y, line, { size: FONT, color: "#555" });
  }
  return { svg: svg ? el("g", { class: "heading" }, svg) : "", top: y ? y + 9 : 10 };
}

/**
 * Words of `s` into lines at most `width` px wide (a word longer than that stands alone).
 * @param {string} s
 * @param {number} width
 * @param {number} size
 */
export function wrap(s, width, size) {
  /** @type {string[]} */
  const lines = [];
  let line = "";
  for (const word of s.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (line && textWidth(next, size) > width) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}
