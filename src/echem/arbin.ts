/**
 * Arbin CSV exports (MITS Pro "Channel" sheet saved as CSV, and the same table as TRI's beep writes
 * it): one header line, one row per record.
 *
 * | quantity   | columns                                                                       |
 * |------------|-------------------------------------------------------------------------------|
 * | test time  | "Test_Time", "Test_Time(s)", "Test Time (s)" (s; D.HH:MM:SS also accepted)     |
 * | date-time  | "DateTime" / "Date_Time" / "Date Time": Unix epoch seconds (UTC) → `unixTimeS`; an Excel serial day number or a date-time string is local → `startLocal` |
 * | current    | "Current", "Current(A)", "Current (mA)" (no unit = A)                          |
 * | voltage    | "Voltage", "Voltage(V)" (no unit = V)                                          |
 * | capacities | "Charge_Capacity(Ah)", "Discharge_Capacity(Ah)" (no unit = Ah)                 |
 * | step/cycle | "Step_Index", "Cycle_Index"                                                    |
 *
 * Arbin writes the current signed (positive while charging, negative while discharging) and the
 * charge and discharge capacities as unsigned counters (reset per cycle or per test depending on the
 * software); the net charge is the sum of the charge-counter increments minus the discharge-counter
 * increments. An Arbin CSV has no step-type column: mode is 3 (rest) where the current is exactly
 * zero and 0 (unknown) elsewhere.
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
  decodeText,
  detectDelimiter,
  durationParser,
  field,
  findColumn,
  inferDateOrder,
  integerColumn,
  intervalCharge,
  numericColumn,
  parseLocalDateTimeMs,
  parseNumber,
  readTable,
  splitFields,
  splitLines,
  startFromDates,
  voltageToV,
} from "./csv-text.js";
import type { CyclerRecords } from "./types.js";

const isCurrent = (k: ColumnKey) => k.base === "current" && !Number.isNaN(currentToMA(k.unit, "a"));
const isVoltage = (k: ColumnKey) => k.base === "voltage" && !Number.isNaN(voltageToV(k.unit, "v"));
const isTestTime = (k: ColumnKey) => k.base === "testtime";

/** Whether header fields look like an Arbin export header (also used by the sniffer). */
export function isArbinHeader(fields: readonly string[]): boolean {
  const keys = fields.map(columnKey);
  return (
    keys.some(isTestTime) &&
    keys.some(isCurrent) &&
    keys.some(isVoltage) &&
    keys.some((k) => k.base === "datapoint" || k.base === "stepindex" || k.base === "cycleindex")
  );
}

/** Excel serial day numbers of 1954–2119, read as local date-times (days since 1899-12-30). */
const EXCEL_MIN = 20000;
const EXCEL_MAX = 80000;
/** Unix epoch seconds of 1973–2286. */
const EPOCH_MIN = 1e8;

/**
 * Arbin's companion metadata CSV (`*_Metadata.csv`, one header line and one row: test_id,
 * device_id, iv_ch_id, first_start_datetime, schedule_file_name, …) → key/value pairs, numbers where
 * they parse.
 */
export function parseArbinMetadata(
  input: string | Uint8Array,
  file: string,
): Record<string, string | number> {
  const lines = splitLines(decodeText(input)).filter((l) => l.trim() !== "");
  if (lines.length === 0) throw new InputError(file, "empty file");
  if (lines.length < 2) throw new InputError(file, "Arbin metadata CSV without a data row");
  const d = detectDelimiter(lines[0]!);
  const keys = splitFields(lines[0]!, d);
  const values = splitFields(lines[1]!, d);
  const out: Record<string, string | number> = {};
  keys.forEach((k, i) => {
    if (k === "") return;
    const v = values[i] ?? "";
    const num = parseNumber(v);
    out[k] = v !== "" && Number.isFinite(num) ? num : v;
  });
  return out;
}

export interface ArbinOptions {
  /** The companion `*_Metadata.csv` (text or bytes); its values go into `metadata` as "meta.<key>". */
  metadata?: string | Uint8Array;
  /** Its file name, for error messages. */
  metadataFile?: string;
}

/** Reads an Arbin CSV export (text or bytes). Throws InputError on anything it cannot read. */
export function parseArbin(
  input: string | Uint8Array,
  file: string,
  options: ArbinOptions = {},
): CyclerRecords {
  const text = decodeText(input);
  const table = readTable(
    text,
    file,
    isArbinHeader,
    "an Arbin CSV export (Test_Time, Current, Voltage, Data_Point/Step_Index columns)",
  );
  const { header } = table;
  const n = table.rows.length;

  const iTime = findColumn(header, isTestTime);
  const iCur = findColumn(header, isCurrent);
  const iVolt = findColumn(header, isVoltage);
  const iDate = findColumn(header, baseIs(["datetime"]));
  const iStep = findColumn(header, baseIs(["stepindex"]));
  const iCycle = findColumn(header, baseIs(["cycleindex"]));
  const isCap = (base: string) => (k: ColumnKey) =>
    k.base === base && !Number.isNaN(chargeToMAh(k.unit, "ah"));
  const iChg = findColumn(header, isCap("chargecapacity"));
  const iDchg = findColumn(header, isCap("dischargecapacity"));

  const timeParse = durationParser(columnKey(header[iTime]!).unit, table.decimalComma);
  if (!timeParse) throw new InputError(file, `unknown time unit in column "${header[iTime]}"`);
  const timeS = numericColumn(table, iTime, file, timeParse, "a time");
  const curFactor = currentToMA(columnKey(header[iCur]!).unit, "a");
  const voltFactor = voltageToV(columnKey(header[iVolt]!).unit, "v");
  const currentMA = numericColumn(table, iCur, file).map((v) => v * curFactor);
  const eweV = numericColumn(table, iVolt, file).map((v) => v * voltFactor);
  const step = iStep >= 0 ? integerColumn(table, iStep, file) : null;
  const cycle = iCycle >= 0 ? integerColumn(table, iCycle, file) : null;
  const mode = currentMA.reduce((m, c, i) => {
    m[i] = c === 0 ? 3 : 0;
    return m;
  }, new Uint8Array(n));

  let chargeMAh: Float64Array | null = null;
  if (iChg >= 0 && iDchg >= 0) {
    const fc = chargeToMAh(columnKey(header[iChg]!).unit, "ah");
    const fd = chargeToMAh(columnKey(header[iDchg]!).unit, "ah");
    const chg = numericColumn(table, iChg, file).map((v) => v * fc);
    const dchg = numericColumn(table, iDchg, file).map((v) => v * fd);
    const incC = counterIncrements(chg, step, intervalCharge(timeS, currentMA, 1));
    const incD = counterIncrements(dchg, step, intervalCharge(timeS, currentMA, -1));
    chargeMAh = cumulative(incC.map((v, i) => v - incD[i]!));
  }

  const metadata: Record<string, string | number> = {
    ...cutNote(table),
    timeColumn: header[iTime]!,
    currentColumn: header[iCur]!,
    voltageColumn: header[iVolt]!,
  };
  if (iChg >= 0 && iDchg >= 0) metadata["chargeColumns"] = `${header[iChg]} − ${header[iDchg]}`;

  // The date-time column: epoch seconds (UTC), an Excel serial day (local) or a local date-time string.
  let unixTimeS: Float64Array | null = null;
  let startLocal: string | null = null;
  if (iDate >= 0) {
    metadata["dateColumn"] = header[iDate]!;
    const first = parseNumber(field(table, 0, iDate, file), table.decimalComma);
    if (Number.isFinite(first) && first >= EPOCH_MIN) {
      unixTimeS = numericColumn(table, iDate, file);
      metadata["dateTimeKind"] = "unix epoch s (UTC)";
    } else {
      let dateMs: Float64Array;
      if (Number.isFinite(first) && first >= EXCEL_MIN && first <= EXCEL_MAX) {
        dateMs = numericColumn(table, iDate, file).map((d) => (d - 25569) * 86400000);
        metadata["dateTimeKind"] = "Excel serial day (local)";
      } else {
        const order = inferDateOrder(table.rows.map((r) => r[iDate] ?? ""));
        dateMs = numericColumn(table, iDate, file, (s) => parseLocalDateTimeMs(s, order), "a date-time");
        metadata["dateTimeKind"] = "local date-time";
      }
      startLocal = startFromDates(dateMs, timeS, metadata);
    }
  }

  if (options.metadata !== undefined) {
    const meta = parseArbinMetadata(options.metadata, options.metadataFile ?? `${file} (metadata)`);
    for (const [k, v] of Object.entries(meta)) metadata[`meta.${k}`] = v;
  }

  return {
    file,
    format: "arbin-csv",
    n,
    startLocal,
    timeS,
    unixTimeS,
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
