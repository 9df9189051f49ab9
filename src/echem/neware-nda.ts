/**
 * Neware BTS `.nda` binaries, file version 130 (BTS 9.0 and 9.1) here, and version 29 (BTS 7.x) in
 * `neware-nda29.ts`; the two share the table built at the end.
 *
 * Layout (little-endian), as described by NewareNDA (d-cogswell/NewareNDA, BSD-3-Clause: read to
 * learn the format, no code taken) and checked record by record against its export of the same
 * files (test/fixtures/echem, `neware-binary.test.ts`):
 *
 *   0x00  "NEWARE"; byte 14 = file version (29 or 130); in version 130 the header runs to 0x400.
 *   0x400 fixed-length records to the end of the file or to a record starting with 0x81 (the footer:
 *         the step plan, active mass, remarks; a file cut or still being written has none).
 *
 * BTS 9.1 (first record byte 0x55): records of 56 bytes (the length is that of the first record:
 *   the distance to the next record with the same two leading bytes). Byte 0 = 0x55, 2 step index
 *   u8, 3 work-state code u8, 8 index u32, 12 step time s u32 + 16 ns u32, 20 current f32 [mA],
 *   24 voltage f32 [V], 28 capacity f32 [mA·s, signed: > 0 charge, < 0 discharge], 32 energy f32,
 *   36 cycle u32 (from 0), 44 Unix time s u32 + 48 ns u32 (UTC), 52 temperature f32 [°C].
 * BTS 9.0 (otherwise): records of 88 bytes; a data record starts with the same 6 bytes as the first
 *   record (4 bytes, then 0x55 and a kind byte), an auxiliary-channel record with 00 00 00 00 65.
 *   In a data record: 9 step index u8, 10 work-state code u8, 16 index u32, 28 step time u64 [µs],
 *   36 voltage f32 [V], 40 current f32 [mA], 52 charge capacity f32 [mA·s], 56 charge energy,
 *   60 discharge capacity f32 [mA·s], 64 discharge energy, 68 Unix time u64 [µs, UTC]. No cycle.
 * Records with any other leading bytes (padding, auxiliary channels) are skipped and counted.
 */
import { InputError } from "../util/errors.js";
import { countChanges, type NewareTable, newareRecords, statusName } from "./neware-binary.js";
import { NdaColumns, pickRows } from "./neware-columns.js";
import { readNda29Records } from "./neware-nda29.js";
import type { CyclerRecords } from "./types.js";

const MAGIC = "NEWARE";
const HEADER_BYTES = 1024;
const FOOTER_BYTE = 0x81;
const BTS91_FIRST = 0x55;
const BTS90_RECORD = 88;

export function isNda(bytes: Uint8Array): boolean {
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC.charCodeAt(i)) return false;
  return bytes.length >= MAGIC.length;
}

/** The 9.1 record length: the distance from the first record to the next with the same two leading bytes. */
function bts91RecordLength(bytes: Uint8Array, file: string): number {
  for (let len = 52; len <= 256 && HEADER_BYTES + len + 1 < bytes.length; len++) {
    const p = HEADER_BYTES + len;
    if (bytes[p] === bytes[HEADER_BYTES] && bytes[p + 1] === bytes[HEADER_BYTES + 1]) return len;
  }
  // A file of a single record: the 56 bytes of every BTS 9.1 file seen.
  if (bytes.length - HEADER_BYTES === 56) return 56;
  throw new InputError(
    file,
    "Neware .nda (BTS 9.1): cannot find the second record to learn the record length",
  );
}

/** Read the records of a version-130 file into `cols`; returns metadata. */
function readNda130Records(
  bytes: Uint8Array,
  view: DataView,
  file: string,
  cols: NdaColumns,
): Record<string, string | number> {
  if (bytes.length <= HEADER_BYTES)
    throw new InputError(file, "truncated .nda: no records after the 1024-byte header");
  const bts91 = bytes[HEADER_BYTES] === BTS91_FIRST;
  const recordLength = bts91 ? bts91RecordLength(bytes, file) : BTS90_RECORD;
  let skipped = 0;
  let footer = false;
  let p = HEADER_BYTES;
  for (; p + recordLength <= bytes.length; p += recordLength) {
    if (bytes[p] === FOOTER_BYTE) {
      footer = true;
      break;
    }
    if (bts91) {
      if (bytes[p] !== BTS91_FIRST) {
        skipped++;
        continue;
      }
      const r = cols.next();
      cols.stepIndex[r] = bytes[p + 2]!;
      cols.statusCode[r] = bytes[p + 3]!;
      cols.index[r] = view.getUint32(p + 8, true);
      cols.stepTimeS[r] = view.getUint32(p + 12, true) + view.getUint32(p + 16, true) * 1e-9;
      cols.currentMA[r] = view.getFloat32(p + 20, true);
      cols.voltageV[r] = view.getFloat32(p + 24, true);
      const capacity = view.getFloat32(p + 28, true) / 3600;
      cols.chargeMAh[r] = Math.max(capacity, 0);
      cols.dischargeMAh[r] = Math.max(-capacity, 0);
      cols.cycle[r] = view.getUint32(p + 36, true) + 1;
      cols.unixTimeS[r] = view.getUint32(p + 44, true) + view.getUint32(p + 48, true) * 1e-9;
    } else {
      let same = true;
      for (let k = 0; k < 6 && same; k++) same = bytes[p + k] === bytes[HEADER_BYTES + k];
      if (!same) {
        skipped++;
        continue;
      }
      const r = cols.next();
      cols.stepIndex[r] = bytes[p + 9]!;
      cols.statusCode[r] = bytes[p + 10]!;
      cols.index[r] = view.getUint32(p + 16, true);
      cols.stepTimeS[r] = Number(view.getBigUint64(p + 28, true)) / 1e6;
      cols.voltageV[r] = view.getFloat32(p + 36, true);
      cols.currentMA[r] = view.getFloat32(p + 40, true);
      cols.chargeMAh[r] = view.getFloat32(p + 52, true) / 3600;
      cols.dischargeMAh[r] = view.getFloat32(p + 60, true) / 3600;
      cols.unixTimeS[r] = Number(view.getBigUint64(p + 68, true)) / 1e6;
    }
  }
  if (!footer && p < bytes.length) {
    throw new InputError(
      file,
      `truncated .nda: the last record is cut (${bytes.length - p} of ${recordLength} bytes)`,
    );
  }
  cols.stepKey.set(cols.stepIndex.subarray(0, cols.n));
  const metadata: Record<string, string | number> = {
    "BTS version": bts91 ? "9.1" : "9.0",
    "record bytes": recordLength,
    footer: footer ? "present" : "absent (file cut or still being written)",
  };
  if (skipped > 0) metadata["records skipped (not data)"] = skipped;
  return metadata;
}

/** Read an .nda file into a Neware table. */
export function parseNdaTable(bytes: Uint8Array, file: string): NewareTable {
  if (!isNda(bytes)) throw new InputError(file, 'not a Neware .nda file (no "NEWARE" signature)');
  if (bytes.length < 15) throw new InputError(file, "truncated .nda: the header is cut");
  const version = bytes[14]!;
  if (version !== 130 && version !== 29) {
    throw new InputError(
      file,
      `Neware .nda file version ${version} is not supported (only versions 29, BTS 7.x, and 130, BTS 9.x); export it as CSV from BTSDA and read that`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const cols = new NdaColumns();
  const read =
    version === 29 ? readNda29Records(bytes, view, file, cols) : readNda130Records(bytes, view, file, cols);
  if (cols.n === 0) throw new InputError(file, "Neware .nda without data records");
  const n = cols.n;
  // Records are stored in index order; a repeated index (a record written twice) keeps the first.
  const keep: number[] = [];
  for (let r = 0; r < n; r++) {
    const prev = keep.length > 0 ? cols.index[keep[keep.length - 1]!]! : -1;
    if (cols.index[r]! > prev) keep.push(r);
    else if (cols.index[r]! < prev) {
      throw new InputError(file, `corrupt .nda: record index ${cols.index[r]} after ${prev}`);
    }
  }
  const metadata: Record<string, string | number> = { "nda version": version, ...read };
  if (keep.length < n) metadata["duplicate records dropped"] = n - keep.length;
  // BTS 9.0 records store no cycle.
  const hasCycle = version === 29 || read["BTS version"] === "9.1";
  return {
    n: keep.length,
    index: pickRows(cols.index, keep),
    cycle: hasCycle ? pickRows(cols.cycle, keep) : null,
    step: countChanges(pickRows(cols.stepKey, keep)),
    stepIndex: pickRows(cols.stepIndex, keep),
    status: Array.from(pickRows(cols.statusCode, keep), statusName),
    stepTimeS: pickRows(cols.stepTimeS, keep),
    voltageV: pickRows(cols.voltageV, keep),
    currentMA: pickRows(cols.currentMA, keep),
    chargeMAh: pickRows(cols.chargeMAh, keep),
    dischargeMAh: pickRows(cols.dischargeMAh, keep),
    unixTimeS: pickRows(cols.unixTimeS, keep),
    wallClock: version === 29,
    metadata,
  };
}

/** Read an .nda file into cycler records. */
export function parseNda(bytes: Uint8Array, file: string): CyclerRecords {
  return newareRecords(parseNdaTable(bytes, file), file, "neware-nda");
}
