/**
 * Neware `.nda` binaries of file version 29 (BTS 7.x).
 *
 * Layout (little-endian), as described by NewareNDA (d-cogswell/NewareNDA, BSD-3-Clause: read to
 * learn the format, no code taken) and checked record by record against its export of the one public
 * file (test/fixtures/echem/neware_new_nda_file.nda, `neware-binary.test.ts`):
 *
 *   0x00  "NEWARE"; byte 14 = 29. The header's length varies (it holds the step plan, the server and
 *         client versions "BTSServer…", the operator): its u32 at 0x40 is the offset of the first
 *         record, and the u32 at 0x44 the bytes of records when the file was closed.
 *   then  86-byte records to the end of the file. A data record:
 *         0 = 0x55 0x00, 2 index u32, 6 cycle u32 (from 0), 10 step index u16, 12 work-state code u8,
 *         13 step number u8 (+1 with each step run), 14 step time u64 [ms], 22 voltage i32 [0.1 mV],
 *         26 current i32, 38 charge and 46 discharge capacity i64 (current units × s), 54 and 62
 *         energies, 70 the local wall-clock time (year u16, month, day, hour, minute, second u8: no
 *         zone, whole seconds), 78 the channel's current range i32 (gives the current units, see
 *         `rangeUnitMA`), 82 four zero bytes.
 *         Other records (0xAA 0x00, repeating a nearby record's index; 0x65, auxiliary channels) are
 *         skipped and counted.
 */
import { InputError } from "../util/errors.js";
import type { NdaColumns } from "./neware-columns.js";

export const NDA29_RECORD = 86;
const DATA = 0x55;
const FIRST_RECORD_AT = 0x40;

/**
 * mA per count of current (and mA·s per count of capacity) for each current range the channel
 * reports; ranges by their stored value. Facts from NewareNDA's `multiplier_dict`: positive ranges
 * step the unit by decades at 10, 100 and 1000, negative ones sit a decade lower, and 0 (no range)
 * gives no current.
 */
const RANGE_UNITS: ReadonlyArray<readonly [number, readonly number[]]> = [
  [1e-5, [-1, -2, -5]],
  [1e-4, [-10, -20, -25, -50, 1, 2, 5]],
  [1e-3, [-100, -500, 10, 20, 25, 50]],
  [1e-2, [-1000, -2000, -3000, -5000, -6000, -10000, -12000, -20000, -30000, -40000, -50000]],
  [1e-2, [-60000, -100000, -200000, 100, 200, 250, 500]],
  [1e-1, [1000, 6000, 10000, 12000, 20000, 30000, 40000, 50000, 60000, 100000, 200000]],
  [10, [-100000000]],
  [0, [0]],
];

const UNIT_OF_RANGE: ReadonlyMap<number, number> = new Map(
  RANGE_UNITS.flatMap(([unit, ranges]) => ranges.map((r) => [r, unit] as const)),
);

/** mA per count for a stored current range; undefined for a range no file has shown. */
export function rangeUnitMA(range: number): number | undefined {
  return UNIT_OF_RANGE.get(range);
}

function isDataRecord(bytes: Uint8Array, view: DataView, p: number): boolean {
  return (
    bytes[p] === DATA &&
    bytes[p + 1] === 0 &&
    view.getUint32(p + 82, true) === 0 &&
    view.getUint32(p + 2, true) !== 0 &&
    bytes[p + 12] !== 0
  );
}

/**
 * Where the records start: the header's pointer when it points at a record; else the first data
 * record followed by another record (a header laid out differently), searched after the pointer's field.
 */
function firstRecord(bytes: Uint8Array, view: DataView): { at: number; how: string } | null {
  const end = bytes.length;
  if (end >= FIRST_RECORD_AT + 4) {
    const at = view.getUint32(FIRST_RECORD_AT, true);
    const lead = bytes[at];
    if (at >= FIRST_RECORD_AT + 8 && at + NDA29_RECORD <= end && (lead === DATA || lead === 0xaa)) {
      if (bytes[at + 1] === 0) return { at, how: "header" };
    }
  }
  for (let p = FIRST_RECORD_AT + 8; p + NDA29_RECORD <= end; p++) {
    if (!isDataRecord(bytes, view, p)) continue;
    const q = p + NDA29_RECORD;
    if (q === end || (q + NDA29_RECORD <= end && (bytes[q] === DATA || bytes[q] === 0xaa))) {
      return { at: p, how: "search" };
    }
  }
  return null;
}

/** Seconds of the stored local wall-clock time as if it were UTC; NaN for an impossible date. */
function wallClockS(bytes: Uint8Array, view: DataView, p: number): number {
  const year = view.getUint16(p, true);
  const [month, day, hour, minute, second] = [
    bytes[p + 2]!,
    bytes[p + 3]!,
    bytes[p + 4]!,
    bytes[p + 5]!,
    bytes[p + 6]!,
  ];
  if (year < 1990 || year > 2200 || month < 1 || month > 12 || day < 1 || day > 31) return Number.NaN;
  if (hour > 23 || minute > 59 || second > 59) return Number.NaN;
  return Date.UTC(year, month - 1, day, hour, minute, second) / 1000;
}

const LATIN1 = new TextDecoder("latin1");

/** The NUL-terminated ASCII text that starts with `prefix` in the header (before `end`), if any. */
function headerString(bytes: Uint8Array, prefix: string, end: number): string | null {
  const head = LATIN1.decode(bytes.subarray(0, end));
  const at = head.indexOf(prefix);
  if (at < 0) return null;
  const stop = head.indexOf("\0", at);
  return head.slice(at, stop < 0 ? Math.min(head.length, at + 64) : Math.min(stop, at + 64)).trim();
}

/** Read the records of a version-29 file into `cols`; returns metadata (record offset, skipped records). */
export function readNda29Records(
  bytes: Uint8Array,
  view: DataView,
  file: string,
  cols: NdaColumns,
): Record<string, string | number> {
  const start = firstRecord(bytes, view);
  if (!start) throw new InputError(file, "Neware .nda (version 29) without data records");
  const { at } = start;
  let skipped = 0;
  let p = at;
  for (; p + NDA29_RECORD <= bytes.length; p += NDA29_RECORD) {
    if (!isDataRecord(bytes, view, p)) {
      skipped++;
      continue;
    }
    const range = view.getInt32(p + 78, true);
    const unit = rangeUnitMA(range);
    if (unit === undefined) {
      throw new InputError(
        file,
        `Neware .nda (version 29): unknown current range ${range} in record ${view.getUint32(p + 2, true)}; export it as CSV from BTSDA and read that`,
      );
    }
    const r = cols.next();
    cols.index[r] = view.getUint32(p + 2, true);
    cols.cycle[r] = view.getUint32(p + 6, true) + 1;
    cols.stepIndex[r] = view.getUint16(p + 10, true);
    // Step index, state and step number together: a new step when any of them changes.
    cols.stepKey[r] = view.getUint32(p + 10, true);
    cols.statusCode[r] = bytes[p + 12]!;
    cols.stepTimeS[r] = Number(view.getBigUint64(p + 14, true)) / 1000;
    cols.voltageV[r] = view.getInt32(p + 22, true) / 10_000;
    cols.currentMA[r] = view.getInt32(p + 26, true) * unit;
    cols.chargeMAh[r] = (Number(view.getBigInt64(p + 38, true)) * unit) / 3600;
    cols.dischargeMAh[r] = (Number(view.getBigInt64(p + 46, true)) * unit) / 3600;
    cols.unixTimeS[r] = wallClockS(bytes, view, p + 70);
  }
  if (p < bytes.length) {
    throw new InputError(
      file,
      `truncated .nda: the last record is cut (${bytes.length - p} of ${NDA29_RECORD} bytes)`,
    );
  }
  const metadata: Record<string, string | number> = {
    "BTS version": "7.x",
    "records at": at,
    "records found by": start.how === "header" ? "header pointer (0x40)" : "search",
  };
  const server = headerString(bytes, "BTSServer", at);
  if (server) metadata["BTS server"] = server;
  if (skipped > 0) metadata["records skipped (not data)"] = skipped;
  return metadata;
}
