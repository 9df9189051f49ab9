/**
 * Neware BTS CSV exports (the record sheet: one row per record). Column names vary between BTS
 * versions; the reader knows these spellings (case, spaces, dots and underscores do not matter):
 *
 * | quantity     | columns                                                                  |
 * |--------------|--------------------------------------------------------------------------|
 * | test time    | "Cumulative Time", "Total Time", "Test Time" (HH:MM:SS, D-HH:MM:SS or s) |
 * | date-time    | "Date", "Realtime", "Real Time", "DateTime", "Absolute Time"             |
 * | step time    | "Time", "Step Time", "Relative Time(h:min:s.ms)" (fallback for the clock)|
 * | current      | "Current(A)", "Current(mA)", "Current(uA)", "Cur(mA)"                    |
 * | voltage      | "Voltage(V)", "Voltage(mV)"                                              |
 * | capacities   | "Chg. Cap.(Ah)" + "DChg. Cap.(Ah)", "Capacitance_Chg(mAh)" + "…_DChg", or the unsigned "Capacity(Ah)" |
 * | step / cycle | "Step Index", "Step ID", "Step"; "Cycle Index", "Cycle ID", "Cycle"      |
 * | step type    | "Step Type", "Step Name", "Status" ("Rest", "CC Chg", "CC DChg", "CV Chg", "CCCV Chg", …) |
 *
 * Conventions found in real exports (cellpy's `neware_uio.csv`): the current is signed (negative in
 * "CC DChg" steps), the capacity columns are unsigned and restart from zero at each step, the date is
 * the cycler PC's local wall clock and the cumulative time starts at 00:00:00. The reader still takes
 * the sign of the current from the step type where that names a direction (an export with unsigned
 * current then comes out right too), and builds the net charge from the increments of the charge and
 * discharge counters.
 */
import { InputError } from "../util/errors.js";
import {
  baseIs,
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
  type TextTable,
  voltageToV,
} from "./csv-text.js";
import type { CyclerRecords } from "./types.js";

const MARKERS = [
  "steptype",
  "stepname",
  "recordid",
  "recordindex",
  "realtime",
  "cumulativetime",
  "totaltime",
  "chgcap",
  "dchgcap",
  "capacitancechg",
  "capacitancedchg",
];

const isCurrent = (k: ColumnKey) => (k.base === "current" || k.base === "cur") && k.unit !== null;
const isVoltage = (k: ColumnKey) => k.base === "voltage" && k.unit !== null;

/** Whether header fields look like a Neware record sheet (also used by the sniffer). */
export function isNewareHeader(fields: readonly string[]): boolean {
  const keys = fields.map(columnKey);
  return keys.some(isCurrent) && keys.some(isVoltage) && keys.some((k) => MARKERS.includes(k.base));
}

/** Direction named by a step type: +1 charge, −1 discharge, 0 rest or unknown. */
export function stepTypeDirection(stepType: string): -1 | 0 | 1 {
  const s = stepType.toUpperCase().replace(/[\s_-]+/g, "");
  if (s.includes("DCHG") || s.includes("DISCHARGE") || s.includes("DISCHG")) return -1;
  if (s.includes("CHG") || s.includes("CHARGE")) return 1;
  return 0;
}

/** Control mode named by a step type: 1 CC, 2 CV, 3 rest, 0 unknown (CCCV, CP, CR, pulse, …). */
export function stepTypeMode(stepType: string): number {
  const s = stepType.toUpperCase().replace(/[\s_-]+/g, "");
  if (s.startsWith("REST") || s === "PAUSE" || s === "OCV") return 3;
  if (s.startsWith("CCCV") || s.startsWith("CPCV")) return 0;
  if (s.startsWith("CV")) return 2;
  if (s.startsWith("CC")) return 1;
  return 0;
}

function need(i: number, what: string, table: TextTable, file: string): number {
  if (i < 0) {
    throw new InputError(
      file,
      `Neware CSV without a ${what} column; columns present: ${table.header.join(", ")}`,
    );
  }
  return i;
}

/** Reads a Neware BTS CSV export (text or bytes). Throws InputError on anything it cannot read. */
export function parseNeware(input: string | Uint8Array, file: string): CyclerRecords {
  const text = decodeText(input);
  const table = readTable(
    text,
    file,
    isNewareHeader,
    "a Neware CSV export (current, voltage and Neware columns such as Step Type)",
  );
  const { header } = table;
  const n = table.rows.length;

  const iCur = need(findColumn(header, isCurrent), "current", table, file);
  const iVolt = need(findColumn(header, isVoltage), "voltage", table, file);
  const iTotal = findColumn(header, baseIs(["cumulativetime", "totaltime", "testtime"]));
  const iDate = findColumn(header, baseIs(["date", "realtime", "datetime", "absolutetime", "systemtime"]));
  const iStepTime = findColumn(header, baseIs(["time", "steptime", "relativetime"]));
  const iStep = findColumn(header, baseIs(["stepindex", "stepid", "step", "stepnumber"], [null]));
  const iCycle = findColumn(header, baseIs(["cycleindex", "cycleid", "cycle", "cyclenumber"], [null]));
  const iType = findColumn(header, baseIs(["steptype", "stepname", "status"]));
  const isChargeUnit = (k: ColumnKey) => !Number.isNaN(chargeToMAh(k.unit, "none"));
  const iChg = findColumn(
    header,
    (k) => ["chgcap", "capacitancechg", "chargecapacity", "chgcapacity"].includes(k.base) && isChargeUnit(k),
  );
  const iDchg = findColumn(
    header,
    (k) =>
      ["dchgcap", "capacitancedchg", "dischargecapacity", "dchgcapacity"].includes(k.base) && isChargeUnit(k),
  );
  const iCap = findColumn(header, (k) => k.base === "capacity" && isChargeUnit(k));

  const curKey = columnKey(header[iCur]!);
  const curFactor = currentToMA(curKey.unit);
  if (Number.isNaN(curFactor)) throw new InputError(file, `unknown current unit in column "${header[iCur]}"`);
  const voltFactor = voltageToV(columnKey(header[iVolt]!).unit);
  if (Number.isNaN(voltFactor))
    throw new InputError(file, `unknown voltage unit in column "${header[iVolt]}"`);

  const step = iStep >= 0 ? integerColumn(table, iStep, file) : null;
  const cycle = iCycle >= 0 ? integerColumn(table, iCycle, file) : null;
  const dateMs = iDate >= 0 && hasDates(table, iDate) ? dateTimeColumn(table, iDate, file) : null;

  // The record clock: total time, else the date-time, else the step times added up.
  let timeS: Float64Array;
  let timeColumn: string;
  const parseTotal = iTotal >= 0 ? durationParser(columnKey(header[iTotal]!).unit, table.decimalComma) : null;
  if (iTotal >= 0 && parseTotal) {
    timeS = numericColumn(table, iTotal, file, parseTotal, "a time");
    timeColumn = header[iTotal]!;
  } else if (dateMs) {
    timeS = dateMs.map((d) => (d - dateMs[0]!) / 1000);
    timeColumn = header[iDate]!;
  } else if (iStepTime >= 0) {
    const parseStep = durationParser(columnKey(header[iStepTime]!).unit, table.decimalComma);
    if (!parseStep) throw new InputError(file, `unknown time unit in column "${header[iStepTime]}"`);
    const st = numericColumn(table, iStepTime, file, parseStep, "a time");
    timeS = new Float64Array(n);
    let offset = 0;
    for (let i = 0; i < n; i++) {
      if (i > 0 && (st[i]! < st[i - 1]! || (step !== null && step[i] !== step[i - 1]))) offset += st[i - 1]!;
      timeS[i] = offset + st[i]!;
    }
    timeColumn = `${header[iStepTime]} (summed over steps)`;
  } else {
    throw new InputError(file, `Neware CSV without a time column; columns present: ${header.join(", ")}`);
  }

  const eweV = numericColumn(table, iVolt, file);
  if (voltFactor !== 1) for (let i = 0; i < n; i++) eweV[i]! *= voltFactor;
  const currentMA = numericColumn(table, iCur, file);
  const dir = new Int8Array(n);
  const mode = iType >= 0 ? new Uint8Array(n) : null;
  const stepTypes = new Set<string>();
  for (let i = 0; i < n; i++) {
    let c = currentMA[i]! * curFactor;
    if (iType >= 0) {
      const t = field(table, i, iType, file);
      stepTypes.add(t);
      dir[i] = stepTypeDirection(t);
      mode![i] = stepTypeMode(t);
      if (dir[i] !== 0) c = dir[i]! * Math.abs(c);
    }
    currentMA[i] = c;
  }

  let chargeMAh: Float64Array | null = null;
  let chargeColumns = "";
  if (iChg >= 0 && iDchg >= 0) {
    const up = intervalCharge(timeS, currentMA, 1);
    const down = intervalCharge(timeS, currentMA, -1);
    const chgF = chargeToMAh(columnKey(header[iChg]!).unit);
    const dchgF = chargeToMAh(columnKey(header[iDchg]!).unit);
    const chg = numericColumn(table, iChg, file).map((v) => v * chgF);
    const dchg = numericColumn(table, iDchg, file).map((v) => v * dchgF);
    const incC = counterIncrements(chg, step, up);
    const incD = counterIncrements(dchg, step, down);
    chargeMAh = cumulative(incC.map((v, i) => v - incD[i]!));
    chargeColumns = `${header[iChg]} − ${header[iDchg]}`;
  } else if (iCap >= 0) {
    const capF = chargeToMAh(columnKey(header[iCap]!).unit);
    const cap = numericColumn(table, iCap, file).map((v) => v * capF);
    const both = intervalCharge(timeS, currentMA, 1);
    const down = intervalCharge(timeS, currentMA, -1);
    for (let i = 0; i < n; i++) both[i]! += down[i]!;
    const inc = counterIncrements(cap, step, both);
    for (let i = 0; i < n; i++) inc[i] = inc[i]! * (dir[i] !== 0 ? dir[i]! : Math.sign(currentMA[i]!));
    chargeMAh = cumulative(inc);
    chargeColumns = `${header[iCap]} (signed by step type / current)`;
  }

  const metadata: Record<string, string | number> = {
    ...cutNote(table),
    timeColumn,
    currentColumn: header[iCur]!,
    voltageColumn: header[iVolt]!,
  };
  if (chargeColumns) metadata["chargeColumns"] = chargeColumns;
  if (stepTypes.size > 0) metadata["stepTypes"] = [...stepTypes].join(", ");
  for (const [k, line] of table.preamble.entries())
    if (line.trim()) metadata[`preamble${k + 1}`] = line.trim();
  if (dateMs) metadata["dateColumn"] = header[iDate]!;
  const startLocal = startFromDates(dateMs, timeS, metadata);

  return {
    file,
    format: "neware-csv",
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
