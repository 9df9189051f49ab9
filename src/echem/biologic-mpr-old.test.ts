/**
 * Older EC-Lab .mpr layouts: two real files from EC-Lab 11.30 and 11.18 (data module versions 3
 * and 2) against their .mpt exports, and the layouts of EC-Lab before 10.40 that no public file
 * shows (old-header data module version 0, start date at 465/469/473 in the log module), built
 * here from the real 11.30 file by moving its bytes into those layouts (galvani's description).
 */
import { describe, expect, it } from "vitest";
import { expectInputErrorSync as expectInputError } from "../../test/support/errors.js";
import { readFixture } from "../../test/support/fixtures.js";
import { parseMpr, parseMprTable } from "./biologic-mpr.js";
import { type EcLabTable, parseMpt, parseMptTable } from "./biologic-mpt.js";

const OCV_MPR = "yadg_ocv.mpr";
const OCV_MPT = "yadg_ocv.mpt";
const ZIR_MPR = "yadg_zir.mpr";
const ZIR_MPT = "yadg_zir.mpt";

const bytesOf = (name: string): Uint8Array => new Uint8Array(readFixture("echem", name));

function column(t: EcLabTable, name: string): Float64Array {
  const k = t.columns.findIndex((c) => c.trim() === name);
  if (k < 0) throw new Error(`no column ${name} in ${t.file}`);
  return t.values[k]!;
}

/** Largest |a−b| / max(|b|, 1e-12) over the rows (NaN if the lengths differ). */
function worstRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.NaN;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), 1e-12));
  }
  return worst;
}

/** Every .mpr column equals the .mpt column of the same name. */
function expectSameColumns(mpr: EcLabTable, mpt: EcLabTable): void {
  expect(mpr.n).toBe(mpt.n);
  for (const name of mpr.columns) {
    expect(worstRel(column(mpr, name), column(mpt, name)), name).toBeLessThan(1e-6);
  }
}

/** Module data of the (old-header) module `name`: [start, length]. */
function moduleData(bytes: Uint8Array, name: string): [number, number] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0x34;
  while (at < bytes.length) {
    const start = at + 57;
    const length = view.getUint32(at + 41, true);
    if (
      Buffer.from(bytes.subarray(at + 6, at + 16))
        .toString("latin1")
        .trim() === name
    )
      return [start, length];
    at = start + length;
  }
  throw new Error(`no module ${name}`);
}

/** `bytes` with the data of module `name` replaced (length and version in its header updated). */
function replaceModule(bytes: Uint8Array, name: string, data: Uint8Array, version: number): Uint8Array {
  const [start, length] = moduleData(bytes, name);
  const out = new Uint8Array(bytes.length - length + data.length);
  out.set(bytes.subarray(0, start));
  out.set(data, start);
  out.set(bytes.subarray(start + length), start + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(start - 16, data.length, true);
  view.setUint32(start - 12, version, true);
  return out;
}

/** ocv.mpr (version 3: ids u16 at 5, records from 0x196) rewritten as an old version 0 module. */
function ocvAsVersion0(): Uint8Array {
  const bytes = bytesOf(OCV_MPR);
  const [start, length] = moduleData(bytes, "VMP data");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const nColumns = bytes[start + 4]!;
  const records = bytes.subarray(start + 0x196, start + length);
  const data = new Uint8Array(100 + records.length);
  data.set(bytes.subarray(start, start + 5)); // n_records u32, n_columns u8
  for (let c = 0; c < nColumns; c++) data[5 + c] = view.getUint16(start + 5 + 2 * c, true);
  data.set(records, 100);
  return replaceModule(bytes, "VMP data", data, 0);
}

/** ocv.mpr with its log module's start date moved from 0x249 to `offset`. */
function ocvWithLogDateAt(offset: number, days?: number): Uint8Array {
  const bytes = bytesOf(OCV_MPR).slice();
  const [start] = moduleData(bytes, "VMP LOG");
  const view = new DataView(bytes.buffer);
  const ole = days ?? view.getFloat64(start + 0x249, true);
  view.setFloat64(start + 0x249, 0, true);
  view.setFloat64(start + offset, ole, true);
  return bytes;
}

describe("EC-Lab .mpr vs its .mpt export (OCV, EC-Lab 11.30, data module version 3)", () => {
  it("has the same 602 records, columns and start time", () => {
    const mpr = parseMprTable(bytesOf(OCV_MPR), OCV_MPR);
    const mpt = parseMptTable(bytesOf(OCV_MPT), OCV_MPT);
    expect(mpr.n).toBe(602);
    expect(mpr.columns).toEqual(["mode", "error", "time/s", "Ewe/V"]);
    expectSameColumns(mpr, mpt);
    expect(mpr.startLocal).toBe("2020-01-16T14:13:34.000");
    expect(mpt.startLocal).toBe(mpr.startLocal);
    expect(mpr.metadata["software version"]).toBe("11.30");
    expect(mpr.metadata["technique"]).toBe("Open Circuit Voltage");
    // The log module was written 11 days after the start: the start date is the settings' day.
    expect(mpr.metadata["settings date"]).toBe("01/16/20");
    expect(mpr.metadata["log date"]).toBe("01/27/20");
  });
});

describe("EC-Lab .mpr vs its .mpt export (ZIR, EC-Lab 11.18, data module version 2)", () => {
  it("has the same record, columns and start time; module dates written with dots", () => {
    const mpr = parseMprTable(bytesOf(ZIR_MPR), ZIR_MPR);
    const mpt = parseMptTable(bytesOf(ZIR_MPT), ZIR_MPT);
    expect(mpr.n).toBe(1);
    expect(mpr.metadata["data module version"]).toBe(2);
    expect(mpr.columns).toHaveLength(11);
    expectSameColumns(mpr, mpt);
    expect(mpr.startLocal).toBe("2018-03-26T12:10:53.000");
    expect(mpt.startLocal).toBe(mpr.startLocal);
    expect(mpr.metadata["settings date"]).toBe("03.26.18");
    expect(mpr.metadata["software version"]).toBe("11.18");
  });
});

describe("EC-Lab .mpr layouts before 10.40 (built from the 11.30 file)", () => {
  const mpt = parseMptTable(bytesOf(OCV_MPT), OCV_MPT);

  it("reads an old-header data module version 0: one-byte column ids, records from byte 100", () => {
    const mpr = parseMprTable(ocvAsVersion0(), "old.mpr");
    expect(mpr.metadata["data module version"]).toBe(0);
    expect(mpr.metadata["column ids"]).toBe("1,3,4,6");
    expect(mpr.columns).toEqual(["mode", "error", "time/s", "Ewe/V"]);
    expectSameColumns(mpr, mpt);
    const rec = parseMpr(ocvAsVersion0(), "old.mpr");
    const ref = parseMpt(bytesOf(OCV_MPT), OCV_MPT);
    expect(worstRel(rec.timeS, ref.timeS)).toBeLessThan(1e-6);
    expect(worstRel(rec.eweV, ref.eweV)).toBeLessThan(1e-6);
    expect(Array.from(rec.mode!)).toEqual(Array.from(ref.mode!));
  });

  it("refuses an old-header version 0 module whose column table is not one-byte ids", () => {
    const bytes = ocvAsVersion0();
    const [start] = moduleData(bytes, "VMP data");
    bytes[start + 5] = 0;
    expectInputError(
      () => parseMpr(bytes, "odd.mpr"),
      "odd.mpr",
      /VMP data module version 0 \(old header\) with two-byte column ids is not supported; export the file as \.mpt/,
    );
    const cut = ocvAsVersion0();
    new DataView(cut.buffer).setUint32(start, 603, true); // one record more than stored
    expectInputError(() => parseMpr(cut, "n.mpr"), "n.mpr", /the column layout is not understood/);
  });

  for (const offset of [465, 469, 473]) {
    it(`finds the start date at ${offset} in the log module`, () => {
      const mpr = parseMprTable(ocvWithLogDateAt(offset), "old.mpr");
      expect(mpr.startLocal).toBe(mpt.startLocal);
      expect(mpr.metadata["log start offset"]).toBe(offset);
    });
  }

  it("takes no date from the old offsets that falls on another day than the settings", () => {
    const mpr = parseMprTable(ocvWithLogDateAt(469, 43_847.6), "old.mpr"); // 2020-01-17
    expect(mpr.startLocal).toBeNull();
    expect(mpr.metadata["log start offset"]).toBeUndefined();
    expect(parseMprTable(ocvWithLogDateAt(469, 43_846.2), "old.mpr").startLocal).toBe(
      "2020-01-16T04:48:00.000",
    );
  });
});
