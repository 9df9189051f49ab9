/**
 * A date-time as beamline files write it, to Unix seconds (UTC): ISO 8601 with a zone
 * (`2024-05-14T10:02:03.25+02:00`, Bliss's `start_time`) stands alone; ISO 8601 without one
 * (`2019-05-12T10:11:12.123`, a Pilatus header) and C's asctime (`Tue May 14 08:00:00 2024`, SPEC's
 * `#D`, an EDF `time`) are the beamline's local time and need its zone.
 */
import { localAsUtcS, localToUtcS, parseAbsoluteTime } from "../echem/timezone.js";
import { clip, InputError } from "../util/errors.js";
import { specDateWallS } from "./spec-time.js";

const ZONED = /(Z|[+-]\d{2}:?\d{2})$/i;
const ISO_LOCAL = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}([.,]\d+)?)?$/;

/**
 * `text` [Unix s]; `what` names it in messages ("scan 1.1 start_time"); `timezone` (IANA name or
 * ±HH:MM) is needed only for local times.
 */
export function clockTextS(text: string, timezone: string | undefined, file: string, what: string): number {
  const t = text.trim().replace(/\0+$/, "");
  const local = ISO_LOCAL.test(t) ? localAsUtcS(t.replace(",", "."), file) : specDateWallS(t);
  if (local === null) {
    if (ZONED.test(t)) {
      try {
        return parseAbsoluteTime(t, file);
      } catch {
        // not ISO 8601 after all: said below
      }
    }
    throw new InputError(
      file,
      `${what} "${clip(t, 40)}" is not a date-time (ISO 8601 like 2024-05-14T10:02:03+02:00, or like Tue May 14 10:02:03 2024)`,
    );
  }
  if (timezone === undefined)
    throw new InputError(
      file,
      `${what} "${clip(t, 40)}" is the beamline's local time: give its time zone (--timezone Europe/Paris or +01:00)`,
    );
  try {
    return localToUtcS(local, timezone, file);
  } catch (err) {
    if (err instanceof InputError && err.file === "") throw new InputError(file, err.message);
    throw err;
  }
}
