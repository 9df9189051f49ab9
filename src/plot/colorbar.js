/**
 * A vertical colour bar: the map drawn as stacked rectangles (no gradient ids, which would clash
 * between figures inlined in one page) with an axis on its right.
 */
import { axisSide } from "./axes.js";
import { colorAt } from "./colormap.js";
import { linearScale } from "./scale.js";
import { el } from "./svg.js";

/** @typedef {import("./colormap.js").Colormap} Colormap */
/** @typedef {import("./axes.js").Box} Box */

/** Width the colour bar takes right of the plot, with its labels. */
export const COLORBAR_SPACE = 84;

const STEPS = 64;

/**
 * @param {Colormap} cmap
 * @param {[number, number]} domain
 * @param {Box} b the bar itself (about 12 px wide)
 * @param {string} [label]
 */
export function colorBar(cmap, domain, b, label) {
  let out = "";
  const h = b.height / STEPS;
  for (let i = 0; i < STEPS; i++) {
    // i = 0 at the bottom: low values low, as on the y axes
    const y = b.top + b.height - (i + 1) * h;
    out += el("rect", {
      x: b.left,
      y,
      width: b.width,
      height: h + 0.5,
      fill: colorAt(cmap, (i + 0.5) / STEPS),
    });
  }
  out += el("rect", { x: b.left, y: b.top, width: b.width, height: b.height, fill: "none", stroke: "#444" });
  const s = linearScale(domain, [b.top + b.height, b.top]);
  out += axisSide(s, b, label, { side: "right" });
  return el("g", { class: "colorbar" }, out);
}
