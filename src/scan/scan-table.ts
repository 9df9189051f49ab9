/**
 * One scan as the scan-log writers see it, whatever wrote it (a SPEC scan, a Bliss HDF5 scan):
 * per-point columns by name, motors held at one position, and a counting time when the source
 * states one. `tableColumns` turns the user's names (`--x samx --i0 mon --exposure 0.5`) into the
 * log's columns, checked as `parseScanLog` will check them, so that every source spells and checks
 * the options the same way.
 */
import { clip, InputError } from "../util/errors.js";

export interface ScanTable {
  /** How messages name the scan: "1.1" (as `scan 1.1`). */
  key: string;
  /** How messages name it when not "scan <key>" (a frame file's header), and one of its points. */
  name?: string;
  pointName?: (p: number) => string;
  points: number;
  /** A per-point column by name (each `points` long), or null. */
  column(name: string): Float64Array | null;
  /** A motor's one position during the scan (not scanned), or null. */
  motor(name: string): number | null;
  /** What a "no such name" message lists: "columns: a, b; motors: c, d". */
  listing(withMotors: boolean): string;
  /** The words for a column and a motor in messages ("column"/"motor", "counter"/"positioner"). */
  nouns: { column: string; motor: string };
  /** Counting time per point [s] when the source states one, else null. */
  countTimeS: number | null;
  /** What to say when it states none and no --exposure is given. */
  noCountTime: string;
}

/** The options every scan-log source shares (`swaxs scanlog`'s names). */
export interface LogColumnOptions {
  /** Beam position: a column, or a motor held during the scan. */
  x: string;
  y: string;
  /** Monitor and transmitted-beam columns; without them the log holds 0. */
  i0?: string;
  it?: string;
  /** A column, or seconds (`"0.5"`); default the scan's counting time. */
  exposure?: string;
  /** Factors from the x and y units to mm. */
  xScale?: number;
  yScale?: number;
}

export interface LogColumns {
  x: Float64Array;
  y: Float64Array;
  exposure: Float64Array;
  i0: Float64Array;
  it: Float64Array;
}

/** A number as C's printf writes it (and SPEC, and EDF headers): also nan and ±inf; null if not one. */
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL = new Map([
  ["nan", Number.NaN],
  ["inf", Infinity],
  ["+inf", Infinity],
  ["-inf", -Infinity],
]);
export function printfNumber(s: string): number | null {
  if (NUMBER.test(s)) return Number(s);
  return SPECIAL.get(s.toLowerCase()) ?? null;
}

/** The log's columns of one scan; every problem one InputError naming `file`. */
export function tableColumns(t: ScanTable, o: LogColumnOptions, file: string): LogColumns {
  const x = scaled(position(t, o.x, "x", file), o.xScale ?? 1);
  const y = scaled(position(t, o.y, "y", file), o.yScale ?? 1);
  const count = (name: string | undefined, what: string) => {
    if (name === undefined) return new Float64Array(t.points);
    const c = column(t, name, what, file);
    badPoint(t, c, `${what} (${name})`, file, (v) => v >= 0, "a count ≥ 0");
    return c;
  };
  return { x, y, exposure: exposureOf(t, o.exposure, file), i0: count(o.i0, "i0"), it: count(o.it, "it") };
}

const scaled = (v: Float64Array, f: number) => (f === 1 ? v : Float64Array.from(v, (a) => a * f));

function exposureOf(t: ScanTable, exposure: string | undefined, file: string): Float64Array {
  const fill = (s: number) => new Float64Array(t.points).fill(s);
  if (exposure === undefined) {
    if (t.countTimeS === null) throw new InputError(file, t.noCountTime);
    return fill(t.countTimeS);
  }
  const seconds = printfNumber(exposure.trim());
  if (seconds !== null) {
    if (!(seconds > 0 && Number.isFinite(seconds)))
      throw new InputError(file, `--exposure ${clip(exposure, 20)}: seconds must be > 0`);
    return fill(seconds);
  }
  const c = column(t, exposure, "exposure", file);
  badPoint(t, c, `exposure (${exposure})`, file, (v) => v > 0, "a time > 0");
  return c;
}

function position(t: ScanTable, name: string, what: string, file: string): Float64Array {
  const col = t.column(name);
  const motor = col ? null : t.motor(name);
  if (!col && motor === null) throw notFound(t, name, what, file, true);
  const v = col ?? new Float64Array(t.points).fill(motor!);
  badPoint(t, v, `${what} (${name})`, file);
  return v;
}

function column(t: ScanTable, name: string, what: string, file: string): Float64Array {
  const col = t.column(name);
  if (!col) throw notFound(t, name, what, file, false);
  return col;
}

/** One line naming what the scan has. */
function notFound(t: ScanTable, name: string, what: string, file: string, motors: boolean): InputError {
  const kind = motors && t.nouns.motor ? `${t.nouns.column} or ${t.nouns.motor}` : t.nouns.column;
  return new InputError(
    file,
    `--${what} "${clip(name, 40)}": ${t.name ?? `scan ${t.key}`} has no such ${kind} (${clip(t.listing(motors), 200)})`,
  );
}

/** Throws at the first point whose value fails `ok` (default: finite). */
export function badPoint(
  scan: { key: string; pointName?: (p: number) => string },
  values: Float64Array,
  what: string,
  file: string,
  ok: (v: number) => boolean = Number.isFinite,
  need = "a finite number",
): void {
  for (let p = 0; p < values.length; p++)
    if (!Number.isFinite(values[p]!) || !ok(values[p]!))
      throw new InputError(
        file,
        `${scan.pointName?.(p) ?? `scan ${scan.key} point ${p}`}: ${what} is ${values[p]}, not ${need}`,
      );
}
