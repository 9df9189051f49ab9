/**
 * Any delimited table of records (comma, tab or semicolon; decimal commas allowed when the delimiter
 * is not a comma), read through a mapping that names its columns. Lines before the header that start
 * with "#" and blank lines are skipped; the first other line is the header.
 *
 * The mapped current is taken as written (the file must already have it negative on discharge) and
 * the mapped charge as the net charge passed since the start (signed like the current); it is
 * rebased so that the first record has charge 0.
 */
import { InputError } from "../util/errors.js";
import {
  cutNote,
  decodeText,
  durationParser,
  inferDateOrder,
  integerColumn,
  numericColumn,
  parseLocalDateTimeMs,
  readTable,
  startFromDates,
  type TextTable,
} from "./csv-text.js";
import type { CyclerRecords } from "./types.js";

export interface GenericCsvMapping {
  /** Column of the record time (numbers in `timeUnit`, "HH:MM:SS" durations, or date-times). */
  time: string;
  /** Column of the cell / working-electrode voltage [V]. */
  voltage: string;
  /** Column of the current (in `currentUnit`), negative on discharge. */
  current: string;
  /** Column of the net charge passed (in `chargeUnit`), signed like the current. */
  charge?: string;
  step?: string;
  cycle?: string;
  /** Unit of numeric time values; default "s". */
  timeUnit?: "s" | "min" | "h";
  /** Default "mA". */
  currentUnit?: "mA" | "A" | "uA";
  /** Default "mAh". */
  chargeUnit?: "mAh" | "Ah";
  /** Column of a local wall-clock date-time per record; gives `startLocal`. */
  datetime?: string;
}

const CURRENT_TO_MA = { mA: 1, A: 1000, uA: 1e-3 } as const;
const CHARGE_TO_MAH = { mAh: 1, Ah: 1000 } as const;
const TIME_UNIT = { s: "s", min: "min", h: "h" } as const;

function locate(table: TextTable, name: string, role: string, file: string): number {
  let i = table.header.indexOf(name.trim());
  if (i < 0) {
    const lower = name.trim().toLowerCase();
    i = table.header.findIndex((h) => h.toLowerCase() === lower);
  }
  if (i < 0) {
    throw new InputError(
      file,
      `no column "${name}" (mapped as ${role}); columns present: ${table.header.map((h) => JSON.stringify(h)).join(", ")}`,
    );
  }
  return i;
}

/** Reads a delimited table through `mapping`. Throws InputError on anything it cannot read. */
export function parseGenericCsv(
  input: string | Uint8Array,
  file: string,
  mapping: GenericCsvMapping,
): CyclerRecords {
  const text = decodeText(input);
  const table = readTable(
    text,
    file,
    (fields) => !(fields[0] ?? "").startsWith("#") && fields.length > 1,
    "a delimited table with a header",
    200,
  );
  // A header line with a single column (no delimiter) is not found above: report it as such.
  const n = table.rows.length;

  const iTime = locate(table, mapping.time, "time", file);
  const iVolt = locate(table, mapping.voltage, "voltage", file);
  const iCur = locate(table, mapping.current, "current", file);
  const iCharge = mapping.charge !== undefined ? locate(table, mapping.charge, "charge", file) : -1;
  const iStep = mapping.step !== undefined ? locate(table, mapping.step, "step", file) : -1;
  const iCycle = mapping.cycle !== undefined ? locate(table, mapping.cycle, "cycle", file) : -1;
  const iDate = mapping.datetime !== undefined ? locate(table, mapping.datetime, "datetime", file) : -1;

  const curFactor = CURRENT_TO_MA[mapping.currentUnit ?? "mA"];
  const chargeFactor = CHARGE_TO_MAH[mapping.chargeUnit ?? "mAh"];
  const timeUnit = TIME_UNIT[mapping.timeUnit ?? "s"];
  if (curFactor === undefined)
    throw new InputError(file, `unknown current unit ${String(mapping.currentUnit)}`);
  if (chargeFactor === undefined)
    throw new InputError(file, `unknown charge unit ${String(mapping.chargeUnit)}`);
  if (timeUnit === undefined) throw new InputError(file, `unknown time unit ${String(mapping.timeUnit)}`);

  const metadata: Record<string, string | number> = { ...cutNote(table), timeColumn: table.header[iTime]! };
  for (const [k, line] of table.preamble.entries())
    if (line.trim()) metadata[`preamble${k + 1}`] = line.trim();

  // Time: numbers or durations; a column of date-times is turned into seconds since its first value.
  const order = inferDateOrder(table.rows.map((r) => r[iTime] ?? ""));
  const firstTime = table.rows[0]![iTime] ?? "";
  const parseDur = durationParser(timeUnit, table.decimalComma)!;
  let timeS: Float64Array;
  let dateMs: Float64Array | null = null;
  if (Number.isNaN(parseDur(firstTime)) && !Number.isNaN(parseLocalDateTimeMs(firstTime, order))) {
    const ms = numericColumn(table, iTime, file, (s) => parseLocalDateTimeMs(s, order), "a date-time");
    timeS = ms.map((v) => (v - ms[0]!) / 1000);
    dateMs = ms;
  } else {
    timeS = numericColumn(table, iTime, file, parseDur, "a time");
  }
  if (iDate >= 0) {
    const o = inferDateOrder(table.rows.map((r) => r[iDate] ?? ""));
    dateMs = numericColumn(table, iDate, file, (s) => parseLocalDateTimeMs(s, o), "a date-time");
  }

  const eweV = numericColumn(table, iVolt, file);
  const currentMA = numericColumn(table, iCur, file).map((v) => v * curFactor);
  let chargeMAh: Float64Array | null = null;
  if (iCharge >= 0) {
    const q = numericColumn(table, iCharge, file);
    const q0 = q[0]!;
    chargeMAh = q.map((v) => (v - q0) * chargeFactor);
  }
  const step = iStep >= 0 ? integerColumn(table, iStep, file) : null;
  const cycle = iCycle >= 0 ? integerColumn(table, iCycle, file) : null;

  const startLocal = startFromDates(dateMs, timeS, metadata);

  return {
    file,
    format: "generic-csv",
    n,
    startLocal,
    timeS,
    unixTimeS: null,
    eweV,
    currentMA,
    chargeMAh,
    step,
    cycle,
    mode: null,
    columns: table.header,
    metadata,
  };
}
