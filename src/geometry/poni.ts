/**
 * pyFAI PONI files (v1, v2, v2.1): reading with the rules of pyFAI's `PoniFile.read_from_file`,
 * writing in the form pyFAI writes, and the Fit2D-style beam centre.
 *
 * Reading: lines that start with `#` or contain no `:` are skipped; each other line is split at its
 * first `:`; the key is lower-cased and stripped, the value stripped; the last value of a key wins
 * (files with several concatenated calibration blocks). Units are SI (m, rad).
 */
import { readFile } from "node:fs/promises";
import { fsProblem, InputError } from "../util/errors.js";
import {
  catalogueEntry,
  DEFAULT_ORIENTATION,
  GENERIC_DETECTOR_NAME,
  genericDetector,
  getDetector,
  isOrientation,
  normaliseDetectorName,
  withPixelSize,
} from "./detectors.js";
import type { Calibration, Detector, PoniGeometry } from "./types.js";

/** The PONI versions this reader understands. */
export const PONI_VERSIONS: readonly number[] = [1, 2, 2.1];

/** The raw key → value map of a PONI text (pyFAI's `read_from_file` before interpretation). */
export function poniKeyValues(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  for (const line of body.split(/\r\n|\r|\n/)) {
    if (line.startsWith("#")) continue;
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    out.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return out;
}

/** Python `float()` syntax for finite decimals (digits may be grouped with single underscores). */
const DECIMAL = /^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/;

function parseFloatStrict(value: string): number | null {
  if (!DECIMAL.test(value)) return null;
  const x = Number(value.replaceAll("_", ""));
  return Number.isFinite(x) ? x : null;
}

/**
 * Format a float as Python's `repr`/`str` does (what pyFAI writes with `%s` and `json.dumps`):
 * the shortest round-tripping digits, fixed notation for 1e-4 ≤ |x| < 1e16 (with ".0" for whole
 * numbers), otherwise `d.ddde±XX`.
 */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const sign = x < 0 ? "-" : "";
  const [mant, expText] = Math.abs(x).toExponential().split("e") as [string, string];
  const digits = mant.replace(".", "");
  const exp = Number(expText);
  const decpt = exp + 1; // value = 0.digits × 10^decpt
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) return `${sign}0.${"0".repeat(-decpt)}${digits}`;
    if (decpt >= digits.length) return `${sign}${digits}${"0".repeat(decpt - digits.length)}.0`;
    return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  }
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : `${Math.abs(exp)}`;
  return `${sign}${m}e${exp < 0 ? "-" : "+"}${e}`;
}

/** Display names of the keys, for messages. */
const KEY_NAMES: Record<string, string> = {
  poni_version: "poni_version",
  detector: "Detector",
  detector_config: "Detector_config",
  distance: "Distance",
  poni1: "Poni1",
  poni2: "Poni2",
  rot1: "Rot1",
  rot2: "Rot2",
  rot3: "Rot3",
  wavelength: "Wavelength",
  pixelsize1: "PixelSize1",
  pixelsize2: "PixelSize2",
  splinefile: "SplineFile",
};
const keyName = (k: string): string => KEY_NAMES[k] ?? k;

function numberAt(kv: Map<string, string>, key: string, file: string): number {
  const raw = kv.get(key);
  if (raw === undefined) throw new InputError(file, `missing key ${keyName(key)}`);
  const x = parseFloatStrict(raw);
  if (x === null) throw new InputError(file, `${keyName(key)}: "${raw}" is not a finite number`);
  return x;
}

function optionalNumber(kv: Map<string, string>, key: string, file: string): number | undefined {
  return kv.has(key) ? numberAt(kv, key, file) : undefined;
}

function positivePixel(x: number, what: string, file: string): number {
  if (!(x > 0)) throw new InputError(file, `${what}: pixel size must be positive, got ${x}`);
  return x;
}

function parseVersion(kv: Map<string, string>, file: string): number {
  const raw = kv.get("poni_version");
  let version = 1;
  if (raw !== undefined) {
    const v = parseFloatStrict(raw);
    if (v === null) throw new InputError(file, `poni_version: "${raw}" is not a number`);
    if (!PONI_VERSIONS.includes(v)) {
      throw new InputError(file, `poni_version ${raw} is not supported (known: ${PONI_VERSIONS.join(", ")})`);
    }
    version = v;
  }
  // As pyFAI ≥2023: a Detector_config makes the file at least v2.
  if (version === 1 && kv.has("detector_config")) version = 2;
  return version;
}

function v1Detector(kv: Map<string, string>, file: string): Detector {
  const p1 = optionalNumber(kv, "pixelsize1", file);
  const p2 = optionalNumber(kv, "pixelsize2", file);
  const spline = kv.get("splinefile");
  if (spline !== undefined && spline !== "" && spline.toLowerCase() !== "none") {
    throw new InputError(file, `SplineFile "${spline}": spline distortion corrections are not supported`);
  }
  if ((p1 === undefined) !== (p2 === undefined)) {
    throw new InputError(file, `missing key ${p1 === undefined ? "PixelSize1" : "PixelSize2"}`);
  }
  const name = kv.get("detector");
  if (name !== undefined && normaliseDetectorName(name) !== normaliseDetectorName(GENERIC_DETECTOR_NAME)) {
    const det = getDetector(name, file);
    // pyFAI: a named detector takes the file's pixel sizes when both are given.
    if (p1 === undefined || p2 === undefined) return det;
    return withPixelSize(det, positivePixel(p1, "PixelSize1", file), positivePixel(p2, "PixelSize2", file));
  }
  if (p1 === undefined || p2 === undefined) throw new InputError(file, "missing key PixelSize1");
  return genericDetector(positivePixel(p1, "PixelSize1", file), positivePixel(p2, "PixelSize2", file));
}

const CONFIG_KEYS = new Set([
  "pixel1",
  "pixel2",
  "max_shape",
  "module_size",
  "orientation",
  "splineFile",
  "splinefile",
  "x_offset_file",
  "y_offset_file",
  "sensor",
]);

function configPair(value: unknown, key: string, file: string): [number, number] | null {
  if (value === null || value === undefined) return null;
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    !value.every((n) => typeof n === "number" && Number.isInteger(n) && n > 0)
  ) {
    throw new InputError(
      file,
      `Detector_config: ${key} must be two positive integers, got ${JSON.stringify(value)}`,
    );
  }
  return [value[0] as number, value[1] as number];
}

function configPixel(value: unknown, key: string, file: string): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new InputError(
      file,
      `Detector_config: ${key} must be a positive number, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function v2Detector(kv: Map<string, string>, file: string): { detector: Detector; hasOrientation: boolean } {
  const name = kv.get("detector");
  if (name === undefined) throw new InputError(file, "missing key Detector");
  const rawConfig = kv.get("detector_config");
  if (rawConfig === undefined) throw new InputError(file, "missing key Detector_config");
  let config: unknown;
  try {
    config = JSON.parse(rawConfig);
  } catch (err) {
    throw new InputError(file, `Detector_config is not valid JSON (${(err as Error).message}): ${rawConfig}`);
  }
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new InputError(file, `Detector_config must be a JSON object, got ${rawConfig}`);
  }
  const cfg = config as Record<string, unknown>;
  for (const k of Object.keys(cfg)) {
    if (!CONFIG_KEYS.has(k)) throw new InputError(file, `Detector_config: unsupported key "${k}"`);
  }
  for (const k of ["splineFile", "splinefile", "x_offset_file", "y_offset_file"]) {
    const v = cfg[k];
    if (v !== undefined && v !== null && v !== "") {
      throw new InputError(
        file,
        `Detector_config: ${k} ${JSON.stringify(v)}: distortion files are not supported`,
      );
    }
  }
  const pixel1 = configPixel(cfg["pixel1"], "pixel1", file);
  const pixel2 = configPixel(cfg["pixel2"], "pixel2", file);
  const maxShape = configPair(cfg["max_shape"], "max_shape", file);
  const moduleSize = configPair(cfg["module_size"], "module_size", file);
  const hasOrientation = "orientation" in cfg;
  let orientation: Detector["orientation"] = DEFAULT_ORIENTATION;
  if (hasOrientation) {
    const o = cfg["orientation"];
    if (!isOrientation(o)) {
      throw new InputError(
        file,
        `Detector_config: orientation must be 0, 1, 2, 3 or 4, got ${JSON.stringify(o)}`,
      );
    }
    orientation = o;
  }

  let detector: Detector;
  if (normaliseDetectorName(name) === normaliseDetectorName(GENERIC_DETECTOR_NAME)) {
    if (pixel1 === undefined)
      throw new InputError(file, "Detector_config: missing pixel1 for a generic Detector");
    if (pixel2 === undefined)
      throw new InputError(file, "Detector_config: missing pixel2 for a generic Detector");
    if (moduleSize)
      throw new InputError(file, "Detector_config: module_size is not valid for a generic Detector");
    detector = genericDetector(pixel1, pixel2, maxShape ?? undefined);
  } else {
    detector = getDetector(name, file);
    const row = catalogueEntry(detector.name)!;
    // A binned detector's max_shape is the unbinned sensor; its shape follows the pixel size.
    if (maxShape && !row.binned && (maxShape[0] !== row.shape[0] || maxShape[1] !== row.shape[1])) {
      throw new InputError(
        file,
        `Detector_config: max_shape [${maxShape.join(", ")}] differs from ${row.cls}'s [${row.shape.join(", ")}]; ` +
          "resized detectors are not supported",
      );
    }
    const ms = row.moduleSize;
    if (moduleSize && (!ms || moduleSize[0] !== ms[0] || moduleSize[1] !== ms[1])) {
      throw new InputError(
        file,
        `Detector_config: module_size [${moduleSize.join(", ")}] differs from ${row.cls}'s; not supported`,
      );
    }
    detector = withPixelSize(detector, pixel1 ?? detector.pixel1M, pixel2 ?? detector.pixel2M);
  }
  detector.orientation = orientation;
  return { detector, hasOrientation };
}

/**
 * Parse the text of a PONI file. `file` names it in errors.
 * @throws InputError naming `file` and the key at fault: a missing required key, a value that is not
 *   a finite number, bad Detector_config JSON, an unknown detector, an unsupported poni_version.
 */
export function parsePoni(text: string, file: string): Calibration {
  const kv = poniKeyValues(text);
  let poniVersion = parseVersion(kv, file);
  let detector: Detector;
  if (poniVersion === 1) {
    detector = v1Detector(kv, file);
  } else {
    const v2 = v2Detector(kv, file);
    detector = v2.detector;
    if (v2.hasOrientation) poniVersion = 2.1; // as pyFAI ≥2023
  }
  const distKey = kv.has("distance") ? "distance" : "dist";
  if (!kv.has(distKey)) throw new InputError(file, "missing key Distance");
  const cal = {
    distM: numberAt(kv, distKey, file),
    poni1M: numberAt(kv, "poni1", file),
    poni2M: numberAt(kv, "poni2", file),
    rot1Rad: numberAt(kv, "rot1", file),
    rot2Rad: numberAt(kv, "rot2", file),
    rot3Rad: numberAt(kv, "rot3", file),
    wavelengthM: numberAt(kv, "wavelength", file),
    detector,
    poniVersion,
  };
  return cal;
}

/**
 * Physical bounds of a geometry: a value outside them is a typo or a unit slip (mm for m, Å for m),
 * and would only fail later, far from its cause. [key, value, low, high, unit].
 */
export const PONI_BOUNDS = {
  Distance: [1e-4, 100, "m"],
  Poni1: [-10, 10, "m"],
  Poni2: [-10, 10, "m"],
  Rot1: [-2 * Math.PI, 2 * Math.PI, "rad"],
  Rot2: [-2 * Math.PI, 2 * Math.PI, "rad"],
  Rot3: [-2 * Math.PI, 2 * Math.PI, "rad"],
  // 0.01 Å (1.2 MeV) to 1000 Å (12 eV)
  Wavelength: [1e-12, 1e-7, "m"],
  PixelSize1: [1e-7, 0.1, "m"],
  PixelSize2: [1e-7, 0.1, "m"],
} as const;

/** Refuses a geometry outside PONI_BOUNDS, naming the file, the key, the value and the range. */
export function checkPoniBounds(cal: Calibration, file: string): void {
  const values: Record<keyof typeof PONI_BOUNDS, number> = {
    Distance: cal.distM,
    Poni1: cal.poni1M,
    Poni2: cal.poni2M,
    Rot1: cal.rot1Rad,
    Rot2: cal.rot2Rad,
    Rot3: cal.rot3Rad,
    Wavelength: cal.wavelengthM,
    PixelSize1: cal.detector.pixel1M,
    PixelSize2: cal.detector.pixel2M,
  };
  for (const [key, [lo, hi, unit]] of Object.entries(PONI_BOUNDS)) {
    const v = values[key as keyof typeof PONI_BOUNDS];
    if (!(v >= lo && v <= hi))
      throw new InputError(
        file,
        `${key}: ${v} ${unit} is outside the allowed ${lo}..${Number(hi.toPrecision(6))} ${unit}`,
      );
  }
}

/**
 * Read and parse a PONI file, and check its values are physical (PONI_BOUNDS).
 * @throws InputError when it cannot be read or parsed, or a value is out of bounds.
 */
export async function readPoni(path: string): Promise<Calibration> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(
      path,
      code === "ENOENT"
        ? "no such PONI file"
        : `cannot read PONI file: ${fsProblem(code) ?? code ?? (err as Error).message}`,
    );
  }
  const cal = parsePoni(text, path);
  checkPoniBounds(cal, path);
  return cal;
}

function jsonPair(p: readonly [number, number] | null): string {
  return p ? `[${p[0]}, ${p[1]}]` : "null";
}

/** The Detector_config JSON pyFAI would write for `det` (json.dumps layout, Python float repr). */
export function detectorConfigJson(det: Detector, withOrientation: boolean): string {
  const parts: string[] = [];
  const row = catalogueEntry(det.name);
  if (row) {
    if (det.pixel1M !== row.pixel[0] || det.pixel2M !== row.pixel[1]) {
      parts.push(`"pixel1": ${pyFloatRepr(det.pixel1M)}`, `"pixel2": ${pyFloatRepr(det.pixel2M)}`);
    }
    if (det.shape && (det.shape[0] !== row.shape[0] || det.shape[1] !== row.shape[1])) {
      parts.push(`"max_shape": ${jsonPair(det.shape)}`);
    }
  } else {
    parts.push(
      `"pixel1": ${pyFloatRepr(det.pixel1M)}`,
      `"pixel2": ${pyFloatRepr(det.pixel2M)}`,
      `"max_shape": ${jsonPair(det.shape)}`,
    );
  }
  if (withOrientation) parts.push(`"orientation": ${det.orientation}`);
  return `{${parts.join(", ")}}`;
}

export interface FormatPoniOptions {
  /** Extra comment lines (without the leading "# "). */
  comments?: string[];
}

/**
 * The PONI text pyFAI would write for `cal`: `poni_version: 2`, or 2.1 when the detector's
 * orientation is not the legacy 0/3 (then `"orientation"` is in Detector_config). A detector that is
 * not in the catalogue is written as a generic `Detector` with pixel1/pixel2/max_shape. Numbers use
 * Python's float repr (shortest round-trip digits), so parsePoni(formatPoni(cal)) is exact.
 */
export function formatPoni(cal: Calibration, options: FormatPoniOptions = {}): string {
  const values: [string, number][] = [
    ["Distance", cal.distM],
    ["Poni1", cal.poni1M],
    ["Poni2", cal.poni2M],
    ["Rot1", cal.rot1Rad],
    ["Rot2", cal.rot2Rad],
    ["Rot3", cal.rot3Rad],
    ["Wavelength", cal.wavelengthM],
    ["pixel1", cal.detector.pixel1M],
    ["pixel2", cal.detector.pixel2M],
  ];
  for (const [k, v] of values) {
    if (!Number.isFinite(v)) throw new InputError("", `cannot write a PONI file: ${k} is ${v}`);
  }
  const det = cal.detector;
  const v21 = det.orientation !== 0 && det.orientation !== 3;
  const name = catalogueEntry(det.name) ? det.name : GENERIC_DETECTOR_NAME;
  const lines = [
    "# Nota: C-Order, 1 refers to the Y axis, 2 to the X axis",
    "# Written by operando-swaxs",
    ...(options.comments ?? []).map((c) => `# ${c}`),
    `poni_version: ${v21 ? "2.1" : "2"}`,
    `Detector: ${name}`,
    `Detector_config: ${detectorConfigJson(det, v21)}`,
    ...values.slice(0, 7).map(([k, v]) => `${k}: ${pyFloatRepr(v)}`),
    "",
  ];
  return lines.join("\n");
}

/** Fit2D's description of a geometry (pyFAI `Geometry.getFit2D`). */
export interface Fit2dGeometry {
  /** Sample → beam-centre distance along the beam [mm]. */
  directDistMm: number;
  /** Direct-beam position along dim 2 (columns, x) [pixels]. */
  centerXPx: number;
  /** Direct-beam position along dim 1 (rows, y) [pixels]. */
  centerYPx: number;
  /** Detector tilt, arccos(cos rot1 · cos rot2) [deg]. */
  tiltDeg: number;
  /** Rotation of the tilt plane [deg]. */
  tiltPlanRotationDeg: number;
}

/**
 * The Fit2D-style beam centre and tilt, computed as pyFAI's `getFit2D` (pyfai.md §1.3):
 * centerX = (poni2 − L·tan rot1)/pixel2, centerY = (poni1 + L·tan rot2 / cos rot1)/pixel1,
 * tilt = arccos(cos rot1 · cos rot2). rot3 does not enter. Pixel indices are those of the stored
 * array in pyFAI 0.21.3's (legacy, orientation 3) convention; the detector orientation is not applied.
 */
export function fit2dGeometry(geom: PoniGeometry, pixel1M: number, pixel2M: number): Fit2dGeometry {
  let cosTilt = Math.cos(geom.rot1Rad) * Math.cos(geom.rot2Rad);
  let sinTilt = Math.sqrt(1 - cosTilt * cosTilt);
  const tanTilt = sinTilt / cosTilt;
  let cosTpr: number;
  let sinTpr: number;
  if (sinTilt === 0) {
    cosTilt = 1;
    sinTilt = 0;
    cosTpr = 1;
    sinTpr = 0;
  } else {
    cosTpr = Math.max(-1, Math.min(1, (-Math.cos(geom.rot2Rad) * Math.sin(geom.rot1Rad)) / sinTilt));
    sinTpr = Math.sin(geom.rot2Rad) / sinTilt;
  }
  const tiltDeg = (Math.acos(cosTilt) * 180) / Math.PI;
  const tprAbs = (Math.acos(cosTpr) * 180) / Math.PI;
  const centerXPx = (geom.poni2M + geom.distM * tanTilt * cosTpr) / pixel2M;
  const centerYPx =
    Math.abs(tiltDeg) < 1e-5
      ? geom.poni1M / pixel1M
      : (geom.poni1M + geom.distM * tanTilt * sinTpr) / pixel1M;
  return {
    directDistMm: (1e3 * geom.distM) / cosTilt,
    centerXPx,
    centerYPx,
    tiltDeg,
    tiltPlanRotationDeg: sinTpr < 0 ? -tprAbs : tprAbs,
  };
}

/** {@link fit2dGeometry} of a calibration, with its detector's pixel sizes. */
export function beamCentre(cal: Calibration): Fit2dGeometry {
  return fit2dGeometry(cal, cal.detector.pixel1M, cal.detector.pixel2M);
}
