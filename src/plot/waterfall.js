/**
 * Waterfalls (paper Fig. 1c): one curve per time, each shifted up from the one before and
 * coloured by its time, with a colour bar for the time. On a linear axis curves are shifted by
 * adding a constant, on a log axis by multiplying with one, so the shapes stay comparable.
 */
import { colorAt, colormap } from "./colormap.js";
import { linePlot } from "./line.js";
import { extent, quantileDomain } from "./scale.js";

/**
 * @typedef {object} WaterfallSpec
 * @property {number} width
 * @property {number} height
 * @property {ArrayLike<number>} x shared by all curves (q)
 * @property {ArrayLike<number>[]} curves one per time
 * @property {ArrayLike<number>} times the colouring variable of each curve
 * @property {string} [timeLabel] colour-bar title
 * @property {string} [cmap]
 * @property {number} [step] offset between neighbours: added (linear y) or multiplied (log y)
 * @property {number} [highlight] index of a curve to draw on top in red
 * @property {string} [title]
 * @property {string} [subtitle]
 * @property {string} [xLabel]
 * @property {string} [yLabel]
 * @property {"linear" | "log"} [xScale]
 * @property {"linear" | "log"} [yScale]
 * @property {import("./line.js").TickSet[]} [ticks]
 */

/**
 * Default neighbour offset: the stack spans about 1.5 × a typical curve's own range on linear
 * axes, and 2.5 decades on log axes, whatever the number of curves.
 * @param {ArrayLike<number>[]} curves
 * @param {boolean} log
 */
export function defaultStep(curves, log) {
  const n = Math.max(1, curves.length - 1);
  if (log) return 10 ** (2.5 / n);
  const ranges = curves.map((c) => {
    const [lo, hi] = quantileDomain(c, 0.005, 0.995);
    return hi - lo;
  });
  ranges.sort((a, b) => a - b);
  const typical = ranges[Math.floor(ranges.length / 2)] ?? 1;
  return (1.5 * (typical > 0 ? typical : 1)) / n;
}

/**
 * @param {WaterfallSpec} spec
 * @returns {string} SVG
 */
export function waterfall(spec) {
  const log = spec.yScale === "log";
  const step = spec.step ?? defaultStep(spec.curves, log);
  const cmap = colormap(spec.cmap ?? "viridis");
  const [t0, t1] = extent([spec.times]);
  const span = t1 - t0 || 1;
  /** @type {import("./line.js").Series[]} */
  const series = spec.curves.map((y, i) => ({
    x: spec.x,
    y,
    color: colorAt(cmap, ((spec.times[i] ?? t0) - t0) / span),
    width: 1,
    ...(log ? { factor: step ** i } : { offset: step * i }),
  }));
  const h = spec.highlight;
  if (h !== undefined && h >= 0 && h < spec.curves.length) {
    const base = /** @type {import("./line.js").Series} */ (series[h]);
    series.push({ ...base, color: "#c9262b", width: 2.25, label: "selected time" });
  }
  return linePlot({
    width: spec.width,
    height: spec.height,
    series,
    title: spec.title,
    subtitle: spec.subtitle,
    xLabel: spec.xLabel,
    yLabel: spec.yLabel ?? (log ? "I (offset ×)" : "I (offset +)"),
    // offset curves have no common y scale; overlaid ones (step 1 on log, 0 on linear axes) do
    yTickLabels: step === (log ? 1 : 0),
    xScale: spec.xScale,
    yScale: spec.yScale,
    colorBar: {
      cmap: cmap.name,
      domain: Number.isFinite(t0) ? [t0, t1] : [0, 1],
      label: spec.timeLabel ?? "time",
    },
    ticks: spec.ticks,
    // the reflection marks need their phases named, whether or not a curve is highlighted
    legend: series.some((x) => x.label) || (spec.ticks?.length ?? 0) > 0,
  });
}
