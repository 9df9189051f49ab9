/**
 * Transmission line scans for alignment: a CSV with a header row and the columns
 * `scan, x_mm, y_mm, i0, it` (the simulator's `alignment.csv`; `scan` is `vertical` or
 * `horizontal`, and may be left out when the file holds one scan). A vertical scan moves the beam
 * along y (across the layers), a horizontal one along x. Bad files are refused with one line
 * naming the file and the problem.
 */
import { readFile } from "node:fs/promises";
import { clip, InputError } from "../util/index.js";

export type ScanDirection = "vertical" | "horizontal";
export const SCAN_DIRECTIONS: readonly ScanDirection[] = ["vertical", "horizontal"];

/** One line scan, sorted by position, with the transmission and its Poisson error per point. */
export interface LineScan {
  file: string;
  direction: ScanDirection;
  /** Beam position along the scan [mm] (y for vertical, x for horizontal), ascending. */
  posMm: Float64Array;
  i0: Float64Array;
  it: Float64Array;
  /** T = it / i0. */
  transmission: Float64Array;
  /**
   * 1σ of T from the counting statistics of the transmitted beam, √max(it, 1) / i0: the monitor
   * counts far more than the diode, so its own noise is neglected; an empty point (it = 0) still
   * gets the error of one count, so a dark plateau is not weighted infinitely.
   */
  sigmaT: Float64Array;
}

const REQUIRED = ["x_mm", "y_mm", "i0", "it"] as const;

/** The scans a file holds (their directions, in order of first appearance). */
export interface ScanFile {
  file: string;
  directions: ScanDirection[];
  rows: { direction: ScanDirection; xMm: number; yMm: number; i0: number; it: number }[];
}

/** Parse the CSV text of a line-scan file (see the module comment). */
export function parseScanCsv(file: string, text: string): ScanFile {
  const lines = text.split(/\r?\n/);
  const head = lines[0]?.split(",").map((s) => s.trim().toLowerCase()) ?? [];
  const missing = REQUIRED.filter((c) => !head.includes(c));
  if (missing.length > 0)
    throw new InputError(
      file,
      `missing column${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (expected a header row scan,x_mm,y_mm,i0,it)`,
    );
  const col = (name: string) => head.indexOf(name);
  const scanCol = col("scan");
  const rows: ScanFile["rows"] = [];
  for (let n = 1; n < lines.length; n++) {
    const line = lines[n]!;
    if (line.trim() === "") continue;
    const cells = line.split(",").map((s) => s.trim());
    const number = (name: (typeof REQUIRED)[number]) => {
      const s = cells[col(name)] ?? "";
      const v = Number(s);
      if (s === "" || !Number.isFinite(v))
        throw new InputError(file, `line ${n + 1}: ${name} is not a number: "${clip(s, 30)}"`);
      return v;
    };
    let direction: ScanDirection = "vertical";
    if (scanCol >= 0) {
      const s = (cells[scanCol] ?? "").toLowerCase();
      if (!(SCAN_DIRECTIONS as readonly string[]).includes(s))
        throw new InputError(
          file,
          `line ${n + 1}: scan must be vertical or horizontal, got "${clip(s, 30)}"`,
        );
      direction = s as ScanDirection;
    }
    const row = { direction, xMm: number("x_mm"), yMm: number("y_mm"), i0: number("i0"), it: number("it") };
    if (row.i0 <= 0) throw new InputError(file, `line ${n + 1}: i0 = ${row.i0}: no beam on the monitor`);
    if (row.it < 0) throw new InputError(file, `line ${n + 1}: it = ${row.it}: negative counts`);
    rows.push(row);
  }
  if (rows.length === 0) throw new InputError(file, "no data rows after the header");
  const directions = SCAN_DIRECTIONS.filter((d) => rows.some((r) => r.direction === d));
  // without a scan column, the scan goes along whichever coordinate moves
  if (scanCol < 0 && new Set(rows.map((r) => r.yMm)).size === 1 && new Set(rows.map((r) => r.xMm)).size > 1)
    for (const r of rows) r.direction = "horizontal";
  return { file, directions: scanCol < 0 ? [rows[0]!.direction] : directions, rows };
}

/** One scan of a parsed file: `direction` (default: vertical when present, else the first). */
export function lineScanOf(f: ScanFile, direction?: ScanDirection): LineScan {
  const dir = direction ?? (f.directions.includes("vertical") ? "vertical" : f.directions[0]!);
  const rows = f.rows.filter((r) => r.direction === dir);
  if (rows.length === 0)
    throw new InputError(f.file, `no ${dir} scan in the file (it holds: ${f.directions.join(", ")})`);
  rows.sort((a, b) => (dir === "vertical" ? a.yMm - b.yMm : a.xMm - b.xMm));
  const posMm = Float64Array.from(rows, (r) => (dir === "vertical" ? r.yMm : r.xMm));
  if (posMm[posMm.length - 1]! - posMm[0]! <= 0)
    throw new InputError(f.file, `the ${dir} scan does not move: every point at ${posMm[0]} mm`);
  const i0 = Float64Array.from(rows, (r) => r.i0);
  const it = Float64Array.from(rows, (r) => r.it);
  return {
    file: f.file,
    direction: dir,
    posMm,
    i0,
    it,
    transmission: Float64Array.from(it, (v, k) => v / i0[k]!),
    sigmaT: Float64Array.from(it, (v, k) => Math.sqrt(Math.max(v, 1)) / i0[k]!),
  };
}

/** Read one line scan from a CSV file. */
export async function readLineScan(file: string, direction?: ScanDirection): Promise<LineScan> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new InputError(file, "no such file");
    if (code === "EISDIR") throw new InputError(file, "is a folder, not a line-scan CSV");
    throw e;
  }
  return lineScanOf(parseScanCsv(file, text), direction);
}
