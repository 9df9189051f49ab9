/**
 * Cyclers write wall-clock time without a zone; scan logs write UTC or an offset. This turns a
 * cycler's local time into UTC given what the user states: an IANA zone ("Europe/Berlin", DST
 * included), a fixed offset ("+01:00", "-0530", "UTC", "Z"), or a clock offset in seconds.
 */
import { InputError } from "../util/errors.js";

/** How to read the cycler's clock. */
export type CyclerClock = { timezone: string } | { clockOffsetS: number };

/** ISO 8601 local date-time; the seconds' fraction after a point or (ISO 8601 allows it) a comma. */
const LOCAL_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})([.,]\d+)?)?$/;
const OFFSET_RE = /^([+-])(\d{2}):?(\d{2})$/;

/** Wall-clock fields read as if they were UTC, in seconds (fractions kept). */
export function localAsUtcS(local: string, file = ""): number {
  const m = LOCAL_RE.exec(local.trim());
  if (!m) throw new InputError(file, `cannot read the date-time "${local}" (expected YYYY-MM-DDTHH:MM:SS)`);
  const [, y, mo, d, h, mi, s, frac] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  return ms / 1000 + (frac ? Number(frac.replace(",", ".")) : 0);
}

/** A fixed offset in seconds east of UTC, or null when `tz` is not one ("UTC", "Z", "+01:00", "-0530"). */
export function fixedOffsetS(tz: string): number | null {
  const t = tz.trim();
  if (/^(utc|gmt|z)$/i.test(t)) return 0;
  const m = OFFSET_RE.exec(t.replace(/^(utc|gmt)/i, ""));
  if (!m) return null;
  const s = (Number(m[2]) * 60 + Number(m[3])) * 60;
  return m[1] === "-" ? -s : s;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat("en-US", {
        timeZone: tz,
        hourCycle: "h23",
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
      });
    } catch {
      throw new InputError(
        "",
        `unknown time zone "${tz}" (use an IANA name such as Europe/Berlin, or an offset such as +01:00)`,
      );
    }
    formatters.set(tz, f);
  }
  return f;
}

/** Offset of zone `tz` from UTC at instant `utcS` [s east of UTC]. */
export function zoneOffsetS(tz: string, utcS: number): number {
  const fixed = fixedOffsetS(tz);
  if (fixed !== null) return fixed;
  const whole = Math.floor(utcS);
  const parts = Object.fromEntries(
    zoneFormatter(tz)
      .formatToParts(new Date(whole * 1000))
      .map((p) => [p.type, p.value]),
  );
  const wall =
    Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!) /
    1000;
  return wall - whole;
}

/**
 * UTC [Unix s] of a wall-clock reading in zone `tz`. Around a DST change an ambiguous reading
 * (the repeated hour) takes the earlier instant; a reading in the skipped hour is moved forward.
 */
export function localToUtcS(local: string | number, tz: string, file = ""): number {
  const wall = typeof local === "number" ? local : localAsUtcS(local, file);
  // offsets a day either side cover any DST change; keep the candidates that map back to `wall`
  const before = zoneOffsetS(tz, wall - 86400);
  const after = zoneOffsetS(tz, wall + 86400);
  const valid = [wall - before, wall - after].filter((c) => c + zoneOffsetS(tz, c) === wall);
  return valid.length ? Math.min(...valid) : wall - before;
}

/** UTC [Unix s] of a cycler wall-clock reading, by the stated clock. */
export function cyclerToUtcS(local: string | number, clock: CyclerClock, file = ""): number {
  if ("clockOffsetS" in clock) {
    const wall = typeof local === "number" ? local : localAsUtcS(local, file);
    return wall - clock.clockOffsetS;
  }
  return localToUtcS(local, clock.timezone, file);
}

/** Parse a scan-log time: ISO 8601 with a zone ("…Z", "…+02:00"), or Unix seconds. No zone → error. */
export function parseAbsoluteTime(text: string, file = ""): number {
  const t = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  const m = /^(.*?)(Z|[+-]\d{2}:?\d{2})$/i.exec(t);
  if (!m || !LOCAL_RE.test(m[1]!)) {
    throw new InputError(
      file,
      `time "${text}" has no time zone (write ISO 8601 with Z or ±HH:MM, or Unix seconds)`,
    );
  }
  return localAsUtcS(m[1]!, file) - (fixedOffsetS(m[2]!) ?? 0);
}

/** ISO 8601 UTC text with milliseconds. */
export function isoUtc(unixS: number): string {
  return new Date(Math.round(unixS * 1000)).toISOString();
}
