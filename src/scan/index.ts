/** The scan: the canonical scan log (one row per frame) and the grid of beam positions. */

export {
  compileFramePattern,
  FRAME_FIELDS,
  type FrameField,
  type FramePattern,
  renderFramePattern,
} from "./frame-pattern.js";
export {
  type AxisClusters,
  clusterAxis,
  findGrid,
  type Grid,
  type GridOptions,
  type OffGrid,
  offGrid,
} from "./grid.js";
export {
  logColumn,
  logColumns,
  midExposure,
  parseScanLog,
  readScanLog,
  SCAN_COLUMNS,
  type ScanLog,
} from "./log.js";
export { type SpecScanLog, type SpecScanLogOptions, specScanLog } from "./scanlog-spec.js";
export {
  parseSpec,
  readSpecFile,
  type SpecFile,
  type SpecHeader,
  type SpecScan,
  specColumn,
  specMotor,
  specNumber,
} from "./spec.js";
export { type ScanSelection, selectSpecScans } from "./spec-select.js";
export { type PointTimes, specDateWallS, specPointTimes } from "./spec-time.js";
