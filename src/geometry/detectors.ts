/**
 * pyFAI's detector catalogue (0.21.3): lookup by class name or alias, generic detectors, and the
 * module-gap mask pyFAI's `calc_mask` produces. The data live in ./detector-table.ts (generated).
 */
import { InputError } from "../util/errors.js";
import { DETECTOR_TABLE, type DetectorTableRow } from "./detector-table.js";
import type { Detector } from "./types.js";

/** pyFAI's class name for a generic detector known only by its pixel size. */
export const GENERIC_DETECTOR_NAME = "Detector";

/** pyFAI's default orientation (3 = "BottomRight", the legacy convention: no flip). */
export const DEFAULT_ORIENTATION = 3;

/** The lookup key of a name: lower case, without spaces, underscores or dashes. */
export function normaliseDetectorName(name: string): string {
  return name.toLowerCase().replace(/[\s_-]+/g, "");
}

const BY_CLASS = new Map<string, DetectorTableRow>();
const BY_KEY = new Map<string, DetectorTableRow>();
for (const row of DETECTOR_TABLE) {
  BY_CLASS.set(row.cls, row);
  for (const name of [row.cls, ...row.aliases]) BY_KEY.set(normaliseDetectorName(name), row);
}

/** Class names of every detector in the catalogue, in table order. */
export function detectorNames(): string[] {
  return DETECTOR_TABLE.map((r) => r.cls);
}

/** The catalogue row of a pyFAI class name (exact spelling), or undefined. */
export function catalogueEntry(className: string): DetectorTableRow | undefined {
  return BY_CLASS.get(className);
}

function fromRow(row: DetectorTableRow): Detector {
  return {
    name: row.cls,
    shape: [row.shape[0], row.shape[1]],
    pixel1M: row.pixel[0],
    pixel2M: row.pixel[1],
    orientation: DEFAULT_ORIENTATION,
    maskedRowRuns: row.rows.map(([a, b]) => [a, b]),
    maskedColRuns: row.cols.map(([a, b]) => [a, b]),
  };
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur.push(Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** The catalogue's class names closest to `name` (edit distance on the lookup keys), best first. */
export function closestDetectorNames(name: string, count = 5): string[] {
  const key = normaliseDetectorName(name);
  const best = new Map<string, number>();
  for (const [k, row] of BY_KEY) {
    let d = editDistance(key, k);
    if (key.length > 0 && (k.startsWith(key) || key.startsWith(k))) d = Math.min(d, 1);
    const old = best.get(row.cls);
    if (old === undefined || d < old) best.set(row.cls, d);
  }
  return [...best.entries()]
    .sort((x, y) => x[1] - y[1] || x[0].localeCompare(y[0]))
    .slice(0, count)
    .map(([cls]) => cls);
}

/**
 * A catalogue detector by pyFAI class name or alias ("Pilatus1M", "Pilatus 1M", "pilatus_1m",
 * "Eiger2 500k", …), matched case-insensitively and ignoring spaces, underscores and dashes.
 * `file` names the input that asked for it, for the error.
 * @throws InputError for an unknown name (listing the closest known names) or for the generic
 *   "Detector", which needs pixel sizes: use {@link genericDetector}.
 */
export function getDetector(name: string, file = ""): Detector {
  const key = normaliseDetectorName(name.trim());
  const row = BY_KEY.get(key);
  if (row) return fromRow(row);
  if (key === normaliseDetectorName(GENERIC_DETECTOR_NAME)) {
    throw new InputError(
      file,
      `the generic detector "${name}" needs pixel sizes; it is not in the catalogue`,
    );
  }
  throw new InputError(
    file,
    `unknown detector "${name}"; closest known names: ${closestDetectorNames(name).join(", ")}`,
  );
}

function checkShape(shape: readonly number[], file: string, what: string): [number, number] {
  if (shape.length !== 2 || !shape.every((n) => Number.isInteger(n) && n > 0)) {
    throw new InputError(file, `${what} must be two positive integers, got [${shape.join(", ")}]`);
  }
  return [shape[0]!, shape[1]!];
}

function checkPixel(value: number, file: string, what: string): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new InputError(file, `${what} must be a positive pixel size in metres, got ${value}`);
  }
  return value;
}

/**
 * A generic pyFAI `Detector`: pixel size only, no gaps. With no shape it takes the frame's shape
 * (see {@link detectorForFrame}).
 */
export function genericDetector(
  pixel1M: number,
  pixel2M: number,
  shape?: readonly [number, number],
): Detector {
  return {
    name: GENERIC_DETECTOR_NAME,
    shape: shape ? checkShape(shape, "", "detector shape") : null,
    pixel1M: checkPixel(pixel1M, "", "pixel1"),
    pixel2M: checkPixel(pixel2M, "", "pixel2"),
    orientation: DEFAULT_ORIENTATION,
    maskedRowRuns: [],
    maskedColRuns: [],
  };
}

/**
 * A copy of `det` with other pixel sizes (a v1 PONI's PixelSize1/2, a Detector_config's pixel1/2),
 * as pyFAI builds the class with them. For the detectors whose shape pyFAI derives from the pixel
 * size (binned Rayonix/MAR/Perkin; `binned` in the table) another pixel size means another binning,
 * so the shape is dropped and comes from the frame (the circular mask scales with it).
 */
export function withPixelSize(det: Detector, pixel1M: number, pixel2M: number): Detector {
  const out: Detector = {
    ...det,
    pixel1M: checkPixel(pixel1M, "", "pixel1"),
    pixel2M: checkPixel(pixel2M, "", "pixel2"),
  };
  const row = BY_CLASS.get(det.name);
  if (row?.binned && (pixel1M !== row.pixel[0] || pixel2M !== row.pixel[1])) out.shape = null;
  return out;
}

/** A copy of `det` with a pyFAI ≥2023 orientation (0/3 = legacy, 1 flip both, 2 flip d1, 4 flip d2). */
export function withOrientation(det: Detector, orientation: number): Detector {
  if (!isOrientation(orientation)) {
    throw new InputError("", `detector orientation must be 0, 1, 2, 3 or 4, got ${orientation}`);
  }
  return { ...det, orientation };
}

export function isOrientation(n: unknown): n is Detector["orientation"] {
  return n === 0 || n === 1 || n === 2 || n === 3 || n === 4;
}

/**
 * The detector as it applies to a frame of `frameShape` [rows, cols]: a detector without a shape
 * (generic) takes the frame's; one with a shape must match it.
 * @throws InputError naming `file` when the shapes disagree.
 */
export function detectorForFrame(det: Detector, frameShape: readonly [number, number], file = ""): Detector {
  const shape = checkShape(frameShape, file, "frame shape");
  if (det.shape === null) return { ...det, shape };
  if (det.shape[0] !== shape[0] || det.shape[1] !== shape[1]) {
    throw new InputError(
      file,
      `frame shape ${shape[0]}×${shape[1]} (rows×cols) does not match detector ${det.name} ` +
        `(${det.shape[0]}×${det.shape[1]})`,
    );
  }
  return det;
}

/**
 * The detector's own invalid pixels as pyFAI's `calc_mask` gives them: row-major, rows×cols,
 * 1 = invalid (module gaps; outside the active circle for Rayonix133/RayonixSx165/Mar345), 0 = valid.
 * Orientation does not change it: it relabels coordinates, not the stored array.
 * `shape` is the frame's shape (required for a generic detector, checked against a catalogue one).
 */
export function detectorMask(det: Detector, shape?: readonly [number, number], file = ""): Uint8Array {
  let n1: number;
  let n2: number;
  if (shape) {
    [n1, n2] = detectorForFrame(det, shape, file).shape!;
  } else if (det.shape) {
    [n1, n2] = det.shape;
  } else {
    throw new InputError(file, `detector ${det.name} has no shape: the frame's shape is needed for its mask`);
  }
  const mask = new Uint8Array(n1 * n2);
  for (const [a, b] of det.maskedRowRuns) {
    mask.fill(1, Math.max(0, a) * n2, (Math.min(b, n1 - 1) + 1) * n2);
  }
  for (const [a, b] of det.maskedColRuns) {
    const lo = Math.max(0, a);
    const hi = Math.min(b, n2 - 1);
    for (let i = 0; i < n1; i++) mask.fill(1, i * n2 + lo, i * n2 + hi + 1);
  }
  if (BY_CLASS.get(det.name)?.circularMask) {
    const c1 = Math.floor(n1 / 2);
    const c2 = Math.floor(n2 / 2);
    const r2 = c1 * c1;
    for (let i = 0; i < n1; i++) {
      const di = i + 0.5 - c1;
      for (let j = 0; j < n2; j++) {
        const dj = j + 0.5 - c2;
        if (di * di + dj * dj > r2) mask[i * n2 + j] = 1;
      }
    }
  }
  return mask;
}
