/**
 * live_status.csv (schema.ts RESULTS.liveStatus): written by a following run after each batch and
 * read by the viewer's lag indicator. Written to a temporary name and renamed, so a reader never
 * sees half a row.
 */
import { rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { InputError } from "../util/index.js";
import { csv, csvLine, readCsv } from "./csv.js";
import { columnsOf, RESULTS } from "./schema.js";

export type LiveState = "following" | "stopped" | "finished";

export interface LiveStatus {
  /** When the row was written [Unix s]. */
  updatedS: number;
  state: LiveState;
  framesLogged: number;
  framesReduced: number;
  /** The newest reduced frame's time [Unix s] (as frames.csv); NaN before the first. */
  newestFrameS: number;
  /** When its file was found complete on disk [Unix s, this computer's clock]; NaN before the first. */
  newestLandedS: number;
}

const iso = (s: number) => (Number.isFinite(s) ? new Date(s * 1000).toISOString() : "");

/** The file's text for one status. */
export function liveStatusCsv(s: LiveStatus): string {
  const lag = s.updatedS - s.newestLandedS;
  return csv([
    csvLine(columnsOf(RESULTS.liveStatus)),
    csvLine([
      iso(s.updatedS),
      s.state,
      s.framesLogged,
      s.framesReduced,
      iso(s.newestFrameS),
      iso(s.newestLandedS),
      Number.isFinite(lag) ? lag : Number.NaN,
    ]),
  ]);
}

/** Replace `dir`/live_status.csv with `s` (atomically). */
export async function writeLiveStatus(dir: string, s: LiveStatus): Promise<void> {
  const file = join(dir, RESULTS.liveStatus.path);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, liveStatusCsv(s));
  await rename(tmp, file);
}

/** The status in `dir`, or null when there is none (a run that did not follow). */
export async function readLiveStatus(dir: string): Promise<LiveStatus | null> {
  const file = join(dir, RESULTS.liveStatus.path);
  let t: Awaited<ReturnType<typeof readCsv>>;
  try {
    t = await readCsv(file);
  } catch (err) {
    if (err instanceof InputError && err.message.endsWith("not found")) return null;
    throw err;
  }
  const row = t.rows[0];
  if (!row) throw new InputError(file, "no status row");
  const get = (name: string) => row[t.header.indexOf(name)] ?? "";
  const time = (name: string) => (get(name) === "" ? Number.NaN : Date.parse(get(name)) / 1000);
  const state = get("state");
  if (state !== "following" && state !== "stopped" && state !== "finished")
    throw new InputError(file, `state "${state}" is not following, stopped or finished`);
  return {
    updatedS: time("updated"),
    state,
    framesLogged: Number(get("frames_logged")),
    framesReduced: Number(get("frames_reduced")),
    newestFrameS: time("newest_frame_time"),
    newestLandedS: time("newest_frame_landed"),
  };
}
