/**
 * `swaxs init FOLDER`: what a folder of raw data holds, found by content (issue 14) — detector
 * frames grouped by shape, PONI files matched to them by the detector they describe, masks, empty
 * cells and calibrant frames by name and shape, cycler logs by their own signatures, a scan log
 * (canonical CSV, SPEC file, Bliss/NeXus HDF5 scan) — and the commented starter experiment.yaml
 * made from it (starter-yaml.ts). What cannot be decided is left as a TODO value, which
 * `swaxs run` refuses by name and line (config-todo.ts), never guessed.
 */
import { readdir, stat } from "node:fs/promises";
import { basename, join, relative } from "node:path";
import { buildSeries, coveringHourShifts, readCycler } from "../echem/index.js";
import { openFrames } from "../formats/index.js";
import { type Calibration, readPoni } from "../geometry/index.js";
import { CALIBRANTS } from "../physics/index.js";
import { midExposure, readScanLog } from "../scan/index.js";
import { fileKind } from "./file-kinds.js";

/** A set of frames of one shape: one detector's. */
export interface FrameGroup {
  shape: [number, number];
  files: string[];
  /** Frames in all (HDF5 stacks hold many). */
  frames: number;
  format: string;
}

export interface FolderFindings {
  dir: string;
  groups: FrameGroup[];
  ponis: { file: string; cal: Calibration }[];
  masks: { file: string; shape: [number, number] }[];
  empties: { file: string; shape: [number, number] }[];
  /** Calibrant frames: by a calibrant's name in the file name (phase known), or by "calib" (phase not). */
  calibrants: { file: string; shape: [number, number]; phase: string | null }[];
  cyclers: { file: string; format: string }[];
  scanLogs: { file: string; kind: "csv" | "spec" | "hdf5" }[];
  /** Files looked at and not recognised (said in the summary, never silently dropped). */
  unknown: string[];
}

/** How deep init looks into subfolders, and how many files at most (a folder of raw data, not a disk). */
const MAX_DEPTH = 3;
const MAX_FILES = 100_000;
const MASK_NAME = /mask/i;
const EMPTY_NAME = /empty|background|bkg|blank/i;
/** Calibrant names in file names, case-insensitively, as the calibrant phases are spelled. */
const CALIBRANT_NAME = new RegExp(`(${CALIBRANTS.join("|")}|calib)`, "i");

async function listFiles(dir: string, depth = 0, out: string[] = []): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    if (e.name.startsWith(".") || out.length >= MAX_FILES) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      // a results folder of an earlier run is output, not raw data
      if (depth < MAX_DEPTH && !(await isResults(p))) await listFiles(p, depth + 1, out);
    } else if (e.isFile()) out.push(p);
  }
  return out;
}

async function isResults(dir: string): Promise<boolean> {
  return stat(join(dir, "run.json")).then(
    () => true,
    () => false,
  );
}

const sameShape = (a: readonly number[], b: readonly number[]) => a[0] === b[0] && a[1] === b[1];

/** What `dir` holds (see the file comment). `onProgress` hears of each file looked at. */
export async function inspectFolder(
  dir: string,
  onProgress?: (file: string) => void,
): Promise<FolderFindings> {
  const f: FolderFindings = {
    dir,
    groups: [],
    ponis: [],
    masks: [],
    empties: [],
    calibrants: [],
    cyclers: [],
    scanLogs: [],
    unknown: [],
  };
  for (const file of await listFiles(dir)) {
    onProgress?.(file);
    if (await classify(file, f)) continue;
    f.unknown.push(file);
  }
  return f;
}

/** Files on one record each; true when the file was recognised. */
async function classify(file: string, f: FolderFindings): Promise<boolean> {
  // by content, as the config's files are checked (file-kinds.ts)
  const { kind, format } = await fileKind(file);
  if (kind === "poni") {
    const cal = await readPoni(file).catch(() => null);
    if (cal) f.ponis.push({ file, cal });
    return cal !== null;
  }
  if (kind === "spec" || kind === "scan-log") {
    f.scanLogs.push({ file, kind: kind === "spec" ? "spec" : "csv" });
    return true;
  }
  if (kind === "cycler") {
    f.cyclers.push({ file, format: format! });
    return true;
  }
  if (kind !== "image" && kind !== "hdf5") return false;
  const src = await openFrames(file).catch(() => null);
  if (!src) {
    // an HDF5 file without frames where we look for them: a Bliss/NeXus scan file, perhaps
    if (kind === "hdf5") {
      f.scanLogs.push({ file, kind: "hdf5" });
      return true;
    }
    return false;
  }
  try {
    const shape = src.shape;
    const name = basename(file);
    if (MASK_NAME.test(name)) f.masks.push({ file, shape });
    else if (EMPTY_NAME.test(name)) f.empties.push({ file, shape });
    else if (CALIBRANT_NAME.test(name)) {
      const m = CALIBRANT_NAME.exec(name)![1]!;
      const phase = CALIBRANTS.find((c) => c.toLowerCase() === m.toLowerCase()) ?? null;
      f.calibrants.push({ file, shape, phase });
    } else {
      let g = f.groups.find((x) => sameShape(x.shape, shape));
      if (!g) {
        g = { shape, files: [], frames: 0, format: src.format };
        f.groups.push(g);
      }
      g.files.push(file);
      g.frames += src.frameCount;
    }
    return true;
  } finally {
    src.close();
  }
}

/** A detector of the starter config: its frames, and what was matched to them. */
export interface StarterDetector {
  name: string;
  group: FrameGroup;
  poni: string | null;
  mask: string | null;
  empty: string | null;
  calibrant: { file: string; phase: string | null } | null;
  /** Why a PONI was or was not chosen (a comment in the YAML). */
  why: string;
}

/**
 * Each frame group as a detector: its PONI the one whose detector has the frames' shape (of several,
 * the nearest shape's name order), named saxs and waxs by sample distance where there are two
 * (the longer is SAXS), else by shape.
 */
export function matchDetectors(f: FolderFindings): StarterDetector[] {
  const groups = [...f.groups].sort((a, b) => b.frames - a.frames);
  const used = new Set<string>();
  const dets = groups.map((group): StarterDetector => {
    const fits = f.ponis.filter((p) => p.cal.detector.shape && sameShape(p.cal.detector.shape, group.shape));
    const free = fits.filter((p) => !used.has(p.file));
    const poni = free[0] ?? null;
    if (poni) used.add(poni.file);
    const why = poni
      ? `${relative(f.dir, poni.file)} describes a ${poni.cal.detector.name} (${group.shape.join("×")})`
      : fits.length > 0
        ? "the PONI files for this shape are taken by other detectors"
        : `no PONI file describes a ${group.shape.join("×")} detector`;
    const byShape = <T extends { file: string; shape: [number, number] }>(xs: T[]) =>
      xs.find((x) => sameShape(x.shape, group.shape)) ?? null;
    const cal = byShape(f.calibrants);
    return {
      name: "",
      group,
      poni: poni?.file ?? null,
      mask: byShape(f.masks)?.file ?? null,
      empty: byShape(f.empties)?.file ?? null,
      calibrant: cal ? { file: cal.file, phase: cal.phase } : null,
      why,
    };
  });
  const dist = (d: StarterDetector) => f.ponis.find((p) => p.file === d.poni)?.cal.distM ?? Number.NaN;
  if (dets.length === 2 && dets.every((d) => Number.isFinite(dist(d)))) {
    const [a, b] = dets as [StarterDetector, StarterDetector];
    a.name = dist(a) >= dist(b) ? "saxs" : "waxs";
    b.name = a.name === "saxs" ? "waxs" : "saxs";
  } else for (const [k, d] of dets.entries()) d.name = dets.length === 1 ? "saxs" : `det${k + 1}`;
  return dets;
}

/**
 * Whether the cycler log needs its clock stated (local times, no zone in the file), and if so the
 * whole-hour UTC offsets under which it covers every frame of the scan log (when one was found):
 * the likely answers, for the TODO's comment — init does not choose among them (daylight saving).
 */
export async function cyclerClockHint(
  cycler: string,
  scanLog: string | null,
): Promise<{ needsZone: boolean; offsets: string[] }> {
  const records = await readCycler(cycler).catch(() => null);
  if (!records) return { needsZone: false, offsets: [] };
  if (buildSeries(records, {}).unixS) return { needsZone: false, offsets: [] };
  const log = scanLog ? await readScanLog(scanLog).then(midExposure, () => null) : null;
  // read on a clock of offset 0 (its wall clock as UTC), the log covers the frames moved by its
  // zone's offset: the offsets that fit are the shifts that do (one series, not one per offset)
  const wall = buildSeries(records, { clock: { clockOffsetS: 0 } });
  const hours = Array.from({ length: 27 }, (_, k) => k - 12);
  const offsets = log
    ? coveringHourShifts(wall, log.timeS, hours).map(
        (h) => `${h < 0 ? "-" : "+"}${String(Math.abs(h)).padStart(2, "0")}:00`,
      )
    : [];
  return { needsZone: true, offsets };
}
