/**
 * The canonical scan log from the frames' own headers (frame-headers.ts): one row per frame, its
 * positions, counters, time and exposure read from its header. For a lab instrument or a beamline
 * whose scan record is lost: the frames carry what the log needs.
 *
 * Rows come in time order (a name order such as `s_9` before `s_10` says nothing); a detector's
 * frames are given as files or globs (`saxs: frames/saxs_*.edf`).
 */
import { relative } from "node:path";
import { clip, InputError } from "../util/errors.js";
import { csvSafe, DETECTOR_NAME } from "./frame-detectors.js";
import {
  type FrameHeader,
  headerExposureS,
  headerListing,
  headerTime,
  headerValue,
  readFrameHeaders,
} from "./frame-headers.js";
import { expandGlob } from "./glob.js";
import { LogWriter, type MadeScanLog } from "./log-writer.js";
import { type LogColumnOptions, type ScanTable, tableColumns } from "./scan-table.js";

export interface HeaderSet {
  detector: string;
  /** Frame files or globs (relative to `cwd`). */
  files: string[];
}

export interface HeaderScanLogOptions extends LogColumnOptions {
  /** The beamline clock's zone for local header times (`time`, a CBF's date line). */
  timezone?: string;
  /** The folder the log's frame file names are written relative to (the log's own); default absolute. */
  relativeTo?: string;
  /** The folder relative globs start from; default the working folder. */
  cwd?: string;
}

interface Row {
  t: number;
  order: number;
  det: string;
  h: FrameHeader;
  values: { x: number; y: number; exposure: number; i0: number; it: number };
}

export async function headerScanLog(sets: HeaderSet[], o: HeaderScanLogOptions): Promise<MadeScanLog> {
  checkSets(sets);
  const rows: Row[] = [];
  const timeFrom = new Set<string>();
  for (const set of sets) {
    const files = [...new Set(set.files.flatMap((g) => expandGlob(g, o.cwd)))];
    for (const file of files)
      for (const h of await readFrameHeaders(file)) {
        const time = headerTime(h.meta, o.timezone, file);
        if (!time)
          throw new InputError(
            file,
            `${frameName(h)}: no time in the header (time_of_day, time, or a Pilatus date line): it cannot be placed on the clock`,
          );
        timeFrom.add(time.from);
        const c = tableColumns(headerTable(h), o, file);
        const values = { x: c.x[0]!, y: c.y[0]!, exposure: c.exposure[0]!, i0: c.i0[0]!, it: c.it[0]! };
        rows.push({ t: time.timeS, order: rows.length, det: set.detector, h, values });
      }
  }
  rows.sort((a, b) => a.t - b.t || a.order - b.order);
  const out = new LogWriter(sets[0]!.files[0]!);
  for (const r of rows) out.row(r.t, r.det, logName(r.h.file, o.relativeTo), r.h.frame, r.values);
  return {
    csv: out.csv(),
    rows: out.rows,
    points: rows.length,
    detectors: sets.map((s) => s.detector),
    scans: [],
    empty: [],
    timeFrom: [...timeFrom],
    notes: [],
    datasets: {},
  };
}

function checkSets(sets: HeaderSet[]): void {
  if (sets.length === 0)
    throw new InputError(
      "",
      "no frame files: give them with --headers DET=GLOB (or files and --detector DET)",
    );
  const seen = new Set<string>();
  for (const s of sets) {
    if (!DETECTOR_NAME.test(s.detector))
      throw new InputError(
        "",
        `detector "${clip(s.detector, 40)}": a detector's name is letters, digits, _ . - (it becomes a file name)`,
      );
    if (seen.has(s.detector)) throw new InputError("", `detector ${s.detector} is given twice`);
    seen.add(s.detector);
    if (s.files.length === 0) throw new InputError("", `detector ${s.detector}: no frame files`);
  }
}

const frameName = (h: FrameHeader) => (h.frame === 0 ? "the frame" : `frame ${h.frame}`);

/** One frame's header as a one-point scan: every value is a "column" of one. */
function headerTable(h: FrameHeader): ScanTable {
  const where = h.frame === 0 ? "its header" : `the header of frame ${h.frame}`;
  return {
    key: h.file,
    name: where,
    pointName: () => where,
    points: 1,
    column: (name) => {
      const v = headerValue(h.meta, name);
      return v === null ? null : Float64Array.of(v);
    },
    motor: () => null,
    listing: () => headerListing(h.meta),
    nouns: { column: "motor, counter or key", motor: "" },
    countTimeS: headerExposureS(h.meta),
    noCountTime: `${where} states no exposure time (ExposureTime, Exposure_time, count_time, acq_expo_time): give --exposure as seconds or a header key`,
  };
}

function logName(path: string, relativeTo: string | undefined): string {
  const name = relativeTo === undefined ? path : relative(relativeTo, path);
  if (!csvSafe(name))
    throw new InputError(
      path,
      "a frame file whose name holds a comma, a quote or a line break cannot go into the scan log",
    );
  return name;
}
