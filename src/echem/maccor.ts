/**
 * Maccor text exports (MIMS "export data" .txt / numbered test-file exports such as `*.052`): a
 * free-form first line ("Today's Date … Date of Test: … Filename: … Procedure: … Comment/Barcode: …"),
 * then a tab- (or comma-) separated header and one row per record; unused fields hold "N/A".
 *
 * | quantity   | columns                                                            |
 * |------------|--------------------------------------------------------------------|
 * | test time  | "Test (Sec)", "TestTime", "TestTime(s)", "Test Time" (s or D-HH:MM:SS) |
 * | date-time  | "DPt Time" (local, "MM/DD/YYYY HH:MM:SS"; midnight is the date alone) |
 * | current    | "Amps" [A], "Current(A)", "Current [mA]"                           |
 * | voltage    | "Volts" [V], "Voltage(V)"                                          |
 * | capacity   | "Amp-hr" [Ah], "Capacity(Ah)", "Cap. [Ah]": unsigned, per step      |
 * | state      | "State" or "Md": R rest, C charge, D discharge, others (O, S, …)    |
 * | step/cycle | "Step", "Cyc#"                                                     |
 *
 * The current's sign comes from the state: −|I| in D, +|I| in C, as written otherwise (Maccor writes
 * the current unsigned in some exports; TRI's `PredictionDiagnostics_000151_test.052` already has
 * negative Amps in D, which this leaves unchanged). The net charge adds up the increments of the
 * unsigned capacity counter, signed by the state (R carries none). Mode: R → 3 (rest); C and D do not
 * say whether the cycler held current or voltage → 0.
 */
import { InputError } from "../util/errors.js";
import {
  type ColumnKey,
  chargeToMAh,
  columnKey,
  counterIncrements,
  cumulative,
  currentToMA,
  cutNote,
  dateTimeColumn,
  decodeText,
  durationParser,
  field,
  findColumn,
  hasDates,
  integerColumn,
  intervalCharge,
  numericColumn,
  readTable,
  startFromDates,
  voltageToV,
} from "./csv-text.js";
import type { CyclerRecords } from "./types.js";

const isCurrent = (k: ColumnKey) =>
  (k.base === "amps" && k.unit === null) || (k.base === "current" && !Number.isNaN(currentToMA(k.unit, "a")));
const isVoltage = (k: ColumnKey) =>
  (k.base === "volts" && k.unit === null) || (k.base === "voltage" && !Number.isNaN(voltageToV(k.unit, "v")));
const isStep = (k: ColumnKey) => k.base === "step" && k.unit === null;
const isRecordOrCycle = (k: ColumnKey) => k.base === "rec#" || k.base === "cyc#";
const isTestTime = (k: ColumnKey) =>
  ((k.base === "testtime" || k.base === "test") && (k.unit === null || k.unit === "sec" || k.unit === "s")) ||
  (k.base === "testtime" && k.unit !== null && k.unit.includes(":"));
const isCapacity = (k: ColumnKey) =>
  (k.base === "amphr" && k.unit === null) ||
  ((k.base === "capacity" || k.base === "cap") && !Number.isNaN(chargeToMAh(k.unit, "ah")));

/** Whether header fields look like a Maccor export header (also used by the sniffer). */
export function isMaccorHeader(fields: readonly string[]): boolean {
  const keys = fields.map(columnKey);
  return keys.some(isRecordOrCycle) && keys.some(isStep) && keys.some(isCurrent) && keys.some(isVoltage);
}

const LABELS: Array<[RegExp, string]> = [
  [/Today's Date\s*:?/i, "todaysDate"],
  [/Date of Test\s*:?/i, "dateOfTest"],
  [/Filename\s*:?/i, "filename"],
  [/Procedure\s*:?/i, "procedure"],
  [/Comment\/Barcode\s*:?/i, "comment"],
];

/** The labelled values of Maccor's first line (the text between one label and the next). */
export function parseMaccorPreamble(line: string): Record<string, string> {
  const flat = line.replace(/\t/g, " ");
  const hits: Array<{ at: number; end: number; key: string }> = [];
  for (const [re, key] of LABELS) {
    const m = re.exec(flat);
    if (m) hits.push({ at: m.index, end: m.index + m[0].length, key });
  }
  hits.sort((a, b) => a.at - b.at);
  const out: Record<string, string> = {};
  for (let i = 0; i < hits.length; i++) {
    const value = flat.slice(hits[i]!.end, i + 1 < hits.length ? hits[i + 1]!.at : flat.length).trim();
    out[hits[i]!.key] = value;
  }
  return out;
}

/** Reads a Maccor text export (text or bytes). Throws InputError on anything it cannot read. */
export function parseMaccor(input: string | Uint8Array, file: string): CyclerRecords {
  const text = decodeText(input);
  const table = readTable(
    text,
    file,
    isMaccorHeader,
    "a Maccor text export (Rec#/Cyc#, Step, Amps, Volts columns)",
    20,
  );
  const { header } = table;
  const n = table.rows.length;
  const missing = (what: string) =>
    new InputError(file, `Maccor export without a ${what} column; columns present: ${header.join(", ")}`);

  const iCur = findColumn(header, isCurrent);
  const iVolt = findColumn(header, isVoltage);
  const iTime = findColumn(header, isTestTime);
  if (iTime < 0) throw missing("test time");
  const iStep = findColumn(header, isStep);
  const iCycle = findColumn(
    header,
    (k) => ["cyc#", "cycle", "cyclenumber"].includes(k.base) && k.unit === null,
  );
  const iState = findColumn(header, (k) => (k.base === "state" || k.base === "md") && k.unit === null);
  const iCap = findColumn(header, isCapacity);
  const iDate = findColumn(header, (k) => ["dpttime", "dptime", "datetime"].includes(k.base));

  const curKey = columnKey(header[iCur]!);
  const curFactor = curKey.base === "amps" ? 1000 : currentToMA(curKey.unit, "a");
  const voltKey = columnKey(header[iVolt]!);
  const voltFactor = voltKey.base === "volts" ? 1 : voltageToV(voltKey.unit, "v");

  const timeParse = durationParser(columnKey(header[iTime]!).unit, table.decimalComma)!;
  const timeS = numericColumn(table, iTime, file, timeParse, "a time");
  const eweV = numericColumn(table, iVolt, file);
  if (voltFactor !== 1) for (let i = 0; i < n; i++) eweV[i]! *= voltFactor;
  const currentMA = numericColumn(table, iCur, file);
  const step = iStep >= 0 ? integerColumn(table, iStep, file) : null;
  const cycle = iCycle >= 0 ? integerColumn(table, iCycle, file) : null;

  // State letters → direction (+1 C, −1 D, 0 otherwise) and mode.
  const dir = new Int8Array(n);
  const mode = iState >= 0 ? new Uint8Array(n) : null;
  const segment = new Float64Array(n);
  const states = new Set<string>();
  for (let i = 0; i < n; i++) {
    let c = currentMA[i]! * curFactor;
    let code = 0;
    if (iState >= 0) {
      const s = field(table, i, iState, file).toUpperCase();
      states.add(s);
      code = s.charCodeAt(0) || 0;
      if (s === "D") dir[i] = -1;
      else if (s === "C") dir[i] = 1;
      if (dir[i] !== 0) c = dir[i]! * Math.abs(c);
      mode![i] = s === "R" ? 3 : 0;
    }
    currentMA[i] = c;
    segment[i] = (step ? step[i]! : 0) * 256 + code;
  }

  let chargeMAh: Float64Array | null = null;
  if (iCap >= 0) {
    const capKey = columnKey(header[iCap]!);
    const capFactor = capKey.base === "amphr" ? 1000 : chargeToMAh(capKey.unit, "ah");
    const cap = numericColumn(table, iCap, file).map((v) => v * capFactor);
    const expected = intervalCharge(timeS, currentMA, 1);
    const down = intervalCharge(timeS, currentMA, -1);
    for (let i = 0; i < n; i++) expected[i]! += down[i]!;
    const inc = counterIncrements(cap, segment, expected);
    for (let i = 0; i < n; i++) {
      const rest = mode !== null && mode[i] === 3;
      inc[i] = rest ? 0 : inc[i]! * (dir[i] !== 0 ? dir[i]! : Math.sign(currentMA[i]!));
    }
    chargeMAh = cumulative(inc);
  }

  const metadata: Record<string, string | number> = {
    ...cutNote(table),
    timeColumn: header[iTime]!,
    currentColumn: header[iCur]!,
    voltageColumn: header[iVolt]!,
  };
  if (iCap >= 0) metadata["chargeColumn"] = header[iCap]!;
  if (states.size > 0) metadata["states"] = [...states].join(", ");
  if (table.preamble.length > 0) {
    metadata["header"] = table.preamble.map((l) => l.trim()).join(" | ");
    for (const [k, v] of Object.entries(parseMaccorPreamble(table.preamble.join("\t")))) metadata[k] = v;
  }
  const dated = iDate >= 0 && hasDates(table, iDate);
  if (dated) metadata["dateColumn"] = header[iDate]!;
  const startLocal = startFromDates(dated ? dateTimeColumn(table, iDate, file) : null, timeS, metadata);

  return {
    file,
    format: "maccor-txt",
    n,
    startLocal,
    timeS,
    unixTimeS: null,
    eweV,
    currentMA,
    chargeMAh,
    step,
    cycle,
    mode,
    columns: header,
    metadata,
  };
}
