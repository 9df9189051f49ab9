/**
 * The canonical scan log from an HDF5 scan file in the Bliss layout (bliss.ts): one row per point
 * and detector. A detector's frames are either in HDF5 (`--frames pilatus`: `measurement/pilatus`,
 * in the scan file or a Lima/Eiger file it links to; `file` is that file, `frame` the point's
 * index, the frames referenced where they are) or separate files named by a pattern
 * (`--frames saxs=raw/s{scan:03d}_{point:05d}.cbf`, as for SPEC). Without `--frames`, every
 * detector with frames in `measurement`.
 *
 * A point's time: the `epoch` counter (Unix s), else `start_time` + the `elapsed_time` counter.
 * Counters and frames of an aborted scan differ in length: the points all of them reach are kept,
 * and a note says so.
 */
import { relative } from "node:path";
import { clip, InputError } from "../util/errors.js";
import type { BlissFile, BlissScan, FrameStack } from "./bliss.js";
import { clockTextS } from "./clock-text.js";
import {
  csvSafe,
  DETECTOR_NAME,
  type PatternDetector,
  patternDetector,
  patternFrame,
} from "./frame-detectors.js";
import { LogWriter, type MadeScanLog } from "./log-writer.js";
import { badPoint, type LogColumnOptions, type ScanTable, tableColumns } from "./scan-table.js";

export interface BlissScanLogOptions extends LogColumnOptions {
  /** Which scans: `1.1,2.1`, or numbers and ranges meaning `<n>.1` (`3,5-7`); default all with data. */
  scans?: string;
  /** `DET` (frames in `measurement/DET`) or `DET=PATTERN` (separate files); none: every detector there. */
  frames: string[];
  /** The beamline clock's zone, needed only for a `start_time` without one. */
  timezone?: string;
  /** The folder the log's frame file names are written relative to (the log's own); default absolute. */
  relativeTo?: string;
}

type Detector =
  | { kind: "pattern"; d: PatternDetector }
  | { kind: "hdf5"; name: string; datasets: Set<string> };

export function blissScanLog(bliss: BlissFile, o: BlissScanLogOptions): MadeScanLog {
  const file = bliss.path;
  const chosen = selectBlissScans(bliss, o.scans);
  const notes: string[] = [];
  const detectors = parseDetectors(o.frames, chosen, file, notes);
  const out = new LogWriter(file);
  const written: string[] = [];
  const empty: string[] = [];
  const timeFrom: string[] = [];
  let index = 0;
  for (const scan of chosen) {
    const stacks = detectors.flatMap((d) =>
      d.kind === "hdf5" ? [[d.name, stackOf(scan, d.name, file)] as const] : [],
    );
    const time = scan.counters.has("epoch")
      ? "epoch"
      : scan.counters.has("elapsed_time")
        ? "elapsed_time"
        : null;
    if (time === null)
      throw new InputError(
        file,
        `scan ${scan.key} has neither an epoch nor an elapsed_time counter in measurement: its points cannot be timed (${clip(listing(scan, false), 160)})`,
      );
    const points = commonLength(scan, [time, o.x, o.y, o.i0, o.it, o.exposure], stacks, notes);
    if (points === 0) {
      empty.push(scan.key);
      continue;
    }
    const timeS = pointTimes(scan, time, points, o.timezone, file);
    const c = tableColumns(blissTable(scan, points), o, file);
    written.push(scan.key);
    timeFrom.push(time === "epoch" ? "epoch" : "start_time + elapsed_time");
    for (let p = 0; p < points; p++, index++) {
      const t = timeS[p]!;
      const where = `scan ${scan.key} point ${p}`;
      out.point(t, where);
      const values = { x: c.x[p]!, y: c.y[p]!, exposure: c.exposure[p]!, i0: c.i0[p]!, it: c.it[p]! };
      for (const d of detectors) {
        if (d.kind === "pattern") {
          const { name, frame } = patternFrame(d.d, { scan: scan.number, point: p, index }, where, file);
          out.row(t, d.d.name, name, frame, values);
        } else {
          const s = stacks.find(([n]) => n === d.name)![1];
          d.datasets.add(s.dataset);
          out.row(t, d.name, logName(s.file, o.relativeTo, file), p, values);
        }
      }
    }
  }
  if (written.length === 0)
    throw new InputError(file, `no data points in scan${chosen.length > 1 ? "s" : ""} ${keys(chosen)}`);
  return {
    csv: out.csv(),
    rows: out.rows,
    points: index,
    detectors: detectors.map((d) => (d.kind === "pattern" ? d.d.name : d.name)),
    scans: written,
    empty,
    timeFrom,
    notes,
    datasets: datasetsOf(detectors, file),
  };
}

const keys = (scans: BlissScan[]) => clip(scans.map((s) => s.key).join(", "), 160);

/**
 * `list`: scans (`2.1`), numbers (`3`: scan 3.1) and ranges (`5-7`: 5.1, 6.1, 7.1, those there
 * are), and the names of NXentry groups not numbered so, separated by commas. Without a list,
 * every scan. Each item must match a scan of the file.
 */
export function selectBlissScans(bliss: BlissFile, list: string | undefined): BlissScan[] {
  if (list === undefined) return bliss.scans;
  const wanted = new Set<BlissScan>();
  for (const item of list.split(",").map((s) => s.trim())) {
    const match = matcher(item);
    const found = bliss.scans.filter(match);
    if (found.length === 0)
      throw new InputError(
        bliss.path,
        `--scan: no scan ${clip(item, 30)} in the file (it has ${keys(bliss.scans)})`,
      );
    for (const s of found) wanted.add(s);
  }
  return bliss.scans.filter((s) => wanted.has(s));
}

function matcher(item: string): (s: BlissScan) => boolean {
  let m = /^(\d+)$/.exec(item);
  if (m) return (s) => s.key === `${Number(m![1])}.1`;
  m = /^(\d+)\s*-\s*(\d+)$/.exec(item);
  if (m)
    return (s) =>
      s.order === 1 && s.key === `${s.number}.1` && s.number >= Number(m![1]) && s.number <= Number(m![2]);
  return (s) => s.key === item;
}

/**
 * `DET` and `DET=PATTERN` → detectors; none given: every detector with frames in all the chosen
 * scans (one found in some only is left out, with a note).
 */
function parseDetectors(frames: string[], scans: BlissScan[], file: string, notes: string[]): Detector[] {
  const out: Detector[] = [];
  const names = () => out.map((d) => (d.kind === "pattern" ? d.d.name : d.name));
  let given = frames;
  if (given.length === 0) {
    const all = [...new Set(scans.flatMap((s) => [...s.stacks.keys()]))];
    given = all.filter((n) => scans.every((s) => s.stacks.has(n)));
    for (const n of all.filter((m) => !given.includes(m)))
      notes.push(
        `${n}: frames in scan ${keys(scans.filter((s) => s.stacks.has(n)))} only, left out (--frames ${n} asks for them)`,
      );
  }
  if (given.length === 0)
    throw new InputError(
      file,
      `no detector frames in measurement of scan ${keys(scans)} (${clip(listing(scans[0]!, false), 160)}): name the frame files with --frames DET=PATTERN`,
    );
  for (const f of given) {
    if (f.includes("=")) {
      out.push({ kind: "pattern", d: patternDetector(f, file, names()) });
      continue;
    }
    const name = f.trim();
    if (!DETECTOR_NAME.test(name))
      throw new InputError(
        file,
        `--frames "${clip(name, 40)}": a detector's name becomes the scan log's detector: letters, digits, _ . - only (frames named otherwise: --frames DET=PATTERN)`,
      );
    if (names().includes(name))
      throw new InputError(file, `--frames "${name}": detector ${name} is given twice`);
    out.push({ kind: "hdf5", name, datasets: new Set() });
  }
  return out;
}

/** Where a scan keeps a detector's frames; an InputError saying why they cannot be used. */
function stackOf(scan: BlissScan, name: string, file: string): FrameStack {
  const s = scan.stacks.get(name);
  if (typeof s === "string") throw new InputError(file, `scan ${s}`);
  if (!s) {
    const frames = [...scan.stacks.keys()];
    throw new InputError(
      file,
      `--frames "${clip(name, 40)}": scan ${scan.key} has no frames of that name in measurement (frames: ${frames.length ? frames.join(", ") : "none"}; ${clip(listing(scan, false), 160)})`,
    );
  }
  return s;
}

/** The HDF5 dataset of each detector's frames: one per detector, as the config names one. */
function datasetsOf(detectors: Detector[], file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of detectors) {
    if (d.kind !== "hdf5") continue;
    const [first, second] = [...d.datasets];
    if (second !== undefined)
      throw new InputError(
        file,
        `--frames ${d.name}: its frames are in ${first} in one scan and ${second} in another, but a scan log's detector reads one dataset (detectors.${d.name}.dataset); choose scans with the same one with --scan`,
      );
    if (first !== undefined) out[d.name] = first;
  }
  return out;
}

/** A frame file's name as the log writes it: relative to the log's folder when given. */
function logName(path: string, relativeTo: string | undefined, file: string): string {
  const name = relativeTo === undefined ? path : relative(relativeTo, path);
  if (!csvSafe(name))
    throw new InputError(
      file,
      `frame file "${clip(name, 60)}": a name with a comma, a quote or a line break cannot go into the scan log`,
    );
  return name;
}

/**
 * The points every used counter and detector reaches. An aborted scan's counters stop at
 * different points: the common part is kept, with a note.
 */
function commonLength(
  scan: BlissScan,
  names: (string | undefined)[],
  stacks: (readonly [string, FrameStack])[],
  notes: string[],
): number {
  const lengths: [string, number][] = [];
  for (const n of names) {
    if (n === undefined || lengths.some(([m]) => m === n)) continue;
    const v = scan.counters.get(n) ?? scan.positioners.get(n);
    if (v instanceof Float64Array) lengths.push([n, v.length]);
  }
  for (const [n, s] of stacks) lengths.push([`${n} frames`, s.frames]);
  const least = Math.min(...lengths.map(([, l]) => l));
  const most = Math.max(...lengths.map(([, l]) => l));
  if (least < most)
    notes.push(
      `scan ${scan.key}: ${lengths.map(([n, l]) => `${n} ${l}`).join(", ")} differ in length (an aborted scan?): kept the first ${least} points`,
    );
  return least;
}

function pointTimes(
  scan: BlissScan,
  time: "epoch" | "elapsed_time",
  points: number,
  timezone: string | undefined,
  file: string,
): Float64Array {
  const counter = scan.counters.get(time)!.subarray(0, points);
  let timeS: Float64Array;
  if (time === "epoch") timeS = Float64Array.from(counter);
  else {
    if (scan.startTime === null)
      throw new InputError(
        file,
        `scan ${scan.key} has elapsed_time but no start_time (and no epoch counter): its points cannot be timed`,
      );
    const start = clockTextS(scan.startTime, timezone, file, `scan ${scan.key} start_time`);
    timeS = Float64Array.from(counter, (e) => start + e);
  }
  badPoint(scan, timeS, time, file);
  return timeS;
}

/** A Bliss scan as the log writers see it, cut to `points`: counters, positioners, no counting time. */
function blissTable(scan: BlissScan, points: number): ScanTable {
  return {
    key: scan.key,
    points,
    column: (name) => {
      const v = scan.counters.get(name) ?? scan.positioners.get(name);
      return v instanceof Float64Array ? v.subarray(0, points) : null;
    },
    motor: (name) => {
      const v = scan.positioners.get(name);
      return typeof v === "number" ? v : null;
    },
    listing: (withMotors) => listing(scan, withMotors),
    nouns: { column: "counter", motor: "positioner" },
    countTimeS: null,
    noCountTime: `scan ${scan.key}: a Bliss file states no counting time per point: give --exposure as seconds (0.5) or a counter`,
  };
}

function listing(scan: BlissScan, withMotors: boolean): string {
  const measurement = `measurement: ${[...scan.counters.keys(), ...scan.other].join(", ") || "none"}`;
  const held = [...scan.positioners].flatMap(([n, v]) => (typeof v === "number" ? [n] : []));
  return withMotors && held.length ? `${measurement}; positioners: ${held.join(", ")}` : measurement;
}
