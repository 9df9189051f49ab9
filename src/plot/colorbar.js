/**
 * A vertical colour bar: the map drawn as stacked rectangles (no gradient ids, which would clash
 * between figures inlined in one page) with an axis on its right.
 */
import { axisSide } from "./axes.js";
import { colorAt } from "./colormap.js";
import { linearScale } from "./scale.js";
import { el, num } from "./svg.js";

/** @typedef {import("./colormap.js").Colormap} Colormap */
/** @typedef {import("./axes.js").Box} Box */

/** Width the colour bar takes right of the plot, with its labels. */
export const COLORBAR_SPACE = 84;

const STEPS = 64;

const ARROW = 9;

/**
 * @param {Colormap} cmap
 * @param {[number, number]} domain
 * @param {Box} box the bar itself (about 12 px wide)
 * @param {string} [label]
 * @param {{ below?: boolean, above?: boolean }} [extend] values lie below / above the range: a
 *   triangle in the end colour at that end (as matplotlib's `extend`), so a clipped colour is not
 *   read as the end value
 */
export function colorBar(cmap, domain, box, label, extend = {}) {
  let out = "";
  // the triangles take their room from the bar, so the bar never overlaps the title
  const lo = extend.below ? ARROW : 0;
  const hi = extend.above ? ARROW : 0;
  const b = { ...box, top: box.top + hi, height: box.height - lo - hi };
  const tri = (/** @type {number} */ yBase, /** @type {number} */ yTip, /** @type {number} */ t) =>
    el("path", {
      class: "extend",
      d: `M${num(b.left)} ${num(yBase)}L${num(b.left + b.width / 2)} ${num(yTip)}L${num(b.left + b.width)} ${num(yBase)}Z`,
      fill: colorAt(cmap, t),
      stroke: "#444",
    });
  if (extend.above) out += tri(b.top, box.top, 1);
  if (extend.below) out += tri(b.top + b.height, box.top + box.height, 0);
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
  // the range drawn, for tests and pages that compare figures
  return el("g", { class: "colorbar", "data-domain": `${domain[0]} ${domain[1]}` }, out);
}
