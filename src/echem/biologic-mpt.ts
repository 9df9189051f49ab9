/**
 * BioLogic EC-Lab ASCII exports (.mpt).
 *
 * Layout, as EC-Lab writes it (checked on exports from EC-Lab 10.40 … 11.61):
 *
 *   EC-Lab ASCII FILE
 *   Nb header lines : 81                 ← counts every line up to and including the column names
 *   (blank)
 *   Galvanostatic Cycling with Potential Limitation      ← technique name
 *   (blank)
 *   Key : value lines, indented sub-keys ("\tFile : x.mpr"), version lines
 *   ("EC-Lab for windows v11.50 (software)"), a fixed-width settings table, loop list …
 *   (blank)
 *   mode<TAB>ox/red<TAB>…<TAB>time/s<TAB>…<TAB>cycle number<TAB>     ← column names, trailing tab
 *   3<TAB>1<TAB>…                                        ← one record per line, tab-separated
 *
 * A bare export has a 3-line header (first line, count, column names) and no metadata at all.
 * The text is Windows-1252 ("µ" is the byte 0xB5; files re-saved as UTF-8 are recognised too),
 * lines end in CRLF or LF, and numbers use the decimal separator of the Windows locale, in the
 * header and in the data alike: `3,015299923827115E+001` or `3.015299923827115E+001`.
 *
 * EC-Lab writes the acquisition start as local wall-clock time "MM/DD/YYYY HH:MM:SS.sss"; it is
 * returned as "YYYY-MM-DDTHH:MM:SS.sss" without a zone (see CyclerRecords.startLocal).
 *
 * This module also holds what the .mpt and .mpr readers share: the whole-table form of a file
 * (`EcLabTable`, every column) and its reduction to the CyclerRecords contract.
 */
import { readFile } from "node:fs/promises";
import { InputError } from "../util/errors.js";
import { CUT_LINE_KEY, cutLastLine } from "./csv-text.js";
import type { CyclerRecords } from "./types.js";

/** Every column of an EC-Lab file, as parsed, before reduction to CyclerRecords. */
export interface EcLabTable {
  file: string;
  format: "biologic-mpt" | "biologic-mpr";
  /** Number of records. */
  n: number;
  /** Column names as EC-Lab writes them in an .mpt header (for .mpr: the names the column ids stand for). */
  columns: string[];
  /** One array per column, parallel to `columns` (integers and flags as floats). */
  values: Float64Array[];
  /** Acquisition start, local wall-clock time "YYYY-MM-DDTHH:MM:SS.sss", or null. */
  startLocal: string | null;
  metadata: Record<string, string | number>;
}

const FIRST_LINE = "EC-Lab ASCII FILE";

// ---------------------------------------------------------------------------------------------
// Numbers

const NUMBER = /^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^([+-]?)(?:(nan)|inf(?:inity)?)$/i;

/**
 * An EC-Lab number: decimal point or decimal comma, optional exponent (`3,7516155E+000`,
 * `-1.0988599E+002`, `0`, `1,5`), or NaN / ±Inf. Anything else (empty, thousands separators,
 * trailing text, hex) gives NaN; use `isEcLabNumber` to tell a written "NaN" from garbage.
 */
export function parseEcLabNumber(text: string): number {
  const s = text.trim();
  if (NUMBER.test(s)) return Number(s.replace(",", "."));
  const m = NON_FINITE.exec(s);
  if (m) return m[2] ? Number.NaN : m[1] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  return Number.NaN;
}

/** Whether `text` is a number `parseEcLabNumber` accepts (including a written NaN or Inf). */
export function isEcLabNumber(text: string): boolean {
  const s = text.trim();
  return NUMBER.test(s) || NON_FINITE.test(s);
}

// ---------------------------------------------------------------------------------------------
// Time stamps

const EC_LAB_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4}|\d{2})\s+(\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d+))?$/;

/**
 * "MM/DD/YYYY HH:MM:SS.sss" (EC-Lab's local time; 2-digit years are 20YY; fractions beyond
 * milliseconds are cut) → "YYYY-MM-DDTHH:MM:SS.sss"; null when it is not such a date.
 */
export function ecLabDateToLocal(text: string): string | null {
  const m = EC_LAB_DATE.exec(text.trim());
  if (!m) return null;
  const [month, day, hour, minute, second] = [m[1], m[2], m[4], m[5], m[6]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const year = m[3]!.length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const ms = (m[7] ?? "").slice(0, 3).padEnd(3, "0");
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}.${ms}`;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function pad(v: number, width: number): string {
  return String(v).padStart(width, "0");
}

// ---------------------------------------------------------------------------------------------
// Text

/**
 * EC-Lab writes Windows-1252. A file that is valid UTF-8 and holds non-ASCII bytes was re-saved
 * as UTF-8 (a lone 0xB5 "µ" is never valid UTF-8), so it is read as such. A UTF-8 byte-order
 * mark is dropped.
 */
export function decodeEcLabText(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (!ascii) {
    try {
      return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      // not UTF-8: fall through to Windows-1252
    }
  }
  return new TextDecoder("windows-1252").decode(bytes);
}

/** A short, printable rendering of a line for an error message. */
function quote(s: string, max = 60): string {
  let clean = "";
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    clean += ch === "\t" ? "→" : c < 0x20 || c === 0x7f ? "?" : ch;
  }
  return JSON.stringify(clean.length > max ? `${clean.slice(0, max)}…` : clean);
}

// ---------------------------------------------------------------------------------------------
// Header

const HEADER_COUNT = /^Nb header lines\s*:\s*(\d+)\s*$/;
const VERSION_LINE = /^(.*?)\s+v(\d[\w.]*)\s+\((software|firmware)\)\s*$/;
/** "0,001 g", "7000,000 mg", "1,000 cm²": a number and a unit. */
const VALUE_WITH_UNIT = /^([+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?)\s+([^\s\d][^\s]*)$/;

function addMeta(meta: Record<string, string | number>, key: string, value: string | number): void {
  const old = meta[key];
  if (old === undefined) meta[key] = value;
  else if (value !== "" && String(old) !== String(value)) meta[key] = old === "" ? value : `${old}; ${value}`;
}

/**
 * The header lines between the count line and the column names: key/value pairs (numbers where
 * the whole value is one; "value unit" also as `key/unit` → number), version lines, the technique.
 * The fixed-width settings table and other free lines are skipped.
 */
function parseHeader(lines: string[], meta: Record<string, string | number>): void {
  let technique: string | null = null;
  let parent: string | null = null;
  const options: string[] = [];
  for (const raw of lines) {
    const line = raw.replace(/\s+$/, "");
    if (line.trim() === "") {
      parent = null;
      continue;
    }
    const indented = /^\s/.test(line);
    const body = line.trim();
    const sep = body.indexOf(" : ");
    if (sep > 0 || body.endsWith(" :")) {
      const key = (sep > 0 ? body.slice(0, sep) : body.slice(0, -2)).trim();
      const value = sep > 0 ? body.slice(sep + 3).trim() : "";
      const fullKey = indented && parent ? `${parent} / ${key}` : key;
      if (!indented) parent = value === "" ? key : null;
      if (isEcLabNumber(value)) addMeta(meta, fullKey, parseEcLabNumber(value));
      else {
        addMeta(meta, fullKey, value);
        const vu = VALUE_WITH_UNIT.exec(value);
        if (vu) addMeta(meta, `${fullKey}/${vu[2]}`, parseEcLabNumber(vu[1]!));
      }
      continue;
    }
    const v = VERSION_LINE.exec(body);
    if (v) {
      addMeta(meta, v[1]!, v[2]!);
      if (v[3] === "software") addMeta(meta, "software version", v[2]!);
      continue;
    }
    if (technique === null && !indented && !/\S {2,}\S/.test(body)) {
      technique = body;
      addMeta(meta, "technique", body);
      continue;
    }
    // Settings table rows ("Ns    0    1 …") and loop lines are not key/value metadata.
    if (/ {2,}/.test(body) || /^Loop \d+ from point number/.test(body)) continue;
    if (!indented) options.push(body);
  }
  if (options.length > 0) addMeta(meta, "options", options.join("; "));
}

/** A column-name line: tab-separated, at least two names, none of them a number. */
function columnNames(line: string): string[] | null {
  if (!line.includes("\t")) return null;
  const names = line.split("\t");
  if (names.length > 1 && names[names.length - 1] === "") names.pop();
  if (names.length < 2) return null;
  if (names.every((s) => s.trim() === "")) return null;
  if (names.some((s) => s.trim() !== "" && isEcLabNumber(s))) return null;
  return names;
}

// ---------------------------------------------------------------------------------------------
// .mpt

/** Parse an .mpt export into all of its columns. */
export function parseMptTable(bytes: Uint8Array, file: string): EcLabTable {
  const text = decodeEcLabText(bytes);
  const lines = text.split(/\r?\n/);
  if ((lines[0] ?? "").trim() !== FIRST_LINE) {
    throw new InputError(
      file,
      `not an EC-Lab ASCII export: the first line is ${quote(lines[0] ?? "")}, expected "${FIRST_LINE}"`,
    );
  }
  const count = HEADER_COUNT.exec((lines[1] ?? "").trim());
  if (!count) {
    throw new InputError(file, `line 2 is ${quote(lines[1] ?? "")}, expected "Nb header lines : <number>"`);
  }
  const nHeader = Number(count[1]);
  if (nHeader < 3) throw new InputError(file, `"Nb header lines : ${nHeader}" is too small (at least 3)`);
  // A file that ends with a newline splits into a last empty string: not a line.
  const nLines = lines.length > 0 && lines[lines.length - 1] === "" ? lines.length - 1 : lines.length;
  if (nHeader > nLines) {
    throw new InputError(file, `"Nb header lines : ${nHeader}" but the file has only ${nLines} lines`);
  }
  const columns = columnNames(lines[nHeader - 1]!);
  if (!columns) {
    throw new InputError(
      file,
      `"Nb header lines : ${nHeader}" is wrong: line ${nHeader} is not the column-name line ` +
        `(it is ${quote(lines[nHeader - 1]!)})`,
    );
  }
  const metadata: Record<string, string | number> = {};
  parseHeader(lines.slice(2, nHeader - 1), metadata);
  let startLocal: string | null = null;
  const acq = metadata["Acquisition started on"];
  if (acq !== undefined) {
    startLocal = ecLabDateToLocal(String(acq));
    if (startLocal === null) {
      throw new InputError(
        file,
        `cannot read "Acquisition started on : ${acq}" (expected MM/DD/YYYY HH:MM:SS.sss)`,
      );
    }
  }
  const techStart = metadata["Technique started on"];
  if (techStart !== undefined) {
    const t = ecLabDateToLocal(String(techStart));
    if (t !== null) metadata["technique start"] = t;
  }

  // Records: every line after the header; blank lines only at the very end.
  let end = nLines;
  while (end > nHeader && lines[end - 1]!.trim() === "") end--;
  const nc = columns.length;
  // a last record the cycler was still writing (no line break after it, too few fields) is left out
  let cut: string | null = null;
  if (end > nHeader && end === lines.length) {
    const last = lines[end - 1]!.split("\t");
    if (last.length === nc + 1 && last[nc] === "") last.pop();
    cut = cutLastLine(text, last.length, nc, end);
    if (cut) end--;
  }
  const n = end - nHeader;
  const values = columns.map(() => new Float64Array(n));
  let comma = false;
  for (let r = 0; r < n; r++) {
    const lineNo = nHeader + r + 1;
    const fields = lines[nHeader + r]!.split("\t");
    if (fields.length === nc + 1 && fields[nc] === "") fields.pop();
    if (fields.length !== nc) {
      const what =
        fields.length === 1 && fields[0]!.trim() === "" ? "an empty line" : `${fields.length} fields`;
      throw new InputError(
        file,
        `line ${lineNo}: ${what}, but the column-name line (line ${nHeader}) names ${nc} columns`,
      );
    }
    for (let c = 0; c < nc; c++) {
      const f = fields[c]!;
      const v = parseEcLabNumber(f);
      if (Number.isNaN(v) && !isEcLabNumber(f)) throw notANumber(file, lineNo, columns[c]!, f);
      if (!comma && f.includes(",")) comma = true;
      values[c]![r] = v;
    }
  }
  metadata["Nb header lines"] = nHeader;
  if (cut) metadata[CUT_LINE_KEY] = cut;
  if (n > 0) metadata["decimal separator"] = comma ? "," : ".";
  return { file, format: "biologic-mpt", n, columns, values, startLocal, metadata };
}

function notANumber(file: string, lineNo: number, column: string, field: string): InputError {
  if (column.trim() === "time/s" && /^\d{1,2}\/\d{1,2}\/\d{2,4} /.test(field.trim())) {
    return new InputError(
      file,
      `line ${lineNo}: time/s holds an absolute date (${quote(field)}); export with "Time format : Elapsed"`,
    );
  }
  return new InputError(file, `line ${lineNo}, column ${quote(column)}: ${quote(field)} is not a number`);
}

/** Parse an EC-Lab .mpt export (bytes of the whole file) into cycler records. */
export function parseMpt(bytes: Uint8Array, file: string): CyclerRecords {
  return ecLabRecords(parseMptTable(bytes, file));
}

/** Read an EC-Lab .mpt export from disk. */
export async function readMpt(path: string): Promise<CyclerRecords> {
  return parseMpt(await readEcLabFile(path), path);
}

/** The bytes of `path`; a missing or unreadable file is an InputError. */
export async function readEcLabFile(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "is a directory"
          : code === "EACCES"
            ? "permission denied"
            : String((err as Error).message ?? err);
    throw new InputError(path, `cannot read: ${why}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Table → CyclerRecords (shared by the .mpt and .mpr readers)

type Scaled = readonly [name: string, scale: number];

const CURRENT_UNITS: Record<string, number> = { A: 1e3, mA: 1, µA: 1e-3, uA: 1e-3, nA: 1e-6, pA: 1e-9 };
const CHARGE_UNITS: Record<string, number> = {
  "A.h": 1e3,
  "mA.h": 1,
  "µA.h": 1e-3,
  "uA.h": 1e-3,
  C: 1 / 3.6,
  mC: 1 / 3600,
};
const POTENTIAL_UNITS: Record<string, number> = { V: 1, mV: 1e-3 };

function withUnits(quantities: string[], units: Record<string, number>): Scaled[] {
  return quantities.flatMap((q) => Object.entries(units).map(([u, s]) => [`${q}/${u}`, s] as const));
}

const POTENTIAL = [
  ...withUnits(["Ewe", "<Ewe>", "Ecell", "<Ecell>"], POTENTIAL_UNITS),
  ["<Ewe/V>", 1] as const, // EC-Lab's own spelling in some exports
];
const INSTANT_CURRENT = withUnits(["I"], CURRENT_UNITS);
const MEAN_CURRENT = withUnits(["<I>"], CURRENT_UNITS);
const CHARGE = withUnits(["(Q-Qo)", "Q-Qo"], CHARGE_UNITS);
const CHARGE_STEP = withUnits(["dq", "dQ"], CHARGE_UNITS);

function find(table: EcLabTable, candidates: readonly Scaled[]): { name: string; data: Float64Array } | null {
  for (const [name, scale] of candidates) {
    const k = table.columns.findIndex((c) => c.trim() === name);
    if (k < 0) continue;
    const src = table.values[k]!;
    if (scale === 1) return { name, data: src };
    const out = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) out[i] = src[i]! * scale;
    return { name, data: out };
  }
  return null;
}

function toInt32(src: Float64Array): Int32Array {
  const out = new Int32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = Math.round(src[i]!);
  return out;
}

/**
 * Current from the charge passed in each record, as EC-Lab computes <I> on export:
 * I_k = 3600 · dq_k / (t_k − t_{k−1}) [mA from mAh and s]; 0 where no charge moved, NaN where
 * charge moved in no time (or before the first record).
 */
function currentFromCharge(timeS: Float64Array, dqMAh: Float64Array): Float64Array {
  const out = new Float64Array(timeS.length);
  for (let k = 0; k < timeS.length; k++) {
    const dq = dqMAh[k]!;
    const dt = k > 0 ? timeS[k]! - timeS[k - 1]! : 0;
    out[k] = dq === 0 ? 0 : dt > 0 ? (3600 * dq) / dt : Number.NaN;
  }
  return out;
}

/** Reduce a parsed EC-Lab table to the CyclerRecords contract. */
export function ecLabRecords(table: EcLabTable): CyclerRecords {
  const { file, n } = table;
  const metadata = { ...table.metadata };
  const time = find(table, [["time/s", 1]]);
  if (!time) throw new InputError(file, `no "time/s" column (columns: ${table.columns.join(", ")})`);
  const potential = find(table, POTENTIAL);
  if (!potential) {
    throw new InputError(
      file,
      `no potential column (Ewe/V, <Ewe>/V or Ecell/V; columns: ${table.columns.join(", ")})`,
    );
  }
  const charge = find(table, CHARGE);
  const modeCol = find(table, [["mode", 1]]);
  const mode = modeCol ? Uint8Array.from(modeCol.data, (v) => (v >= 0 && v <= 3 ? Math.round(v) : 0)) : null;

  let current = find(table, INSTANT_CURRENT) ?? find(table, MEAN_CURRENT);
  let currentFrom = current?.name ?? "";
  if (!current) {
    const dq = find(table, CHARGE_STEP);
    if (dq) {
      current = { name: dq.name, data: currentFromCharge(time.data, dq.data) };
      currentFrom = `3600·${dq.name}/Δ(time/s)`;
    } else if (charge) {
      const step = new Float64Array(n);
      for (let k = 1; k < n; k++) step[k] = charge.data[k]! - charge.data[k - 1]!;
      current = { name: charge.name, data: currentFromCharge(time.data, step) };
      currentFrom = `3600·Δ${charge.name}/Δ(time/s)`;
    } else {
      // No current recorded: zero while the cell rests (mode 3 is open circuit), else unknown.
      const data = new Float64Array(n).fill(Number.NaN);
      if (mode) for (let k = 0; k < n; k++) if (mode[k] === 3) data[k] = 0;
      current = { name: "", data };
      currentFrom = mode ? "none recorded (0 at rest, NaN elsewhere)" : "none recorded (NaN)";
    }
  }
  metadata["current from"] = currentFrom;

  const step = find(table, [["Ns", 1]]);
  const cycle = find(table, [["cycle number", 1]]);
  return {
    file,
    format: table.format,
    n,
    startLocal: table.startLocal,
    timeS: time.data,
    unixTimeS: null,
    eweV: potential.data,
    currentMA: current.data,
    chargeMAh: charge ? charge.data : null,
    step: step ? toInt32(step.data) : null,
    cycle: cycle ? toInt32(cycle.data) : null,
    mode,
    columns: [...table.columns],
    metadata,
  };
}
