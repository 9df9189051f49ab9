/**
 * The results folder of `swaxs run` as one contract: what it holds (schema.ts), how its CSV files are
 * written and read (csv.ts), and the one reader that the viewer, the report and the tests use (read.ts).
 */
export {
  type CsvTable,
  columnIndex,
  csv,
  csvLine,
  field,
  fmt,
  gridCsv,
  numbers,
  parseCsv,
  readCsv,
  readCsvSync,
  strings,
  unixSeconds,
} from "./csv.js";
export {
  type LiveState,
  type LiveStatus,
  liveStatusCsv,
  readLiveStatus,
  writeLiveStatus,
} from "./live-status.js";
export { NotFound, ResultsData, type RunInfo, readRunJson } from "./read.js";
export {
  extraColumns,
  listExtras,
  type PorodSummaryRow,
  readExtra,
  readPorod,
  readPorodSummary,
} from "./saxs.js";
export {
  type ColumnSpec,
  columnsOf,
  type FileSpec,
  H5_PATHS,
  RESULT_FOLDERS,
  RESULTS,
  RESULTS_SCHEMA_VERSION,
  resultPath,
  resultPattern,
  schemaMarkdown,
} from "./schema.js";
export type {
  Columns,
  DetectorInfo,
  PeakFitCheck,
  PhaseReflections,
  Reflections,
  RegionBoundary,
  RegionCheck,
  StateMapInfo,
  Summary,
} from "./types.js";
