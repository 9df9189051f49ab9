/** The scan: the canonical scan log (one row per frame) and the grid of beam positions. */

export { type BlissFile, type BlissScan, type FrameStack, readBlissFile } from "./bliss.js";
export {
  compileFramePattern,
  FRAME_FIELDS,
  type FrameField,
  type FramePattern,
  renderFramePattern,
} from "./frame-pattern.js";
export { expandGlob } from "./glob.js";
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
export type { MadeScanLog } from "./log-writer.js";
export type { LogColumnOptions } from "./scan-table.js";
export { type BlissScanLogOptions, blissScanLog, selectBlissScans } from "./scanlog-bliss.js";
export { type HeaderScanLogOptions, type HeaderSet, headerScanLog } from "./scanlog-headers.js";
export { makeScanLog, type ScanSource, scanSourceKind } from "./scanlog-source.js";
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
