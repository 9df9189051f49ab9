/**
 * Neware BTS 8 `.ndax` files: a zip archive of XML descriptions (VersionInfo.xml, TestInfo.xml,
 * Step.xml, …) and `.ndc` binaries. Read here: data.ndc (voltage and current of every record),
 * data_runInfo.ndc (times, counters, Unix time, step number of some records), data_step.ndc (cycle,
 * step index and work state of each step), for .ndc versions 14, 16 and 17.
 *
 * .ndc layout (little-endian), as described by NewareNDA (d-cogswell/NewareNDA, BSD-3-Clause: read
 * to learn the format, no code taken) and checked against its export of the same files:
 *   page 0 (4096 bytes): byte 0 = file kind (1 data, 7 step, 18 runInfo, 5 auxiliary, …),
 *     byte 2 = version.
 *   pages 1, 2, … (4096 bytes each): u16 at 2 = records in the page; from 4 a bit per record
 *     (set: the record is valid); records from byte 132, back to back.
 *   data (kind 1), 8-byte records: voltage f32, current f32. Version 14 and 17: V and A; version
 *     16: 0.1 mV and mA. The record index is the position in the file, from 1.
 *   runInfo (kind 18), records of 55 bytes (version 14) or 100 (16, 17): 0 step time i32 [ms],
 *     5 charge and 9 discharge capacity f32, 13/17 energies, 29 record interval i32 [ms],
 *     33 Unix time i32 [s, UTC], 37 step number i32, 41 record index i32, 45 milliseconds i16.
 *     Capacities in A·h (versions 14, 17) or A·s (16).
 *   step (kind 7), records of 37 bytes (version 14) or 100 (16, 17): 0 cycle i32 (from 0),
 *     4 step index i32, 24 work-state code u8; the n-th valid record is step n.
 * The runInfo file lists only some records (where a step starts, and as the cycler chooses): for the
 * others the step time and Unix time advance by the last listed record interval per record, and the
 * counters by that interval × the current, as NewareNDA fills them in.
 */
import { InputError } from "../util/errors.js";
import { countChanges, type NewareTable, newareRecords, statusName } from "./neware-binary.js";
import type { CyclerRecords } from "./types.js";
import { isZip, type ZipMember, zipMembers, zipRead } from "./zip.js";

const PAGE = 4096;
const PAGE_HEADER = 132;

interface NdcFile {
  kind: number;
  version: number;
  /** Byte offsets of the valid records, in order. */
  records: number[];
  /** Each valid record's slot: its place among all record slots of the file, from 0. */
  slots: number[];
  bytes: Uint8Array;
  view: DataView;
}

const RECORD_BYTES: Record<number, Record<number, number>> = {
  1: { 14: 8, 16: 8, 17: 8 },
  7: { 14: 37, 16: 100, 17: 100 },
  18: { 14: 55, 16: 100, 17: 100 },
};

function readNdc(bytes: Uint8Array, member: string, kind: number, file: string): NdcFile {
  const where = `${member} in the .ndax`;
  if (bytes.length < PAGE || bytes.length % PAGE !== 0) {
    throw new InputError(file, `corrupt .ndax: ${where} is ${bytes.length} bytes, not whole 4096-byte pages`);
  }
  const version = bytes[2]!;
  if (bytes[0] !== kind)
    throw new InputError(file, `corrupt .ndax: ${where} is of kind ${bytes[0]}, expected ${kind}`);
  const size = RECORD_BYTES[kind]![version];
  if (size === undefined) {
    throw new InputError(
      file,
      `${where} is .ndc version ${version} (versions 14, 16 and 17 are read); export the test as CSV from BTSDA and read that`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const room = Math.floor((PAGE - PAGE_HEADER) / size);
  const records: number[] = [];
  const slots: number[] = [];
  for (let page = PAGE; page < bytes.length; page += PAGE) {
    const count = view.getUint16(page + 2, true);
    if (count > room) {
      throw new InputError(
        file,
        `corrupt .ndax: ${where} page ${page / PAGE} claims ${count} records (room for ${room})`,
      );
    }
    for (let k = 0; k < count; k++) {
      if ((bytes[page + 4 + (k >> 3)]! >> (k & 7)) & 1) {
        records.push(page + PAGE_HEADER + k * size);
        slots.push((page / PAGE - 1) * room + k);
      }
    }
  }
  return { kind, version, records, slots, bytes, view };
}

/** The attributes of the first element `tag` in an XML text (enough for Neware's one-line elements). */
function xmlAttributes(xml: string, tag: string): Record<string, string> {
  const m = new RegExp(`<${tag}\\s([^>]*)>`).exec(xml);
  const out: Record<string, string> = {};
  if (!m) return out;
  for (const a of m[1]!.matchAll(/([\w.-]+)="([^"]*)"/g)) out[a[1]!] = a[2]!;
  return out;
}

function xmlMetadata(
  text: string | null,
  tag: string,
  keys: string[],
  meta: Record<string, string | number>,
): void {
  if (text === null) return;
  const attrs = xmlAttributes(text, tag);
  for (const k of keys) if (attrs[k] !== undefined && attrs[k] !== "") meta[k] = attrs[k]!;
}

/** Read an .ndax file into a Neware table. */
export function parseNdaxTable(bytes: Uint8Array, file: string): NewareTable {
  if (!isZip(bytes)) throw new InputError(file, "not a Neware .ndax file (not a zip archive)");
  const members = zipMembers(bytes, file);
  const byName = new Map<string, ZipMember>(members.map((m) => [m.name, m]));
  const get = (name: string): Uint8Array => {
    const m = byName.get(name);
    if (!m) {
      throw new InputError(
        file,
        `.ndax without ${name} (members: ${members.map((x) => x.name).join(", ")}); this layout is not read — export the test as CSV from BTSDA`,
      );
    }
    return zipRead(bytes, m, file);
  };
  const text = (name: string): string | null => {
    const m = byName.get(name);
    // Neware declares GB2312; the attributes read here are ASCII.
    return m ? new TextDecoder("latin1").decode(zipRead(bytes, m, file)) : null;
  };

  const data = readNdc(get("data.ndc"), "data.ndc", 1, file);
  const run = readNdc(get("data_runInfo.ndc"), "data_runInfo.ndc", 18, file);
  const steps = readNdc(get("data_step.ndc"), "data_step.ndc", 7, file);
  if (run.version !== data.version || steps.version !== data.version) {
    throw new InputError(
      file,
      `corrupt .ndax: .ndc versions differ (data ${data.version}, runInfo ${run.version}, step ${steps.version})`,
    );
  }
  const version = data.version;

  // Steps: cycle, step index, state, by step number (from 1).
  const stepCycle: number[] = [];
  const stepIndexOf: number[] = [];
  const stepState: string[] = [];
  for (const p of steps.records) {
    const stepIndex = steps.view.getInt32(p + 4, true);
    if (stepIndex === 0) continue;
    stepCycle.push(steps.view.getInt32(p, true) + 1);
    stepIndexOf.push(stepIndex);
    stepState.push(statusName(steps.bytes[p + 24]!));
  }

  // runInfo: by record index.
  const capScale = version === 16 ? 1 / 3600 : 1000;
  interface Run {
    timeS: number;
    chg: number;
    dchg: number;
    dtS: number;
    unixS: number;
    rawStep: number;
  }
  const runs = new Map<number, Run>();
  for (const p of run.records) {
    const v = run.view;
    const index = v.getInt32(p + 41, true);
    if (index === 0 || runs.has(index)) continue;
    runs.set(index, {
      timeS: v.getInt32(p, true) / 1000,
      chg: v.getFloat32(p + 5, true) * capScale,
      dchg: v.getFloat32(p + 9, true) * capScale,
      dtS: v.getInt32(p + 29, true) / 1000,
      unixS: v.getInt32(p + 33, true) + v.getInt16(p + 45, true) / 1000,
      rawStep: v.getInt32(p + 37, true),
    });
  }
  // Step numbers in runInfo count changes of its raw step field, in index order.
  const runIndices = [...runs.keys()].sort((a, b) => a - b);
  const runStep = countChanges(runIndices.map((i) => runs.get(i)!.rawStep));
  const stepOfRun = new Map<number, number>(runIndices.map((i, k) => [i, runStep[k]!]));

  const n = data.records.length;
  if (n === 0) throw new InputError(file, ".ndax without data records");
  const t: NewareTable = {
    n,
    index: new Float64Array(n),
    cycle: new Int32Array(n),
    step: new Int32Array(n),
    stepIndex: new Int32Array(n),
    status: new Array<string>(n),
    stepTimeS: new Float64Array(n),
    voltageV: new Float64Array(n),
    currentMA: new Float64Array(n),
    chargeMAh: new Float64Array(n),
    dischargeMAh: new Float64Array(n),
    unixTimeS: new Float64Array(n),
    metadata: { "ndc version": version },
  };
  const vScale = version === 16 ? 1e-4 : 1;
  const iScale = version === 16 ? 1 : 1000;
  let last: Run | null = null;
  let lastStep = 0;
  let sinceS = 0;
  let sinceMAh = 0;
  let filled = 0;
  for (let r = 0; r < n; r++) {
    const p = data.records[r]!;
    // The index is the record's place among all record slots of data.ndc (pages are full but the last).
    const index = data.slots[r]! + 1;
    t.index[r] = index;
    t.voltageV[r] = data.view.getFloat32(p, true) * vScale;
    t.currentMA[r] = data.view.getFloat32(p + 4, true) * iScale;
    const own = runs.get(index);
    if (own) {
      last = own;
      lastStep = stepOfRun.get(index)!;
      sinceS = 0;
      sinceMAh = 0;
      t.stepTimeS[r] = own.timeS;
      t.chargeMAh[r] = Math.abs(own.chg);
      t.dischargeMAh[r] = Math.abs(own.dchg);
      t.unixTimeS[r] = own.unixS;
    } else {
      if (!last) throw new InputError(file, `corrupt .ndax: record ${index} comes before any timed record`);
      filled++;
      sinceS += last.dtS;
      sinceMAh += (last.dtS * t.currentMA[r]!) / 3600;
      t.stepTimeS[r] = last.timeS + sinceS;
      t.chargeMAh[r] = Math.abs(last.chg) + Math.max(0, sinceMAh);
      t.dischargeMAh[r] = Math.abs(last.dchg) + Math.max(0, -sinceMAh);
      t.unixTimeS[r] = last.unixS + sinceS;
    }
    const s = lastStep - 1;
    if (s < 0 || s >= stepIndexOf.length) {
      throw new InputError(
        file,
        `corrupt .ndax: record ${index} names step ${lastStep}, data_step.ndc lists ${stepIndexOf.length}`,
      );
    }
    t.step[r] = lastStep;
    t.stepIndex[r] = stepIndexOf[s]!;
    t.cycle![r] = stepCycle[s]!;
    t.status[r] = stepState[s]!;
  }
  if (filled > 0) t.metadata["records timed from the record interval"] = filled;

  xmlMetadata(
    text("VersionInfo.xml"),
    "ZwjVersion",
    ["SvrVer", "CurrClientVer", "ZwjVersion", "MainXwjVer"],
    t.metadata,
  );
  xmlMetadata(
    text("TestInfo.xml"),
    "TestInfo",
    ["DevID", "UnitID", "ChlID", "TestID", "StepName", "StartTime", "EndTime", "Barcode"],
    t.metadata,
  );
  return t;
}

/** Read an .ndax file into cycler records. */
export function parseNdax(bytes: Uint8Array, file: string): CyclerRecords {
  return newareRecords(parseNdaxTable(bytes, file), file, "neware-ndax");
}

/** Whether a zip archive looks like an .ndax (its directory names data.ndc or an .ndc member). */
export function isNdax(bytes: Uint8Array): boolean {
  if (!isZip(bytes)) return false;
  // Member names appear in the local headers near the start: look for ".ndc" or "VersionInfo.xml".
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, Math.min(bytes.length, 1 << 16)));
  return head.includes(".ndc") || head.includes("VersionInfo.xml") || head.includes("TestInfo.xml");
}
