/**
 * The results folder's CSV files, written and read in one place: comma-separated, one header line,
 * RFC 4180 quoting (a field holding a comma, a quote or a line break is quoted, quotes doubled).
 * Empty fields are missing values: NaN when read as numbers.
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { InputError } from "../util/index.js";

/**
 * Numbers as written in every CSV: 8 significant digits, then the shortest form of that number
 * (`String(Number(v.toPrecision(8)))`, `fmtReference`), "" for NaN/±∞.
 *
 * Why not that expression alone: a run writes millions of numbers and the parse and print back
 * were ~60 % of it (issue 11). Where toPrecision writes plain digits (1e-6 ≤ |v| < 1e8) its string
 * less trailing zeros is that shortest form already: a decimal of at most 8 significant digits
 * is the shortest that reads back as the double nearest to it (doubles tell all 15-digit
 * decimals apart). Elsewhere (exponents, the 1e8 boundary) the expression itself is used.
 */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return "";
  const a = Math.abs(v);
  if (a >= 1e-6 && a < 1e8) {
    const p = v.toPrecision(8);
    if (!p.includes("e")) return withoutTrailingZeros(p);
  }
  return String(Number(v.toPrecision(8)));
}

/** The definition fmt keeps to, as one expression (tests compare the two). */
export function fmtReference(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(8))) : "";
}

/** "12.340000" → "12.34", "5.0000000" → "5"; digits without a point are left alone. */
function withoutTrailingZeros(p: string): string {
  if (!p.includes(".")) return p;
  let end = p.length;
  while (p.charCodeAt(end - 1) === 48) end--; // "0"
  if (p.charCodeAt(end - 1) === 46) end--; // "."
  return p.slice(0, end);
}

/**
 * One field, quoted when it must be. Numbers go through fmt (integers, such as rows and counts, are
 * written whole), so no caller writes -0.05000000000000002 for -0.05.
 */
export function field(v: string | number): string {
  const s = typeof v === "number" ? (Number.isSafeInteger(v) ? String(v) : fmt(v)) : v;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One CSV line from fields (strings are quoted when needed, numbers written by fmt). */
export const csvLine = (fields: readonly (string | number)[]): string => fields.map(field).join(",");

/** Lines joined into a file, with its final newline. */
export const csv = (lines: string[]) => `${lines.join("\n")}\n`;

/** One row per grid pixel (row-major): `row,col,x_mm,y_mm,<value columns>`. */
export function gridCsv(
  header: string | readonly string[],
  rows: number,
  cols: number,
  xMm: ArrayLike<number>,
  yMm: ArrayLike<number>,
  value: (p: number) => string | readonly string[],
): string {
  const lines = [csvLine(["row", "col", "x_mm", "y_mm", ...[header].flat()])];
  for (let p = 0; p < rows * cols; p++) {
    const r = Math.floor(p / cols);
    const c = p % cols;
    lines.push(`${r},${c},${fmt(xMm[c]!)},${fmt(yMm[r]!)},${[value(p)].flat().map(field).join(",")}`);
  }
  return csv(lines);
}

export interface CsvTable {
  file: string;
  header: string[];
  rows: string[][];
}

/** Splits CSV text into records of fields (RFC 4180; CRLF or LF; blank lines skipped). */
export function parseCsv(text: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let f = "";
  let quoted = false;
  let i = 0;
  const endRow = () => {
    row.push(f);
    if (row.length > 1 || row[0] !== "") out.push(row);
    row = [];
    f = "";
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          f += '"';
          i++;
        } else quoted = false;
      } else f += ch;
    } else if (ch === '"' && f === "") quoted = true;
    else if (ch === ",") {
      row.push(f);
      f = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      endRow();
    } else f += ch;
    i++;
  }
  if (f !== "" || row.length) endRow();
  return out;
}

const unreadable = (file: string, err: unknown) =>
  new InputError(file, (err as NodeJS.ErrnoException).code === "ENOENT" ? "not found" : String(err));

function tableOf(text: string, file: string): CsvTable {
  const records = parseCsv(text);
  if (records.length === 0) throw new InputError(file, "empty CSV file");
  return { file, header: records[0]!, rows: records.slice(1) };
}

export async function readCsv(file: string): Promise<CsvTable> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw unreadable(file, err);
  }
  return tableOf(text, file);
}

/** readCsv, synchronously (tests and small tables). */
export function readCsvSync(file: string): CsvTable {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw unreadable(file, err);
  }
  return tableOf(text, file);
}

/** Index of a named column; a missing one is an input error naming the file. */
export function columnIndex(t: CsvTable, name: string): number {
  const i = t.header.indexOf(name);
  if (i < 0) throw new InputError(t.file, `no column "${name}"`);
  return i;
}

const num = (s: string | undefined): number => (s === undefined || s === "" ? Number.NaN : Number(s));

/** A numeric column as float64 (NaN where empty). */
export function numbers(t: CsvTable, name: string): Float64Array {
  const i = columnIndex(t, name);
  return Float64Array.from(t.rows, (r) => num(r[i]));
}

/** An ISO 8601 time column as Unix seconds. */
export function unixSeconds(t: CsvTable, name: string): Float64Array {
  const i = columnIndex(t, name);
  return Float64Array.from(t.rows, (r) => Date.parse(r[i] ?? "") / 1000);
}

export function strings(t: CsvTable, name: string): string[] {
  const i = columnIndex(t, name);
  return t.rows.map((r) => r[i] ?? "");
}
