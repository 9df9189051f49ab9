/** The scan: the canonical scan log (one row per frame) and the grid of beam positions. */

export { type AxisClusters, clusterAxis, findGrid, type Grid, type GridOptions } from "./grid.js";
export { parseScanLog, readScanLog, SCAN_COLUMNS, type ScanLog } from "./log.js";
