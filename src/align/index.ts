/**
 * Alignment from transmission line scans (issue 15): the edges of the cell's stack and of its
 * layers as error-function steps with widths and errors, how many edges the data support, and a
 * scan grid over the stack whose rows can seed the region labels (`regions.by_row`). Imports
 * numeric/ and util/ only; `swaxs align` (cli/align.ts) is its command.
 */
export {
  describeFit,
  EDGE_ALPHA,
  type Edge,
  type EdgeFit,
  type EdgeGuess,
  edgeModel,
  type FindEdgesOptions,
  FWHM_PER_SIGMA,
  findEdges,
  fitEdgesFrom,
  MAX_EDGES,
  type ModelStep,
  type Plateau,
  SIGMA_FLOOR,
  withFloor,
} from "./edges.js";
export {
  byRowYaml,
  DEFAULT_LAYER_NAMES,
  defaultStepMm,
  type GridOptions,
  type GridRow,
  OUTSIDE,
  proposeGrid,
  type ScanGrid,
} from "./grid.js";
export {
  type LineScan,
  lineScanOf,
  parseScanCsv,
  readLineScan,
  SCAN_DIRECTIONS,
  type ScanDirection,
  type ScanFile,
} from "./read.js";
export { type AlignmentResult, type AlignOptions, alignScan } from "./result.js";
export { betaRegularized, erf, erfExact, fDistributionSf, logGamma } from "./special.js";
