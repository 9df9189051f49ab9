/**
 * When each point of a SPEC scan was counted [Unix s, UTC].
 *
 * SPEC's standard macros write an `Epoch` column: seconds since the file header's `#E` (itself Unix
 * seconds, UTC), taken when the point was counted. That is used whenever both are there. Otherwise
 * the scan's `#D` date (C `asctime` text, the beamline's local time, whole seconds) in the stated
 * time zone, plus the counting time of the earlier points — a lower bound on the true time, since
 * the motor moves between points are not logged.
 */
import { localToUtcS } from "../echem/timezone.js";
import { clip, InputError } from "../util/errors.js";
import { badPoint } from "./scan-table.js";
import { type SpecScan, specColumn } from "./spec.js";

export { badPoint };

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** `Thu Mar 14 10:02:03 2024` (day-of-week optional) → wall-clock seconds read as if UTC, or null. */
export function specDateWallS(text: string): number | null {
  const m = /^(?:[A-Za-z]{3}\s+)?([A-Za-z]{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})\s+(\d{4})\.?$/.exec(
    text.trim(),
  );
  if (!m) return null;
  const month = MONTHS.indexOf(m[1]!.toLowerCase());
  if (month < 0) return null;
  const [d, h, mi, s, y] = [m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  if (d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  return Date.UTC(y, month, d, h, mi, s) / 1000;
}

export interface PointTimes {
  timeS: Float64Array;
  /** How they were found, for the summary. */
  from: "Epoch" | "#D";
}

/**
 * The points' times. `timezone` (IANA name or ±HH:MM) is needed only without an `Epoch` column;
 * `file` names the SPEC file in errors.
 */
export function specPointTimes(scan: SpecScan, timezone: string | undefined, file: string): PointTimes {
  const epoch = specColumn(scan, "Epoch");
  const e = scan.header.epochS;
  if (epoch && e !== null) {
    const timeS = Float64Array.from(epoch, (v) => e + v);
    badPoint(scan, timeS, "Epoch", file);
    return { timeS, from: "Epoch" };
  }
  if (scan.date === null)
    throw new InputError(file, `scan ${scan.key} has neither an Epoch column (with #E) nor a #D date`);
  const wall = specDateWallS(scan.date);
  if (wall === null)
    throw new InputError(
      file,
      `scan ${scan.key}: #D "${clip(scan.date, 40)}" is not a date like Thu Mar 14 10:02:03 2024`,
    );
  if (timezone === undefined)
    throw new InputError(
      file,
      `scan ${scan.key} has no Epoch column: its times come from #D, the beamline's local time; give its time zone (--timezone Europe/Paris or +01:00)`,
    );
  let start: number;
  try {
    start = localToUtcS(wall, timezone, file);
  } catch (err) {
    if (err instanceof InputError && err.file === "") throw new InputError(file, err.message);
    throw err;
  }
  const counted = countingTimes(scan, file);
  const timeS = new Float64Array(scan.points);
  let t = start;
  for (let p = 0; p < scan.points; p++) {
    timeS[p] = t;
    t += counted[p]!;
  }
  return { timeS, from: "#D" };
}

/** Each point's counting time: the `Seconds` (or `Time`) column, else `#T`. */
function countingTimes(scan: SpecScan, file: string): Float64Array {
  const name = specColumn(scan, "Seconds") ? "Seconds" : specColumn(scan, "Time") ? "Time" : null;
  if (name) {
    const c = specColumn(scan, name)!;
    badPoint(scan, c, name, file, (v) => v >= 0, "a counting time ≥ 0");
    return c;
  }
  if (scan.countTimeS === null)
    throw new InputError(
      file,
      `scan ${scan.key} has no Epoch, Seconds or Time column and no #T counting time: its points cannot be timed`,
    );
  return new Float64Array(scan.points).fill(scan.countTimeS);
}
