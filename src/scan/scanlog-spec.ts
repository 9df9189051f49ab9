/**
 * The canonical scan log (`time,detector,file,frame,x_mm,y_mm,exposure_s,i0,it`, see log.ts) from a
 * SPEC file: one row per data point and detector, its frame file named by a pattern.
 *
 * A point's `frame` is its place in the file the pattern names: 0 for one file per point
 * (`{point}` or `{index}` in the pattern), the point's number within the scan for one file per
 * scan (`{scan}` only: an Eiger stack), the running number for one file for everything.
 * Times never go back, as `parseScanLog` requires; equal times are allowed as there (SPEC's
 * `Epoch` column is sometimes written in whole seconds).
 */
import { isoUtc } from "../echem/timezone.js";
import { clip, InputError } from "../util/errors.js";
import { compileFramePattern, type FramePattern, renderFramePattern } from "./frame-pattern.js";
import { SCAN_COLUMNS } from "./log.js";
import { type SpecFile, type SpecScan, specColumn, specMotor, specNumber } from "./spec.js";
import { selectSpecScans } from "./spec-select.js";
import { badPoint, specPointTimes } from "./spec-time.js";

export interface SpecScanLogOptions {
  /** Beam position: a `#L` column, or a motor (`#O` name or `#o` mnemonic) held during the scan. */
  x: string;
  y: string;
  /** Monitor and transmitted-beam columns; without them the log holds 0. */
  i0?: string;
  it?: string;
  /** A column, or seconds (`"0.5"`); default each scan's `#T` counting time. */
  exposure?: string;
  /** Which scans (`3,5-7,8.2`); default all with data. */
  scans?: string;
  /** `DET=PATTERN`, one per detector: `saxs=saxs/s{scan:03d}_{point:05d}.cbf`. */
  frames: string[];
  /** Factors from the x and y units to mm. */
  xScale?: number;
  yScale?: number;
  /** The beamline clock's zone for `#D` dates: needed only without an `Epoch` column. */
  timezone?: string;
}

export interface SpecScanLog {
  /** The scan-log CSV text. */
  csv: string;
  rows: number;
  points: number;
  detectors: string[];
  /** Keys (`3.1`) of the scans written, and of the chosen ones without data. */
  scans: string[];
  empty: string[];
  /** Where the times came from, per scan written. */
  timeFrom: ("Epoch" | "#D")[];
}

interface Detector {
  name: string;
  pattern: FramePattern;
  /** Per file name: how many points it holds so far, and the first. */
  files: Map<string, { count: number; first: string }>;
}

export function specScanLog(spec: SpecFile, o: SpecScanLogOptions): SpecScanLog {
  const file = spec.path;
  const detectors = parseFrames(o.frames, file);
  const { scans, empty } = selectSpecScans(spec, o.scans);
  const lines: string[] = [SCAN_COLUMNS.join(",")];
  const timeFrom: SpecScanLog["timeFrom"] = [];
  let index = 0;
  let last: { t: number; where: string } | null = null;
  for (const scan of scans) {
    const c = scanColumns(scan, o, file);
    timeFrom.push(c.from);
    for (let p = 0; p < scan.points; p++, index++) {
      const t = c.timeS[p]!;
      const where = `scan ${scan.key} point ${p}`;
      if (last && t < last.t)
        throw new InputError(
          file,
          `${where} (${isoUtc(t)}) is earlier than ${last.where} (${isoUtc(last.t)}): a scan log cannot go back in time; choose scans in time order with --scan`,
        );
      last = { t, where };
      for (const d of detectors) {
        const { name, frame } = frameOf(d, { scan: scan.number, point: p, index }, where, file);
        const values = [c.x[p]!, c.y[p]!, c.exposure[p]!, c.i0[p]!, c.it[p]!];
        lines.push([isoUtc(t), d.name, name, frame, ...values.map(String)].join(","));
      }
    }
  }
  return {
    csv: `${lines.join("\n")}\n`,
    rows: lines.length - 1,
    points: index,
    detectors: detectors.map((d) => d.name),
    scans: scans.map((s) => s.key),
    empty: empty.map((s) => s.key),
    timeFrom,
  };
}

/** `DET=PATTERN` pairs → detectors. */
function parseFrames(frames: string[], file: string): Detector[] {
  if (frames.length === 0)
    throw new InputError(file, "no --frames DET=PATTERN: the scan log needs each detector's frame files");
  const out: Detector[] = [];
  for (const f of frames) {
    const eq = f.indexOf("=");
    const name = f.slice(0, Math.max(eq, 0)).trim();
    const bad = (problem: string) => new InputError(file, `--frames "${clip(f, 60)}": ${problem}`);
    if (!/^[A-Za-z0-9_.-]+$/.test(name))
      throw bad("expected DET=PATTERN with a detector name of letters, digits, _ . -");
    if (out.some((d) => d.name === name)) throw bad(`detector ${name} is given twice`);
    const text = f.slice(eq + 1);
    // the CSV has no quoting of its own: these would break its fields or lines
    if (/[,"\r\n]/.test(text)) throw bad("a frame file name cannot hold a comma, a quote or a line break");
    const pattern = compileFramePattern(text);
    if (typeof pattern === "string") throw bad(pattern);
    out.push({ name, pattern, files: new Map() });
  }
  return out;
}

/** The file a point's frame is in, and its place there. */
function frameOf(
  d: Detector,
  values: { scan: number; point: number; index: number },
  where: string,
  file: string,
): { name: string; frame: number } {
  const name = renderFramePattern(d.pattern, values);
  const seen = d.files.get(name);
  if (seen && (d.pattern.fields.has("point") || d.pattern.fields.has("index"))) {
    const hint = d.pattern.fields.has("scan")
      ? "the scan number repeats: use {index}, or leave one scan out with --scan"
      : "add {scan}, or use {index}";
    throw new InputError(
      file,
      `--frames ${d.name}: the pattern names "${clip(name, 60)}" for ${seen.first} and for ${where} (${hint})`,
    );
  }
  d.files.set(name, { count: (seen?.count ?? 0) + 1, first: seen?.first ?? where });
  return { name, frame: seen?.count ?? 0 };
}

interface ScanColumns {
  timeS: Float64Array;
  from: "Epoch" | "#D";
  x: Float64Array;
  y: Float64Array;
  exposure: Float64Array;
  i0: Float64Array;
  it: Float64Array;
}

/** A scan's values for the log's columns, each checked as `parseScanLog` will. */
function scanColumns(scan: SpecScan, o: SpecScanLogOptions, file: string): ScanColumns {
  const { timeS, from } = specPointTimes(scan, o.timezone, file);
  const x = scaled(position(scan, o.x, "x", file), o.xScale ?? 1);
  const y = scaled(position(scan, o.y, "y", file), o.yScale ?? 1);
  const exposure = exposureOf(scan, o.exposure, file);
  const count = (name: string | undefined, what: string) => {
    if (name === undefined) return new Float64Array(scan.points);
    const c = column(scan, name, what, file);
    badPoint(scan, c, `${what} (${name})`, file, (v) => v >= 0, "a count ≥ 0");
    return c;
  };
  return { timeS, from, x, y, exposure, i0: count(o.i0, "i0"), it: count(o.it, "it") };
}

const scaled = (v: Float64Array, f: number) => (f === 1 ? v : Float64Array.from(v, (a) => a * f));

function exposureOf(scan: SpecScan, exposure: string | undefined, file: string): Float64Array {
  const fill = (s: number) => new Float64Array(scan.points).fill(s);
  if (exposure === undefined) {
    if (scan.countTimeS === null)
      throw new InputError(
        file,
        `scan ${scan.key} has no #T counting time (counted on the monitor?): give --exposure as seconds or a column`,
      );
    return fill(scan.countTimeS);
  }
  const seconds = specNumber(exposure.trim());
  if (seconds !== null) {
    if (!(seconds > 0 && Number.isFinite(seconds)))
      throw new InputError(file, `--exposure ${clip(exposure, 20)}: seconds must be > 0`);
    return fill(seconds);
  }
  const c = column(scan, exposure, "exposure", file);
  badPoint(scan, c, `exposure (${exposure})`, file, (v) => v > 0, "a time > 0");
  return c;
}

function position(scan: SpecScan, name: string, what: string, file: string): Float64Array {
  const col = specColumn(scan, name);
  const motor = col ? null : specMotor(scan, name);
  if (!col && motor === null) throw notFound(scan, name, what, file, true);
  const v = col ?? new Float64Array(scan.points).fill(motor!);
  badPoint(scan, v, `${what} (${name})`, file);
  return v;
}

function column(scan: SpecScan, name: string, what: string, file: string): Float64Array {
  const col = specColumn(scan, name);
  if (!col) throw notFound(scan, name, what, file, false);
  return col;
}

/** One line naming what the scan has. */
function notFound(scan: SpecScan, name: string, what: string, file: string, motors: boolean): InputError {
  const cols = `columns: ${scan.labels.join(", ")}`;
  const mots = motors && scan.motors.length ? `; motors: ${scan.motors.join(", ")}` : "";
  return new InputError(
    file,
    `--${what} "${clip(name, 40)}": scan ${scan.key} has no such ${motors ? "column or motor" : "column"} (${clip(cols + mots, 200)})`,
  );
}
