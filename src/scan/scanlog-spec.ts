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
import { InputError } from "../util/errors.js";
import { type PatternDetector, patternDetector, patternFrame } from "./frame-detectors.js";
import { LogWriter, type MadeScanLog } from "./log-writer.js";
import { type LogColumnOptions, type ScanTable, tableColumns } from "./scan-table.js";
import { type SpecFile, type SpecScan, specColumn, specMotor } from "./spec.js";
import { selectSpecScans } from "./spec-select.js";
import { specPointTimes } from "./spec-time.js";

export interface SpecScanLogOptions extends LogColumnOptions {
  /** Which scans (`3,5-7,8.2`); default all with data. */
  scans?: string;
  /** `DET=PATTERN`, one per detector: `saxs=saxs/s{scan:03d}_{point:05d}.cbf`. */
  frames: string[];
  /** The beamline clock's zone for `#D` dates: needed only without an `Epoch` column. */
  timezone?: string;
}

/** What the SPEC source made: the shared record of every source, its times from `Epoch` or `#D`. */
export type SpecScanLog = Omit<MadeScanLog, "notes" | "datasets"> & { timeFrom: ("Epoch" | "#D")[] };

export function specScanLog(spec: SpecFile, o: SpecScanLogOptions): SpecScanLog {
  const file = spec.path;
  const detectors = parseFrames(o.frames, file);
  const { scans, empty } = selectSpecScans(spec, o.scans);
  const out = new LogWriter(file);
  const timeFrom: SpecScanLog["timeFrom"] = [];
  let index = 0;
  for (const scan of scans) {
    const { timeS, from } = specPointTimes(scan, o.timezone, file);
    const c = tableColumns(specTable(scan), o, file);
    timeFrom.push(from);
    for (let p = 0; p < scan.points; p++, index++) {
      const t = timeS[p]!;
      const where = `scan ${scan.key} point ${p}`;
      out.point(t, where);
      const values = { x: c.x[p]!, y: c.y[p]!, exposure: c.exposure[p]!, i0: c.i0[p]!, it: c.it[p]! };
      for (const d of detectors) {
        const { name, frame } = patternFrame(d, { scan: scan.number, point: p, index }, where, file);
        out.row(t, d.name, name, frame, values);
      }
    }
  }
  return {
    csv: out.csv(),
    rows: out.rows,
    points: index,
    detectors: detectors.map((d) => d.name),
    scans: scans.map((s) => s.key),
    empty: empty.map((s) => s.key),
    timeFrom,
  };
}

/** `DET=PATTERN` pairs → detectors. */
function parseFrames(frames: string[], file: string): PatternDetector[] {
  if (frames.length === 0)
    throw new InputError(file, "no --frames DET=PATTERN: the scan log needs each detector's frame files");
  const out: PatternDetector[] = [];
  for (const f of frames)
    out.push(
      patternDetector(
        f,
        file,
        out.map((d) => d.name),
      ),
    );
  return out;
}

/** A SPEC scan as the log writers see it: `#L` columns, `#P` motors, `#T`. */
function specTable(scan: SpecScan): ScanTable {
  return {
    key: scan.key,
    points: scan.points,
    column: (name) => specColumn(scan, name),
    motor: (name) => specMotor(scan, name),
    listing: (withMotors) =>
      `columns: ${scan.labels.join(", ")}${withMotors && scan.motors.length ? `; motors: ${scan.motors.join(", ")}` : ""}`,
    nouns: { column: "column", motor: "motor" },
    countTimeS: scan.countTimeS,
    noCountTime: `scan ${scan.key} has no #T counting time (counted on the monitor?): give --exposure as seconds or a column`,
  };
}
