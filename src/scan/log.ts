/**
 * The canonical scan log: one CSV row per frame, `time,detector,file,frame,x_mm,y_mm,exposure_s,i0,it`
 * in any order, extra columns kept as text. Read into columns, with every bad value reported by
 * its line number, since a beamline log is long and the user has to find the row.
 */
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { type Delimiter, decodeText, detectDelimiter, splitFields, splitLines } from "../echem/csv-text.js";
import { parseAbsoluteTime } from "../echem/timezone.js";
import { InputError } from "../util/errors.js";

export const SCAN_COLUMNS = [
  "time",
  "detector",
  "file",
  "frame",
  "x_mm",
  "y_mm",
  "exposure_s",
  "i0",
  "it",
] as const;

export interface ScanLog {
  /** The log file, absolute. */
  path: string;
  /** Number of frames (rows). */
  length: number;
  /** Frame time [Unix s, UTC]. */
  timeS: Float64Array;
  detector: string[];
  /** Frame file, absolute (resolved against the log's folder). */
  file: string[];
  /** Index of the frame inside a multi-frame file. */
  frame: Int32Array;
  xMm: Float64Array;
  yMm: Float64Array;
  exposureS: Float64Array;
  i0: Float64Array;
  it: Float64Array;
  /** Columns beyond the canonical ones, by header name, as written. */
  extra: Record<string, string[]>;
  /** 1-based line of each row in the file, for messages downstream. */
  line: Int32Array;
  /** Numbers written with a decimal comma (a `;`- or tab-separated log): `extra` holds them as written. */
  decimalComma?: boolean;
  /** The detectors in order of first appearance. */
  detectors(): string[];
}

export async function readScanLog(path: string): Promise<ScanLog> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch {
    throw new InputError(path, "no such file or not readable");
  }
  return parseScanLog(decodeText(bytes), path);
}

/** Parses scan-log text; `path` names it in errors and anchors relative frame paths. */
export function parseScanLog(text: string, path: string): ScanLog {
  const lines = splitLines(text);
  // blank lines and `#` comments are skipped; the first other line is the header
  const rows: { no: number; fields: string[] }[] = [];
  let header: string[] | null = null;
  // comma-separated; a log saved by a spreadsheet in a decimal-comma locale has `;` (or tabs) between
  // fields and commas in its numbers: read as such, decided from the header line
  let delimiter: Delimiter = ",";
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.trim() === "" || l.trimStart().startsWith("#")) continue;
    if (!header) {
      if (!l.includes(",")) delimiter = detectDelimiter(l);
      header = splitFields(l, delimiter).map((h) => h.trim().toLowerCase());
    } else rows.push({ no: i + 1, fields: splitFields(l, delimiter) });
  }
  const decimalComma = delimiter !== ",";
  if (!header) throw new InputError(path, "empty scan log (expected a header: time,detector,file,…)");
  const missing = SCAN_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length)
    throw new InputError(path, `missing column${missing.length > 1 ? "s" : ""}: ${missing.join(", ")}`);
  header.forEach((h, i) => {
    if (header.indexOf(h) !== i) throw new InputError(path, `column "${h}" appears twice`);
  });
  if (rows.length === 0) throw new InputError(path, "no frames (only a header)");

  const n = rows.length;
  const col = (name: string) => header.indexOf(name);
  const dir = dirname(resolve(path));
  const log = {
    path: resolve(path),
    length: n,
    timeS: new Float64Array(n),
    detector: new Array<string>(n),
    file: new Array<string>(n),
    frame: new Int32Array(n),
    xMm: new Float64Array(n),
    yMm: new Float64Array(n),
    exposureS: new Float64Array(n),
    i0: new Float64Array(n),
    it: new Float64Array(n),
    extra: {} as Record<string, string[]>,
    line: new Int32Array(n),
    decimalComma,
  };
  const extraCols = header.filter((h) => !(SCAN_COLUMNS as readonly string[]).includes(h));
  for (const h of extraCols) log.extra[h] = new Array<string>(n);

  const c = Object.fromEntries(SCAN_COLUMNS.map((k) => [k, col(k)])) as Record<
    (typeof SCAN_COLUMNS)[number],
    number
  >;
  const lastTime = new Map<string, number>();
  for (let r = 0; r < n; r++) {
    const { no, fields } = rows[r]!;
    if (fields.length !== header.length)
      throw new InputError(path, `line ${no}: ${fields.length} fields where the header has ${header.length}`);
    const get = (k: number) => fields[k]!.trim();
    const num = (name: (typeof SCAN_COLUMNS)[number], test: (v: number) => boolean, what: string): number => {
      const s = get(c[name]);
      const v = s === "" ? Number.NaN : Number(decimalComma ? s.replace(",", ".") : s);
      if (!Number.isFinite(v) || !test(v))
        throw new InputError(path, `line ${no}: ${name} "${s}" is not ${what}`);
      return v;
    };
    log.line[r] = no;
    const t = get(c.time);
    try {
      log.timeS[r] = parseAbsoluteTime(t, path);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      const m = err.message.startsWith(`${path}: `) ? err.message.slice(path.length + 2) : err.message;
      throw new InputError(path, `line ${no}: ${m}`);
    }
    const det = get(c.detector);
    if (det === "") throw new InputError(path, `line ${no}: empty detector`);
    log.detector[r] = det;
    const f = get(c.file);
    if (f === "") throw new InputError(path, `line ${no}: empty file`);
    log.file[r] = resolve(dir, f);
    // an empty frame cell is a single-frame file's only frame (CBF, TIFF, EDF logs often leave it out)
    log.frame[r] =
      get(c.frame) === ""
        ? 0
        : num("frame", (v) => Number.isInteger(v) && v >= 0 && v < 2 ** 31, "a frame index (0, 1, …)");
    log.xMm[r] = num("x_mm", () => true, "a number");
    log.yMm[r] = num("y_mm", () => true, "a number");
    log.exposureS[r] = num("exposure_s", (v) => v > 0, "a positive number");
    log.i0[r] = num("i0", (v) => v >= 0, "a number ≥ 0");
    log.it[r] = num("it", (v) => v >= 0, "a number ≥ 0");
    for (const h of extraCols) log.extra[h]![r] = get(col(h));
    // detectors are read out in turn, so order is checked per detector
    const prev = lastTime.get(det);
    if (prev !== undefined && log.timeS[r]! < prev)
      throw new InputError(path, `clock goes backwards at line ${no} (detector ${det})`);
    lastTime.set(det, log.timeS[r]!);
  }
  const detectors = [...lastTime.keys()];
  return { ...log, detectors: () => [...detectors] };
}

/** The log's column names: the canonical ones, then the extra ones as they appear. */
export function logColumns(log: ScanLog): string[] {
  return [...SCAN_COLUMNS, ...Object.keys(log.extra)];
}

/**
 * A numeric column by name (case-insensitive): a canonical one or any extra column (a second ion
 * chamber, the ring current). NaN where a cell is not a number. null when there is no such column.
 */
export function logColumn(log: ScanLog, name: string): Float64Array | null {
  const key = name.trim().toLowerCase();
  const canonical: Partial<Record<string, Float64Array>> = {
    x_mm: log.xMm,
    y_mm: log.yMm,
    exposure_s: log.exposureS,
    i0: log.i0,
    it: log.it,
  };
  const c = canonical[key];
  if (c) return c;
  if (!Object.hasOwn(log.extra, key)) return null;
  return Float64Array.from(log.extra[key]!, (s) =>
    s.trim() === "" ? Number.NaN : Number(log.decimalComma ? s.replace(",", ".") : s),
  );
}

/**
 * The log with each frame timed at the middle of its exposure: the scan log's `time` is when the
 * exposure started (a beamline's trigger), and a long lab exposure (the paper's liquid cell: 80 s)
 * would otherwise sit early on the cycler clock by half of it.
 */
export function midExposure(log: ScanLog): ScanLog {
  return { ...log, timeS: Float64Array.from(log.timeS, (t, i) => t + 0.5 * log.exposureS[i]!) };
}
