/**
 * The scan-grid map: one rectangle per scan point coloured by a value (or a category), with a
 * colour bar, outlines where the region changes and the region names beside the grid. Rows run
 * along y (through the layers, lowest y at the bottom), columns along x. Cells are spread evenly
 * over the plot area rather than to scale: the layers are tens of µm thick and the columns mm
 * apart, so a true-aspect map would be a few pixels tall.
 *
 * Every cell carries data-row / data-col, so a page can find the clicked scan point from the event
 * target without recomputing the layout.
 */
import { frame, heading } from "./axes.js";
import { COLORBAR_SPACE, colorBar } from "./colorbar.js";
import { colorAt, colormap } from "./colormap.js";
import { outside, robustDomain } from "./scale.js";
import { el, esc, svgRoot, text, textWidth } from "./svg.js";

/**
 * @typedef {object} GridMapSpec
 * @property {number} width
 * @property {number} height
 * @property {number} rows
 * @property {number} cols
 * @property {ArrayLike<number>} xMm position of each column
 * @property {ArrayLike<number>} yMm position of each row
 * @property {ArrayLike<number>} values rows × cols, row-major; NaN = no data (grey)
 * @property {string} [cmap]
 * @property {[number, number]} [domain] colour range; default the 2nd–98th percentile of the values
 *   (maps to compare share one: scale.js colorDomains)
 * @property {{ names: string[], colors: string[] }} [categories] values are indices into names
 * @property {string[]} [regions] region name per cell, for outlines and labels
 * @property {{ row: number, col: number }} [selected]
 * @property {string} [title]
 * @property {string} [subtitle] under the title, in grey (what the values are relative to)
 * @property {string} [colorBarLabel]
 * @property {(v: number) => string} [format] value in the cell tooltips
 */

/**
 * The fewest decimals (at most 4) that write every position exactly (to 1 nm), so that -0.5 and
 * 0.5 stay apart and -0.12000000000000009 reads -0.12.
 * @param {ArrayLike<number>} v
 */
export function positionDecimals(v) {
  for (let d = 0; d < 4; d++) {
    const k = 10 ** d;
    if (Array.from(v).every((x) => !Number.isFinite(x) || Math.abs(Math.round(x * k) / k - x) < 1e-6))
      return d;
  }
  return 4;
}

/** @param {GridMapSpec} spec */
export function gridLayout(spec) {
  const labelW = spec.regions ? Math.max(40, ...spec.regions.map((r) => textWidth(r, 11))) + 10 : 0;
  const right = (spec.categories ? 0 : COLORBAR_SPACE) + labelW + 8;
  const yd = positionDecimals(spec.yMm);
  const yw = Math.max(...Array.from(spec.yMm, (v) => textWidth(v.toFixed(yd), 11)));
  const left = Math.ceil(yw + 36);
  const { top, svg: head } = heading(left, spec.width - left - 8, spec.title, spec.subtitle);
  const width = Math.max(20, spec.width - left - right);
  const cw = width / spec.cols;
  // x labels: one under every column where they fit side by side; a narrow map (a few columns)
  // keeps one per column, turned upright, rather than dropping any
  const xd = positionDecimals(spec.xMm);
  const xw = Math.max(...Array.from(spec.xMm, (v) => textWidth(v.toFixed(xd), 11)));
  const upright = xw + 6 > cw && spec.cols <= 12;
  const xEvery = upright ? 1 : Math.max(1, Math.ceil((xw + 6) / cw));
  const xLabelH = upright ? xw + 4 : 12;
  const legendH = spec.categories ? 18 * Math.ceil(spec.categories.names.length / 3) : 0;
  const below = xLabelH + 32 + (legendH ? 12 + legendH : 0);
  const box = { left, top, width, height: Math.max(20, spec.height - top - below) };
  const axes = { xd, yd, upright, xEvery, xLabelH };
  return { box, cw, ch: box.height / spec.rows, labelW, head, axes };
}

/**
 * @param {GridMapSpec} spec
 * @returns {string} SVG
 */
export function gridMap(spec) {
  const { box, cw, ch, labelW, head, axes } = gridLayout(spec);
  const { rows, cols } = spec;
  const cmap = colormap(spec.cmap ?? "viridis");
  const domain = spec.domain ?? robustDomain([spec.values]);
  const fmt = spec.format ?? ((/** @type {number} */ v) => v.toPrecision(4));
  const cellX = (/** @type {number} */ c) => box.left + c * cw;
  const cellY = (/** @type {number} */ r) => box.top + (rows - 1 - r) * ch;
  let cells = "";
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      const v = /** @type {number} */ (spec.values[r * cols + c]);
      const fill = !Number.isFinite(v)
        ? "#e6e6e6"
        : spec.categories
          ? (spec.categories.colors[v] ?? "#999")
          : colorAt(cmap, (v - domain[0]) / (domain[1] - domain[0] || 1));
      const label = spec.categories
        ? (spec.categories.names[v] ?? "")
        : Number.isFinite(v)
          ? fmt(v)
          : "no data";
      const region = spec.regions?.[r * cols + c];
      const tip = `row ${r}, col ${c}${region ? ` (${region})` : ""}: ${label}`;
      cells += el(
        "rect",
        {
          class: "cell",
          "data-row": r,
          "data-col": c,
          x: cellX(c),
          y: cellY(r),
          width: cw + 0.3,
          height: ch + 0.3,
          fill,
        },
        `<title>${esc(tip)}</title>`,
      );
    }
  let body = el("g", { class: "cells" }, cells);
  if (spec.regions) body += outlines(spec.regions, rows, cols, cellX, cellY, cw, ch);
  if (spec.selected) {
    const { row, col } = spec.selected;
    body += el("rect", {
      class: "selected",
      x: cellX(col) + 1,
      y: cellY(row) + 1,
      width: Math.max(2, cw - 2),
      height: Math.max(2, ch - 2),
      fill: "none",
      stroke: "#c9262b",
      "stroke-width": 2.5,
      "pointer-events": "none",
    });
  }
  body += frame(box);
  body += gridAxes(spec, box, axes, cellX, cellY, cw, ch);
  if (spec.regions) body += regionLabels(spec.regions, rows, cols, box.left + box.width + 6, cellY, ch);
  if (spec.categories)
    body += categoryLegend(spec.categories, box.left, box.top + box.height + axes.xLabelH + 44);
  else {
    const bar = { left: box.left + box.width + labelW + 14, top: box.top, width: 12, height: box.height };
    body += colorBar(cmap, domain, bar, spec.colorBarLabel, outside(spec.values, domain));
  }
  body += head;
  return svgRoot(spec.width, spec.height, body);
}

/**
 * Thick lines on the cell edges where the region on one side differs from the other.
 * @param {string[]} regions
 * @param {number} rows
 * @param {number} cols
 * @param {(c: number) => number} cellX
 * @param {(r: number) => number} cellY
 * @param {number} cw
 * @param {number} ch
 */
function outlines(regions, rows, cols, cellX, cellY, cw, ch) {
  let d = "";
  const at = (/** @type {number} */ r, /** @type {number} */ c) => regions[r * cols + c];
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      // edge above cell (r, c) is the border with row r + 1 (higher y is drawn higher up)
      if (r + 1 < rows && at(r, c) !== at(r + 1, c))
        d += `M${cellX(c).toFixed(1)} ${cellY(r).toFixed(1)}h${cw.toFixed(1)}`;
      if (c + 1 < cols && at(r, c) !== at(r, c + 1))
        d += `M${cellX(c + 1).toFixed(1)} ${cellY(r).toFixed(1)}v${ch.toFixed(1)}`;
    }
  return d
    ? el("path", {
        class: "outlines",
        d,
        stroke: "#111",
        "stroke-width": 2,
        fill: "none",
        "pointer-events": "none",
      })
    : "";
}

/**
 * Each region's name at the middle of its rows (taken along the first column), right of the grid.
 * @param {string[]} regions
 * @param {number} rows
 * @param {number} cols
 * @param {number} x
 * @param {(r: number) => number} cellY
 * @param {number} ch
 */
function regionLabels(regions, rows, cols, x, cellY, ch) {
  let out = "";
  let start = 0;
  for (let r = 1; r <= rows; r++) {
    if (r < rows && regions[r * cols] === regions[start * cols]) continue;
    const mid = (cellY(start) + cellY(r - 1) + ch) / 2;
    if ((r - start) * ch >= 10)
      out += text(x, mid + 4, regions[start * cols] ?? "", { size: 11, color: "#333" });
    start = r;
  }
  return el("g", { class: "region-labels" }, out);
}

/**
 * Position labels: x under the columns, y beside the rows (thinned to fit).
 * @param {GridMapSpec} spec
 * @param {import("./axes.js").Box} box
 * @param {{ xd: number, yd: number, upright: boolean, xEvery: number, xLabelH: number }} axes
 * @param {(c: number) => number} cellX
 * @param {(r: number) => number} cellY
 * @param {number} cw
 * @param {number} ch
 */
function gridAxes(spec, box, axes, cellX, cellY, cw, ch) {
  let out = "";
  const y0 = box.top + box.height;
  for (let c = 0; c < spec.cols; c += axes.xEvery) {
    const x = cellX(c) + cw / 2;
    const label = (spec.xMm[c] ?? 0).toFixed(axes.xd);
    out += el("line", { x1: x, x2: x, y1: y0, y2: y0 + 4, stroke: "#444" });
    out += axes.upright
      ? text(x + 4, y0 + 7, label, { anchor: "end", size: 11, rotate: -90 })
      : text(x, y0 + 16, label, { anchor: "middle", size: 11 });
  }
  out += text(box.left + box.width / 2, y0 + axes.xLabelH + 22, "x (mm)", { anchor: "middle", size: 12 });
  const yEvery = Math.max(1, Math.ceil(16 / ch));
  for (let r = 0; r < spec.rows; r += yEvery) {
    const y = cellY(r) + ch / 2;
    out += el("line", { x1: box.left - 4, x2: box.left, y1: y, y2: y, stroke: "#444" });
    out += text(box.left - 6, y + 4, (spec.yMm[r] ?? 0).toFixed(axes.yd), { anchor: "end", size: 11 });
  }
  out += text(14, box.top + box.height / 2, "y (mm)", { anchor: "middle", size: 12, rotate: -90 });
  return out;
}

/**
 * Swatches and names of the categories, three to a line.
 * @param {{ names: string[], colors: string[] }} cat
 * @param {number} x0
 * @param {number} y0
 */
function categoryLegend(cat, x0, y0) {
  let out = "";
  cat.names.forEach((name, i) => {
    const x = x0 + (i % 3) * 100;
    const y = y0 + Math.floor(i / 3) * 18;
    out += el("rect", { x, y: y - 10, width: 12, height: 12, fill: cat.colors[i] ?? "#999", stroke: "#444" });
    out += text(x + 16, y, name, { size: 11 });
  });
  return el("g", { class: "legend" }, out);
}
