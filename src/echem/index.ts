/** Electrochemistry: cycler files, segmentation, SODC, and the join of X-ray frames to the cycler clock. */

export { parseArbin } from "./arbin.js";
export { loadArbinRes, parseArbinRes } from "./arbin-res.js";
export { parseMpr, readMpr } from "./biologic-mpr.js";
export { parseMpt, readMpt } from "./biologic-mpt.js";
export { CUT_LINE_KEY } from "./csv-text.js";
export {
  DQDV_BIN_MV_DEFAULT,
  DQDV_BIN_MV_RANGE,
  type Dqdv,
  type DqdvCurve,
  type DqdvOptions,
  dqdv,
} from "./dqdv.js";
export { type GenericCsvMapping, parseGenericCsv } from "./generic-csv.js";
export { coveringHourShifts, type FrameClock, joinFrames } from "./join.js";
export { parseMaccor } from "./maccor.js";
export { parseNeware } from "./neware.js";
export { parseNda, parseNdaTable } from "./neware-nda.js";
export { parseNdax, parseNdaxTable } from "./neware-ndax.js";
export { parseCycler, type ReadCyclerOptions, readCycler } from "./read.js";
export {
  type HalfCycle,
  halfCycles,
  integrateCharge,
  type Segment,
  type SegmentKind,
  segment,
  sodcPct,
} from "./segments.js";
export { buildSeries, type EchemSeries, type SeriesOptions, specificCapacity } from "./series.js";
export { type CyclerFormat, sniffCyclerFormat } from "./sniff.js";
export {
  type CyclerClock,
  cyclerToUtcS,
  isoUtc,
  localToUtcS,
  parseAbsoluteTime,
  zoneOffsetS,
} from "./timezone.js";
export type { CyclerRecords } from "./types.js";
