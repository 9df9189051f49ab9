/**
 * Small text helpers shared by the cycler readers (Neware, Arbin, Maccor, generic CSV): decoding,
 * line and field splitting, number / duration / date-time parsing, column lookup by name and unit,
 * and the bookkeeping that turns the cyclers' resetting capacity counters into net charge.
 */
import { InputError } from "../util/errors.js";

// ---------------------------------------------------------------------------------------------
// Decoding and splitting

/**
 * Bytes → text. A UTF-8 BOM is dropped; UTF-16 (with a BOM) is decoded as such; otherwise the bytes
 * are UTF-8 when they are valid UTF-8 and Latin-1 (Windows-1252) when not (e.g. `µ` = 0xB5).
 * A string input only loses a leading BOM.
 */
export function decodeText(input: string | Uint8Array): string {
  if (typeof input === "string") return input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const b = input;
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) {
    return new TextDecoder("utf-8").decode(b.subarray(3));
  }
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe)
    return new TextDecoder("utf-16le").decode(b.subarray(2));
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) {
    const swapped = new Uint8Array(b.length - 2 - (b.length % 2));
    for (let i = 0; i + 1 < swapped.length; i += 2) {
      swapped[i] = b[i + 3]!;
      swapped[i + 1] = b[i + 2]!;
    }
    return new TextDecoder("utf-16le").decode(swapped);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(b);
  } catch {
    return new TextDecoder("latin1").decode(b);
  }
}

/** Splits text into lines at CRLF, LF or a lone CR. A final line break does not make an extra empty line. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\n|\r/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

export type Delimiter = "," | "\t" | ";";
export const DELIMITERS: readonly Delimiter[] = ["\t", ";", ","];

/** Counts a character outside double-quoted sections. */
function countOutsideQuotes(line: string, ch: string): number {
  let n = 0;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') quoted = !quoted;
    else if (c === ch && !quoted) n++;
  }
  return n;
}

/**
 * The delimiter of a header line: the one of tab, semicolon and comma that occurs most often outside
 * quotes (ties: tab, then semicolon, then comma). A line with none of them is taken as comma-separated.
 */
export function detectDelimiter(line: string): Delimiter {
  let best: Delimiter = ",";
  let bestN = 0;
  for (const d of DELIMITERS) {
    const n = countOutsideQuotes(line, d);
    if (n > bestN) {
      best = d;
      bestN = n;
    }
  }
  return best;
}

/**
 * Splits one line into fields. Fields may be double-quoted (a doubled quote inside is one quote);
 * unquoted fields are trimmed of surrounding spaces. Quoted fields cannot span lines.
 */
export function splitFields(line: string, delimiter: Delimiter): string[] {
  if (!line.includes('"')) return line.split(delimiter).map((f) => f.trim());
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && line[i] === " ") i++;
    if (line[i] === '"') {
      let value = "";
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) {
          value += line.slice(i);
          i = n;
          break;
        }
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      // Anything between the closing quote and the delimiter is kept (lenient, like most readers).
      const next = line.indexOf(delimiter, i);
      const tail = next < 0 ? line.slice(i) : line.slice(i, next);
      out.push(value + tail.trim());
      if (next < 0) return out;
      i = next + 1;
    } else {
      const next = line.indexOf(delimiter, i);
      if (next < 0) {
        out.push(line.slice(i).trim());
        return out;
      }
      out.push(line.slice(i, next).trim());
      i = next + 1;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Numbers, durations, date-times

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A decimal number, or NaN when the text is not one (empty, "N/A", "1.2.3", …). With
 * `decimalComma`, a single comma is the decimal separator ("3,14" = 3.14) — allowed only where the
 * field delimiter is not a comma. No thousands separators, no "inf"/"nan" words.
 */
export function parseNumber(text: string, decimalComma = false): number {
  let s = text.trim();
  if (decimalComma && s.includes(",")) {
    if (s.includes(".")) return Number.NaN;
    s = s.replace(",", ".");
  }
  return NUMBER_RE.test(s) ? Number(s) : Number.NaN;
}

const DURATION_RE =
  /^(?:(\d+)(?:\s*-\s*|\s*d(?:ays?)?,?\s*|\.|\s+))?(\d+):([0-5]?\d):([0-5]?\d(?:[.,]\d*)?)$/i;

/**
 * A duration in seconds, or NaN. Accepts plain numbers of seconds ("12.5", decimal comma with
 * `decimalComma`), "HH:MM:SS(.s)" with any number of hours ("144:02:18"), and a day count in front:
 * "D-HH:MM:SS", "D.HH:MM:SS" (.NET TimeSpan), "Dd HH:MM:SS", "D day(s), HH:MM:SS", "D HH:MM:SS".
 */
export function parseDuration(text: string, decimalComma = false): number {
  const s = text.trim();
  if (!s.includes(":")) return parseNumber(s, decimalComma);
  const m = DURATION_RE.exec(s);
  if (!m) return Number.NaN;
  const days = m[1] === undefined ? 0 : Number(m[1]);
  const h = Number(m[2]);
  const min = Number(m[3]);
  const sec = Number(m[4]!.replace(",", "."));
  if (m[1] !== undefined && h >= 24) return Number.NaN;
  return ((days * 24 + h) * 60 + min) * 60 + sec;
}

/**
 * A parser for a time column with the given unit ("s", "sec", "min", "h", "hr", "h:min:s.ms" or none
 * = seconds): values with ":" are durations (`parseDuration`), others numbers times the unit. Null
 * when the unit is not a time unit.
 */
export function durationParser(unit: string | null, decimalComma: boolean): ((s: string) => number) | null {
  let factor: number;
  if (unit === null || unit === "s" || unit === "sec" || unit.includes(":")) factor = 1;
  else if (unit === "min") factor = 60;
  else if (unit === "h" || unit === "hr") factor = 3600;
  else return null;
  return (s) => (s.includes(":") ? parseDuration(s, decimalComma) : parseNumber(s, decimalComma) * factor);
}

/** How to read an all-numeric slash date: month first (US, the default) or day first. */
export type DateOrder = "mdy" | "dmy";

const ISO_DATE_RE =
  /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*([AaPp][Mm])?)?$/;
const OTHER_DATE_RE =
  /^(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})(?:(?:T|\s+|,\s*)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*([AaPp][Mm])?)?$/;

function daysInMonth(y: number, mo: number): number {
  return new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

function assembleMs(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  frac: string | undefined,
  ampm: string | undefined,
): number {
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return Number.NaN;
  if (ampm !== undefined) {
    if (h < 1 || h > 12) return Number.NaN;
    const pm = ampm.toLowerCase() === "pm";
    h = (h % 12) + (pm ? 12 : 0);
  }
  if (h > 23 || mi > 59 || s > 59) return Number.NaN;
  const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  t.setUTCHours(h, mi, s, 0);
  return t.getTime() + ms;
}

/**
 * A wall-clock date-time → milliseconds on a zone-free axis (the local reading treated as if it were
 * UTC; only differences and `formatLocal` are meaningful), or NaN. Accepted: "2022-05-12 10:23:45",
 * "2022/5/12 10:23:45.123", "2022-05-12T10:23:45", "05/12/2022 10:23:45 AM", "12.05.2022 10:23",
 * "12-05-22 10:23:45", and dates without a time (midnight: Maccor writes midnight as the date alone).
 * Slash- or dash-separated dates with the day second are read month first unless `order` is "dmy" or
 * the first number exceeds 12; dotted dates ("12.05.2022") are day first. Two-digit years are 20yy.
 */
export function parseLocalDateTimeMs(text: string, order: DateOrder = "mdy"): number {
  const s = text.trim();
  let m = ISO_DATE_RE.exec(s);
  if (m) {
    return assembleMs(
      Number(m[1]),
      Number(m[2]),
      Number(m[3]),
      Number(m[4] ?? 0),
      Number(m[5] ?? 0),
      Number(m[6] ?? 0),
      m[7],
      m[8],
    );
  }
  m = OTHER_DATE_RE.exec(s);
  if (!m) return Number.NaN;
  const a = Number(m[1]);
  const b = Number(m[3]);
  let y = Number(m[4]);
  if (m[4]!.length === 2) y += 2000;
  const dayFirst = m[2] === "." || order === "dmy" || a > 12;
  const mo = dayFirst ? b : a;
  const d = dayFirst ? a : b;
  return assembleMs(y, mo, d, Number(m[5] ?? 0), Number(m[6] ?? 0), Number(m[7] ?? 0), m[8], m[9]);
}

/** Zone-free milliseconds (see `parseLocalDateTimeMs`) → "YYYY-MM-DDTHH:MM:SS", with ".sss" when not whole. */
export function formatLocal(ms: number): string {
  const iso = new Date(Math.round(ms)).toISOString().slice(0, -1);
  return iso.endsWith(".000") ? iso.slice(0, -4) : iso;
}

/** A wall-clock date-time → "YYYY-MM-DDTHH:MM:SS(.sss)" (no zone), or null when it does not parse. */
export function parseLocalDateTime(text: string, order: DateOrder = "mdy"): string | null {
  const ms = parseLocalDateTimeMs(text, order);
  return Number.isNaN(ms) ? null : formatLocal(ms);
}

/**
 * Decides month-first or day-first for a column of all-numeric dates: day first as soon as one
 * value has a first number above 12 (and none has a second number above 12); else month first.
 */
export function inferDateOrder(values: Iterable<string>): DateOrder {
  let dayFirst = false;
  for (const v of values) {
    const m = OTHER_DATE_RE.exec(v.trim());
    if (!m || m[2] === ".") continue;
    if (Number(m[3]) > 12) return "mdy";
    if (Number(m[1]) > 12) dayFirst = true;
  }
  return dayFirst ? "dmy" : "mdy";
}

/**
 * The wall-clock reading [zone-free ms] at which a record clock `timeS` reads 0, from per-record
 * date-times `dateMs` (NaN where missing). Date-times written to the whole second are truncations of
 * the true time, so the best estimate is the largest `dateMs − 1000·timeS` over the records near the
 * first one (within 600 s of it, and within 1.5 s of its offset, so that a pause or a clock jump
 * later in the file does not count). NaN when no record has a date-time.
 */
export function wallClockZero(dateMs: ArrayLike<number>, timeS: ArrayLike<number>): number {
  let first = -1;
  for (let i = 0; i < dateMs.length; i++) {
    if (Number.isFinite(dateMs[i]!)) {
      first = i;
      break;
    }
  }
  if (first < 0) return Number.NaN;
  const d0 = dateMs[first]! - 1000 * timeS[first]!;
  let best = d0;
  for (let i = first + 1; i < dateMs.length; i++) {
    if (timeS[i]! - timeS[first]! > 600) break;
    const di = dateMs[i]! - 1000 * timeS[i]!;
    if (Number.isFinite(di) && Math.abs(di - d0) < 1500 && di > best) best = di;
  }
  return best;
}

/**
 * The log's start on the cycler's wall clock from a date-time column (`wallClockZero`), also noting
 * the first record's own date-time in `metadata.firstRecordLocal`. Null when no record has a date.
 */
export function startFromDates(
  dateMs: ArrayLike<number> | null,
  timeS: ArrayLike<number>,
  metadata: Record<string, string | number>,
): string | null {
  if (!dateMs) return null;
  metadata["firstRecordLocal"] = formatLocal(dateMs[0]!);
  return formatLocal(wallClockZero(dateMs, timeS));
}

// ---------------------------------------------------------------------------------------------
// Tables

/** A delimited text table: the header, the data rows and where they came from. */
export interface TextTable {
  /** Lines before the header line, as written. */
  preamble: string[];
  /** Column names, trimmed, as written. */
  header: string[];
  /** 1-based line number of the header. */
  headerLine: number;
  /** Data rows (blank lines skipped). */
  rows: string[][];
  /** 1-based line number of each row. */
  lineNo: Int32Array;
  delimiter: Delimiter;
  /** Whether numbers may use a decimal comma (the delimiter is not a comma). */
  decimalComma: boolean;
  /** The last line, when it was cut short and left out (`cutLastLine`); null when none was. */
  cut: string | null;
}

/** Where a reader notes a last line it left out because it was cut short (metadata key). */
export const CUT_LINE_KEY = "cut last line";

/**
 * Whether the last line of a text is an unfinished record: the text does not end with a line break
 * (a cycler still writing the file, or a copy taken mid-write) and the line has fewer fields than
 * the header names. Such a line is left out and said so; a short line anywhere else is still an error.
 */
export function cutLastLine(text: string, fields: number, expected: number, lineNo: number): string | null {
  const last = text[text.length - 1];
  if (last === "\n" || last === "\r" || fields >= expected) return null;
  return `line ${lineNo} was cut short (${fields} of ${expected} fields, no line break after it: the cycler still writing the file?) and is left out`;
}

/** The metadata entry for a table's cut last line (spread into a reader's metadata). */
export function cutNote(table: TextTable): Record<string, string> {
  return table.cut ? { [CUT_LINE_KEY]: table.cut } : {};
}

/**
 * Finds the header line (the first line, among the first `maxSearch`, whose fields split by some
 * delimiter satisfy `isHeader`) and splits the lines after it. Throws InputError when the text is
 * empty, no header is found (`what` names the expected format in the message) or no row follows it.
 */
export function readTable(
  text: string,
  file: string,
  isHeader: (fields: string[]) => boolean,
  what: string,
  maxSearch = 60,
): TextTable {
  const lines = splitLines(text);
  if (lines.every((l) => l.trim() === "")) throw new InputError(file, "empty file");
  let h = -1;
  let delimiter: Delimiter = ",";
  let header: string[] = [];
  for (let i = 0; i < Math.min(lines.length, maxSearch) && h < 0; i++) {
    const line = lines[i]!;
    if (line.trim() === "") continue;
    // Try the delimiters that occur on the line, the most frequent first.
    const ranked = DELIMITERS.map((d) => ({ d, k: countOutsideQuotes(line, d) }))
      .filter((x) => x.k > 0)
      .sort((a, b) => b.k - a.k);
    for (const { d } of ranked) {
      const fields = splitFields(line, d);
      if (isHeader(fields)) {
        h = i;
        delimiter = d;
        header = fields;
        break;
      }
    }
  }
  if (h < 0) throw new InputError(file, `not ${what}: no header line found in the first ${maxSearch} lines`);
  while (header.length > 0 && header[header.length - 1] === "") header.pop();
  const rows: string[][] = [];
  const lineNo: number[] = [];
  for (let i = h + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "") continue;
    rows.push(splitFields(line, delimiter));
    lineNo.push(i + 1);
  }
  const lastRow = rows[rows.length - 1];
  const cut = lastRow ? cutLastLine(text, lastRow.length, header.length, lineNo[lineNo.length - 1]!) : null;
  if (cut) {
    rows.pop();
    lineNo.pop();
  }
  // every cycler export needs records: a header alone is a truncated or empty export
  if (rows.length === 0) throw new InputError(file, `no data rows after the header (line ${h + 1})`);
  return {
    preamble: lines.slice(0, h),
    header,
    headerLine: h + 1,
    rows,
    lineNo: Int32Array.from(lineNo),
    delimiter,
    decimalComma: delimiter !== ",",
    cut,
  };
}

/** A column name split into a comparable base and its unit: "Current(mA)" → { base: "current", unit: "ma" }. */
export interface ColumnKey {
  /** Lower case, without spaces, underscores, dots, dashes or slashes ("Chg. Cap.(Ah)" → "chgcap"). */
  base: string;
  /** The text in the last (…) or […], lower case, trimmed, "µ"/"μ" → "u"; null when there is none. */
  unit: string | null;
}

export function columnKey(name: string): ColumnKey {
  const m = /^(.*?)\s*[([]\s*([^()[\]]*?)\s*[)\]]\s*$/.exec(name);
  const base = (m ? m[1]! : name).toLowerCase().replace(/[\s_.\-/]+/g, "");
  const unit = m ? m[2]!.toLowerCase().replace(/[µμ]/g, "u") : null;
  return { base, unit };
}

/** Index of the first column whose key satisfies one of the tests, trying the tests in order; -1 if none. */
export function findColumn(header: readonly string[], ...tests: Array<(k: ColumnKey) => boolean>): number {
  const keys = header.map(columnKey);
  for (const t of tests) {
    const i = keys.findIndex(t);
    if (i >= 0) return i;
  }
  return -1;
}

/** A test for `findColumn`: the base is one of `bases` (any unit, or only these units when given). */
export function baseIs(
  bases: readonly string[],
  units?: readonly (string | null)[],
): (k: ColumnKey) => boolean {
  return (k) => bases.includes(k.base) && (units === undefined || units.includes(k.unit));
}

/** The field of row `r` in column `c`, or an InputError naming the line when the row is too short. */
export function field(table: TextTable, r: number, c: number, file: string): string {
  const row = table.rows[r]!;
  if (c >= row.length) {
    throw new InputError(
      file,
      `line ${table.lineNo[r]}: ${row.length} fields, but column "${table.header[c]}" is field ${c + 1}`,
    );
  }
  return row[c]!;
}

/**
 * Parses column `c` of every row with `parse` (default: `parseNumber` with the table's decimal
 * convention) into a Float64Array; a value that does not parse is an InputError with its line number.
 */
export function numericColumn(
  table: TextTable,
  c: number,
  file: string,
  parse: (s: string) => number = (s) => parseNumber(s, table.decimalComma),
  kind = "a number",
): Float64Array {
  const out = new Float64Array(table.rows.length);
  for (let r = 0; r < table.rows.length; r++) {
    const s = field(table, r, c, file);
    const v = parse(s);
    if (Number.isNaN(v)) {
      throw new InputError(
        file,
        `line ${table.lineNo[r]}: column "${table.header[c]}": ${JSON.stringify(s)} is not ${kind}`,
      );
    }
    out[r] = v;
  }
  return out;
}

/** Like `numericColumn`, for integer counters ("3", "3.0"); a fractional value is an InputError. */
export function integerColumn(table: TextTable, c: number, file: string): Int32Array {
  const v = numericColumn(table, c, file);
  const out = new Int32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    if (!Number.isInteger(v[i]!) || Math.abs(v[i]!) > 2147483647) {
      throw new InputError(
        file,
        `line ${table.lineNo[i]}: column "${table.header[c]}": ${JSON.stringify(table.rows[i]![c])} is not an integer`,
      );
    }
    out[i] = v[i]!;
  }
  return out;
}

/** Whether a date-time column is filled in: its first value is neither empty nor "N/A". */
export function hasDates(table: TextTable, c: number): boolean {
  const v = (table.rows[0]?.[c] ?? "").trim();
  return v !== "" && v.toUpperCase() !== "N/A";
}

/** Parses a date-time column into zone-free ms (see `parseLocalDateTimeMs`), inferring the date order. */
export function dateTimeColumn(table: TextTable, c: number, file: string): Float64Array {
  const values = table.rows.map((row) => row[c] ?? "");
  const order = inferDateOrder(values);
  return numericColumn(table, c, file, (s) => parseLocalDateTimeMs(s, order), "a date-time");
}

// ---------------------------------------------------------------------------------------------
// Units

/** Factor from a current unit ("a", "ma", "ua", "na") to mA; NaN when unknown. */
export function currentToMA(unit: string | null, fallback = "a"): number {
  switch (unit ?? fallback) {
    case "a":
    case "amps":
      return 1000;
    case "ma":
      return 1;
    case "ua":
      return 1e-3;
    case "na":
      return 1e-6;
    default:
      return Number.NaN;
  }
}

/** Factor from a charge unit ("ah", "mah", "uah", "c", "mc") to mAh; NaN when unknown. */
export function chargeToMAh(unit: string | null, fallback = "ah"): number {
  switch (unit ?? fallback) {
    case "ah":
    case "a.h":
    case "amp-hr":
      return 1000;
    case "mah":
    case "ma.h":
      return 1;
    case "uah":
      return 1e-3;
    case "c":
      return 1000 / 3600;
    case "mc":
      return 1 / 3600;
    default:
      return Number.NaN;
  }
}

/** Factor from a voltage unit ("v", "mv") to V; NaN when unknown. */
export function voltageToV(unit: string | null, fallback = "v"): number {
  switch (unit ?? fallback) {
    case "v":
    case "volts":
      return 1;
    case "mv":
      return 1e-3;
    default:
      return Number.NaN;
  }
}

// ---------------------------------------------------------------------------------------------
// Charge bookkeeping

/**
 * Per-record increments of an unsigned capacity counter that the cycler resets to zero at step (or
 * cycle) changes — Neware "Chg. Cap.", Arbin "Charge_Capacity", Maccor "Amp-hr". inc[0] = 0. A drop
 * of the counter is a reset: the increment is the new value (within a step, only when that is closer
 * to `expected` than nothing is). Where `step` (any segment key) changes without a drop,
 * the counter either continued or restarted from zero: the reading closer to `expected[i]` (the
 * charge the current carried in that interval, same unit) is taken.
 */
export function counterIncrements(
  counter: ArrayLike<number>,
  step: ArrayLike<number> | null,
  expected: ArrayLike<number> | null,
): Float64Array {
  const n = counter.length;
  const inc = new Float64Array(n);
  for (let i = 1; i < n; i++) {
    const v = counter[i]!;
    const d = v - counter[i - 1]!;
    const newStep = step !== null && step[i] !== step[i - 1];
    if (d < 0) {
      // A reset, unless (within a step) the counter merely wobbled back: then nothing was carried.
      inc[i] = newStep || expected === null || Math.abs(v - expected[i]!) < Math.abs(expected[i]!) ? v : 0;
    } else if (newStep && expected !== null) {
      inc[i] = Math.abs(v - expected[i]!) < Math.abs(d - expected[i]!) ? v : d;
    } else inc[i] = d;
  }
  return inc;
}

/**
 * The charge [same unit as mA·h] carried between consecutive records by the positive part (`sign`
 * = 1) or the negative part (`sign` = −1) of the current, by the trapezoid rule; out[0] = 0.
 */
export function intervalCharge(
  timeS: ArrayLike<number>,
  currentMA: ArrayLike<number>,
  sign: 1 | -1,
): Float64Array {
  const out = new Float64Array(timeS.length);
  for (let i = 1; i < timeS.length; i++) {
    const a = Math.max(0, sign * currentMA[i - 1]!);
    const b = Math.max(0, sign * currentMA[i]!);
    out[i] = (0.5 * (a + b) * (timeS[i]! - timeS[i - 1]!)) / 3600;
  }
  return out;
}

/** Net charge since the first record: cumulative sum of the signed increments (starts at 0). */
export function cumulative(inc: ArrayLike<number>): Float64Array {
  const out = new Float64Array(inc.length);
  let s = 0;
  for (let i = 0; i < inc.length; i++) {
    if (i > 0) s += inc[i]!;
    out[i] = s;
  }
  return out;
}

/** ∫ I dt [mAh] from the first record, trapezoid rule (for checks). */
export function integrateCurrent(timeS: ArrayLike<number>, currentMA: ArrayLike<number>): Float64Array {
  const out = new Float64Array(timeS.length);
  for (let i = 1; i < timeS.length; i++) {
    out[i] = out[i - 1]! + (0.5 * (currentMA[i - 1]! + currentMA[i]!) * (timeS[i]! - timeS[i - 1]!)) / 3600;
  }
  return out;
}
