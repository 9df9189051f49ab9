/**
 * What a scan log needs from each frame's own header, when the frames are the only record of the
 * scan: positions, counters, the time and the exposure. The headers are read by formats/ (EDF,
 * CBF, … as `metadata`: every key as written, numbers where the whole value is one); here they
 * are only looked up:
 *
 * - ESRF EDF headers as SPEC and Lima write them: `motor_mne` / `motor_pos` and `counter_mne` /
 *   `counter_pos`, parallel space-separated lists of names and values; any other key by name;
 *   the time as `time_of_day` (Unix seconds, gettimeofday) or `time` (asctime, local);
 * - Pilatus miniCBF headers: the `# 2019-05-12T10:11:12.123` line (`Date`, local time) and
 *   `# Exposure_time 1.0 s` (formats/ gives it in seconds as `exposureTimeS`).
 */
import { type Metadata, openFrames } from "../formats/index.js";
import { clip } from "../util/errors.js";
import { clockTextS } from "./clock-text.js";
import { printfNumber } from "./scan-table.js";

export interface FrameHeader {
  /** The frame file, absolute. */
  file: string;
  /** Its place in the file (0 unless a multi-frame EDF). */
  frame: number;
  meta: Metadata;
}

/** Every frame's header in `file` (a multi-frame EDF has one per frame). */
export async function readFrameHeaders(file: string): Promise<FrameHeader[]> {
  const src = await openFrames(file);
  try {
    if (src.frameCount === 1) return [{ file, frame: 0, meta: src.metadata }];
    const out: FrameHeader[] = [];
    // each frame's own header comes with its pixels: read one at a time, kept only the header
    for (let i = 0; i < src.frameCount; i++)
      out.push({ file, frame: i, meta: (await src.readFrame(i)).metadata });
    return out;
  } finally {
    src.close();
  }
}

/** A header key, whatever its case (EDF keys are case-insensitive). */
function lookup(meta: Metadata, key: string): string | number | undefined {
  if (Object.hasOwn(meta, key)) return meta[key];
  const k = key.toLowerCase();
  for (const [name, v] of Object.entries(meta)) if (name.toLowerCase() === k) return v;
  return undefined;
}

/** Names and values of a `*_mne` / `*_pos` pair, or empty lists. */
function pairs(meta: Metadata, kind: "motor" | "counter"): { names: string[]; values: string[] } {
  const split = (v: string | number | undefined) => (v === undefined ? [] : String(v).trim().split(/\s+/));
  return { names: split(lookup(meta, `${kind}_mne`)), values: split(lookup(meta, `${kind}_pos`)) };
}

/** A value by name: a motor, a counter, else a header key; `NaN` when it is there but not a number; null when absent. */
export function headerValue(meta: Metadata, name: string): number | null {
  for (const kind of ["motor", "counter"] as const) {
    const { names, values } = pairs(meta, kind);
    const i = names.indexOf(name);
    if (i >= 0) return i < values.length ? (printfNumber(values[i]!) ?? Number.NaN) : Number.NaN;
  }
  const v = lookup(meta, name);
  if (v === undefined) return null;
  if (typeof v === "number") return v;
  // "1.0 s", "4024 eV": the number as written (the unit is not converted)
  const m = /^\s*(\S+)(\s+[A-Za-zµ°%/.]+)?\s*$/.exec(v);
  return (m && printfNumber(m[1]!)) ?? Number.NaN;
}

/** How a file stored its pixels (EDF layout, CBF's MIME and CIF items): not worth listing. */
const BOOKKEEPING =
  /^(_|x-binary-|content-|edf_|dim_\d+$|(byteorder|datatype|image|headerid|size|compression)$)/i;

/** The names a header offers, for a "no such name" message. */
export function headerListing(meta: Metadata): string {
  const motors = pairs(meta, "motor").names;
  const counters = pairs(meta, "counter").names;
  const keys = Object.keys(meta).filter(
    (k) => !/^(motor|counter)_(mne|pos)$/i.test(k) && !BOOKKEEPING.test(k),
  );
  const parts = [
    motors.length ? `motors: ${motors.join(", ")}` : "",
    counters.length ? `counters: ${counters.join(", ")}` : "",
    `keys: ${keys.join(", ")}`,
  ];
  return clip(parts.filter((p) => p).join("; "), 240);
}

/** When the frame was taken [Unix s] and from which key, or null when the header says nothing. */
export function headerTime(
  meta: Metadata,
  timezone: string | undefined,
  file: string,
): { timeS: number; from: string } | null {
  const tod = lookup(meta, "time_of_day");
  if (typeof tod === "number") return { timeS: tod, from: "time_of_day" };
  for (const key of ["time_of_day", "time", "Date"]) {
    const v = lookup(meta, key);
    if (typeof v === "string" && v.trim() !== "")
      return { timeS: clockTextS(v, timezone, file, `header ${key}`), from: key };
  }
  return null;
}

/** The exposure the header states [s], or null. */
export function headerExposureS(meta: Metadata): number | null {
  const v = meta["exposureTimeS"];
  return typeof v === "number" && v > 0 ? v : null;
}
