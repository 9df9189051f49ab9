/**
 * Reading the results folder's CSV files: plain comma-separated, one header line, no quoting (the
 * pipeline writes names and numbers only). Empty fields are missing values and read as NaN.
 */
import { readFile } from "node:fs/promises";
import { InputError } from "../util/errors.js";

export interface CsvTable {
  file: string;
  header: string[];
  rows: string[][];
}

export async function readCsv(file: string): Promise<CsvTable> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new InputError(file, (err as NodeJS.ErrnoException).code === "ENOENT" ? "not found" : String(err));
  }
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  if (lines.length === 0) throw new InputError(file, "empty CSV file");
  const header = lines[0]!.split(",");
  const rows = lines.slice(1).map((l) => l.split(","));
  return { file, header, rows };
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

export { num as parseField };
