/** The scan: the canonical scan log (one row per frame) and the grid of beam positions. */

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
