/**
 * Header metadata shared by the frame formats.
 *
 * Every reader keeps the header values as found (key → raw string, or a number where the whole
 * value is a bare number) and adds a few format-independent keys in SI units, so later stages
 * need not know which file a frame came from:
 *
 *   exposureTimeS, exposurePeriodS, wavelengthM, distanceM,
 *   pixel1M (rows, slow axis), pixel2M (columns, fast axis), beamXPx, beamYPx (fast, slow; pixels)
 *
 * The Pilatus "miniCBF" header (`# Exposure_time 1.0 s` lines; Dectris PILATUS manual,
 * "Image header"; also in Pilatus TIFF ImageDescription) is parsed here because both CBF and TIFF
 * carry it.
 */
import type { Metadata } from "./types.js";

export const KEY = {
  exposureTimeS: "exposureTimeS",
  exposurePeriodS: "exposurePeriodS",
  wavelengthM: "wavelengthM",
  distanceM: "distanceM",
  pixel1M: "pixel1M",
  pixel2M: "pixel2M",
  beamXPx: "beamXPx",
  beamYPx: "beamYPx",
} as const;

const NORMALIZED = new Set<string>(Object.values(KEY));

export function isNormalizedKey(key: string): boolean {
  return NORMALIZED.has(key);
}

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The number a whole string spells (JS-style decimal/exponent only), or null. */
export function parseNumber(s: string): number | null {
  const t = s.trim();
  return NUMBER_RE.test(t) ? Number(t) : null;
}

/** A header value as metadata: a number when the whole (trimmed) value is one, else the trimmed string. */
export function coerce(s: string): string | number {
  const n = parseNumber(s);
  return n === null ? s.trim() : n;
}

/**
 * Power of ten that takes each unit detector headers use to SI (case-sensitive: m vs M).
 * Scaling is done on the decimal string ("0.4066" A → "0.4066e-10"), so the result is the double
 * nearest the decimal value (4.066e-11), not 0.4066 × 1e-10 = 4.0660000000000005e-11.
 */
const UNIT_EXP10: Record<string, number> = {
  m: 0,
  mm: -3,
  cm: -2,
  um: -6,
  µm: -6,
  micron: -6,
  microns: -6,
  nm: -9,
  A: -10,
  Å: -10,
  angstrom: -10,
  Angstrom: -10,
  s: 0,
  sec: 0,
  ms: -3,
  us: -6,
  ns: -9,
  eV: 0,
  keV: 3,
};

/**
 * "1.0 A" → 1e-10; "0.2" with `defaultUnit` "m" → 0.2. Null when the value is not
 * `<number> [unit]` or the unit is unknown.
 */
export function parseWithUnit(s: string, defaultUnit = ""): number | null {
  const m = /^\s*([+-]?(?:\d+\.?\d*|\.\d+))(?:[eE]([+-]?\d+))?\s*([A-Za-zµÅ]*)\.?\s*$/.exec(s);
  if (!m) return null;
  const unit = m[3] || defaultUnit;
  const e = unit === "" ? 0 : UNIT_EXP10[unit];
  return e === undefined ? null : Number(`${m[1]}e${Number(m[2] ?? 0) + e}`);
}

/**
 * Keys that describe how some file stored its pixels (CBF MIME and CIF items, EDF layout keys,
 * TIFF's raw ImageDescription whose "# …" lines are already parsed into keys). They are stale once
 * the frame is written elsewhere, so writers regenerate or drop them.
 */
export function isBookkeepingKey(key: string): boolean {
  const k = key.toUpperCase();
  return (
    k.startsWith("_") ||
    k.startsWith("X-BINARY-") ||
    k.startsWith("CONTENT-") ||
    k === "CONVERSIONS" ||
    k.startsWith("EDF_") ||
    /^DIM_\d+$/.test(k) ||
    ["HEADERID", "IMAGE", "BYTEORDER", "DATATYPE", "SIZE", "COMPRESSION", "IMAGEDESCRIPTION"].includes(k)
  );
}

/** Round away binary noise from unit conversions (1.0332e-10 * 1e10 → 1.0332) for writing. */
export function tidy(x: number): string {
  return String(Number(x.toPrecision(12)));
}

/**
 * Parse Pilatus header lines ("# Key value unit", separators ':' or '=' optional).
 * The free-text lines that carry no key get names: the date line → "Date", the
 * "Silicon sensor, thickness 0.000450 m" line → "Sensor".
 */
export function parsePilatusHeader(text: string): Metadata {
  const meta: Metadata = {};
  for (const rawLine of text.split(/\r?\n|\r/)) {
    const line = rawLine.replace(/\0+$/, "").trim();
    if (!line.startsWith("#")) continue;
    const body = line.replace(/^#+\s*/, "");
    if (body === "") continue;
    if (/^\d{4}[-/]\d{2}[-/]\d{2}/.test(body)) {
      meta["Date"] = body;
      continue;
    }
    if (/\bsensor,\s*thickness\b/i.test(body)) {
      meta["Sensor"] = body;
      const t = /thickness\s+(\S+)\s*(\S*)/i.exec(body);
      const v = t ? parseWithUnit(`${t[1]} ${t[2]}`, "m") : null;
      if (v !== null) meta["sensorThicknessM"] = v;
      continue;
    }
    const m = /^([A-Za-z][\w-]*)\s*[:=]?\s*(.*)$/.exec(body);
    if (!m) continue;
    const key = m[1]!;
    const value = m[2]!.trim();
    meta[key] = coerce(value);
    normalizePilatusValue(meta, key, value);
  }
  return meta;
}

function normalizePilatusValue(meta: Metadata, key: string, value: string): void {
  switch (key) {
    case "Exposure_time":
    case "Exposure_period": {
      const v = parseWithUnit(value, "s");
      if (v !== null) meta[key === "Exposure_time" ? KEY.exposureTimeS : KEY.exposurePeriodS] = v;
      break;
    }
    case "Wavelength": {
      // The Pilatus manual specifies Å for this line.
      const v = parseWithUnit(value, "A");
      if (v !== null) meta[KEY.wavelengthM] = v;
      break;
    }
    case "Detector_distance": {
      const v = parseWithUnit(value, "m");
      if (v !== null) meta[KEY.distanceM] = v;
      break;
    }
    case "Pixel_size": {
      // "172e-6 m x 172e-6 m": first the fast (x, column) size, then the slow (y, row) size.
      const parts = value.split(/\s+x\s+/i);
      const x = parts[0] !== undefined ? parseWithUnit(parts[0], "m") : null;
      const y = parts[1] !== undefined ? parseWithUnit(parts[1], "m") : x;
      if (x !== null && y !== null) {
        meta[KEY.pixel2M] = x;
        meta[KEY.pixel1M] = y;
      }
      break;
    }
    case "Beam_xy": {
      const m = /\(?\s*([-+\d.eE]+)\s*,\s*([-+\d.eE]+)\s*\)?/.exec(value);
      const x = m ? parseNumber(m[1]!) : null;
      const y = m ? parseNumber(m[2]!) : null;
      if (x !== null && y !== null) {
        meta[KEY.beamXPx] = x;
        meta[KEY.beamYPx] = y;
      }
      break;
    }
  }
}

/**
 * Pilatus header lines ("# Key value") for `meta`: the normalized SI values are written back in
 * the manual's units (they win over a stale raw value of the same line); other string/number
 * entries are written as "# Key value". Bookkeeping keys (isBookkeepingKey) and keys for which
 * `skip` is true are left out. Every line has at least two words, because fabio's Pilatus
 * header parser indexes the second word of each line.
 */
export function pilatusHeaderLines(meta: Metadata, skip: (key: string) => boolean = () => false): string[] {
  const lines: string[] = [];
  const num = (k: string) => (typeof meta[k] === "number" ? (meta[k] as number) : undefined);
  const done = new Set<string>();
  const put = (key: string, line: string) => {
    lines.push(line);
    done.add(key);
  };

  if (typeof meta["Detector"] === "string" || typeof meta["Detector"] === "number") {
    put("Detector", `# Detector: ${meta["Detector"]}`);
  }
  if (meta["Date"] !== undefined) put("Date", `# ${meta["Date"]}`);
  const p1 = num(KEY.pixel1M);
  const p2 = num(KEY.pixel2M);
  if (p1 !== undefined && p2 !== undefined) put("Pixel_size", `# Pixel_size ${tidy(p2)} m x ${tidy(p1)} m`);
  if (meta["Sensor"] !== undefined) put("Sensor", `# ${meta["Sensor"]}`);
  const et = num(KEY.exposureTimeS);
  if (et !== undefined) put("Exposure_time", `# Exposure_time ${tidy(et)} s`);
  const ep = num(KEY.exposurePeriodS);
  if (ep !== undefined) put("Exposure_period", `# Exposure_period ${tidy(ep)} s`);
  const wl = num(KEY.wavelengthM);
  if (wl !== undefined) put("Wavelength", `# Wavelength ${tidy(wl * 1e10)} A`);
  const d = num(KEY.distanceM);
  if (d !== undefined) put("Detector_distance", `# Detector_distance ${tidy(d)} m`);
  const bx = num(KEY.beamXPx);
  const by = num(KEY.beamYPx);
  if (bx !== undefined && by !== undefined) put("Beam_xy", `# Beam_xy (${tidy(bx)}, ${tidy(by)}) pixels`);

  for (const [key, value] of Object.entries(meta)) {
    if (done.has(key) || NORMALIZED.has(key) || key === "sensorThicknessM" || isBookkeepingKey(key)) continue;
    if (skip(key)) continue;
    const v = String(value)
      .replace(/[\r\n]+/g, " ")
      .trim();
    if (v === "" || !/^[A-Za-z][\w-]*$/.test(key)) continue;
    lines.push(`# ${key} ${v}`);
  }
  return lines;
}
