/**
 * Figures as SVG text, with no DOM and no Node APIs: the viewer shows them in the browser and the
 * report writes them to files. Plain JavaScript typed with JSDoc, so the browser loads these files
 * as they are (no bundler, no build step) and tsc still checks them.
 */
export { axisBottom, axisSide, frame, heading, wrap } from "./axes.js";
export { COLORBAR_SPACE, colorBar } from "./colorbar.js";
export { CATEGORICAL, COLORMAPS, categorical, colorAt, colormap, DIVERGING, putColor } from "./colormap.js";
export { pathData } from "./decimate.js";
export { gridLayout, gridMap, positionDecimals } from "./gridmap.js";
export { heatmap, heatmapRgba, nearestIndex, tickLegend } from "./heatmap.js";
export { lineLayout, linePlot } from "./line.js";
export {
  colorDomains,
  extent,
  formatTick,
  linearScale,
  linearTicks,
  logScale,
  logTicks,
  makeScale,
  outside,
  pad,
  quantileDomain,
  quantileSorted,
  robustDomain,
  symmetricDomain,
  tickStep,
} from "./scale.js";
export { el, esc, num, svgRoot, text } from "./svg.js";
export { bandLabel, radialLabel, shortNumber, unitText } from "./units.js";
export { CHARGE_COLOR, DISCHARGE_COLOR, halfCycleRuns, voltageCapacity } from "./voltage.js";
export { defaultStep, waterfall } from "./waterfall.js";

/** @typedef {import("./colormap.js").Colormap} Colormap */
/** @typedef {import("./line.js").LinePlotSpec} LinePlotSpec */
/** @typedef {import("./line.js").Series} Series */
/** @typedef {import("./line.js").TickSet} TickSet */
/** @typedef {import("./heatmap.js").HeatmapSpec} HeatmapSpec */
/** @typedef {import("./heatmap.js").EncodePng} EncodePng */
/** @typedef {import("./heatmap.js").SidePanel} SidePanel */
/** @typedef {import("./gridmap.js").GridMapSpec} GridMapSpec */
/** @typedef {import("./waterfall.js").WaterfallSpec} WaterfallSpec */
/** @typedef {import("./voltage.js").VoltageSpec} VoltageSpec */
/** @typedef {import("./scale.js").Scale} Scale */
