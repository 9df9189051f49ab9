/**
 * Neware .nda / .ndax readers, checked record by record against NewareNDA's export of the same
 * files (test/fixtures/echem/*.newarenda.csv.gz, made by make_neware_reference.py; see
 * test/fixtures/README.md for the files' origin).
 */
import { crc32, deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { expectInputErrorSync as expectInputError } from "../../test/support/errors.js";
import { readFixture } from "../../test/support/fixtures.js";
import type { NewareTable } from "./neware-binary.js";
import { parseNda, parseNdaTable } from "./neware-nda.js";
import { NDA29_RECORD, rangeUnitMA } from "./neware-nda29.js";
import { parseNdax, parseNdaxTable } from "./neware-ndax.js";
import { parseCycler } from "./read.js";
import { sniffCyclerFormat } from "./sniff.js";
import { zipMembers, zipRead } from "./zip.js";

const fixture = (name: string) => new Uint8Array(readFixture("echem", name));

interface RefRow {
  index: number;
  cycle: number;
  step: number;
  stepIndex: number;
  status: string;
  timeS: number;
  voltageV: number;
  currentMA: number;
  chargeMAh: number;
  dischargeMAh: number;
  unixTimeS: number;
}

function reference(name: string): RefRow[] {
  const lines = readFixture("echem", `${name}.newarenda.csv.gz`).toString("utf8").trim().split("\n");
  expect(lines[0]).toBe(
    "index,cycle,step,step_index,status,time_s,voltage_v,current_ma,charge_mah,discharge_mah,unix_time_s",
  );
  return lines.slice(1).map((l) => {
    const f = l.split(",");
    const x = f.map(Number);
    return {
      index: x[0]!,
      cycle: x[1]!,
      step: x[2]!,
      stepIndex: x[3]!,
      status: f[4]!,
      timeS: x[5]!,
      voltageV: x[6]!,
      currentMA: x[7]!,
      chargeMAh: x[8]!,
      dischargeMAh: x[9]!,
      unixTimeS: x[10]!,
    };
  });
}

/** NewareNDA stores these as float32, printed with 9 digits: equal within one float32 rounding. */
function closeF32(ours: number, ref: number): boolean {
  return Math.abs(ours - ref) <= 2e-7 * Math.abs(ref) + 1e-9;
}

function compare(t: NewareTable, ref: RefRow[]): void {
  expect(t.n).toBe(ref.length);
  const bad: string[] = [];
  for (let i = 0; i < t.n; i++) {
    const r = ref[i]!;
    const row = (what: string, ours: unknown, theirs: unknown) =>
      bad.push(`record ${i + 1} ${what}: ${ours} vs NewareNDA ${theirs}`);
    if (t.index[i] !== r.index) row("index", t.index[i], r.index);
    // NewareNDA writes cycle 0 where the file stores none (BTS 9.0).
    if ((t.cycle ? t.cycle[i] : 0) !== r.cycle) row("cycle", t.cycle?.[i], r.cycle);
    if (t.step[i] !== r.step) row("step", t.step[i], r.step);
    if (t.stepIndex[i] !== r.stepIndex) row("step index", t.stepIndex[i], r.stepIndex);
    if (t.status[i] !== r.status) row("status", t.status[i], r.status);
    if (!closeF32(t.stepTimeS[i]!, r.timeS)) row("time", t.stepTimeS[i], r.timeS);
    if (!closeF32(t.voltageV[i]!, r.voltageV)) row("voltage", t.voltageV[i], r.voltageV);
    if (!closeF32(t.currentMA[i]!, r.currentMA)) row("current", t.currentMA[i], r.currentMA);
    if (!closeF32(Math.abs(t.chargeMAh[i]!), Math.abs(r.chargeMAh)))
      row("charge", t.chargeMAh[i], r.chargeMAh);
    if (!closeF32(Math.abs(t.dischargeMAh[i]!), Math.abs(r.dischargeMAh)))
      row("discharge", t.dischargeMAh[i], r.dischargeMAh);
    // Printed to the millisecond.
    if (Math.abs(t.unixTimeS[i]! - r.unixTimeS) > 0.0015) row("unix time", t.unixTimeS[i], r.unixTimeS);
  }
  expect(bad.slice(0, 10)).toEqual([]);
}

const NDA = ["neware_TestFile_head1500.nda", "neware_2-1-6_61_head1500.nda"];
const NDA29 = "neware_new_nda_file.nda";
const NDAX = [
  "neware_Unit27_Example_Data_File.ndax",
  "neware_46_1_5_60_ZZZZZZZZTEST.ndax",
  "neware_Test_Data_Collection_Ndc17.ndax",
];

describe("Neware .nda (version 130)", () => {
  for (const name of NDA) {
    it(`${name}: every record equals NewareNDA's export`, () => {
      compare(parseNdaTable(fixture(name), name), reference(name));
    });
  }

  it("BTS 9.1: charge, rest and discharge steps become signed records with a net charge", () => {
    const name = NDA[0]!;
    const rec = parseCycler(fixture(name), name);
    expect(rec.format).toBe("neware-nda");
    expect(rec.metadata["BTS version"]).toBe("9.1");
    expect(rec.n).toBe(1500);
    expect(rec.unixTimeS![0]).toBeCloseTo(Date.UTC(2024, 4, 27, 8, 2, 53, 970) / 1000, 3);
    const t = parseNdaTable(fixture(name), name);
    for (let i = 1; i < rec.n; i++) {
      if (t.status[i] === "CC_DChg") expect(rec.currentMA[i]).toBeLessThan(0);
      if (t.status[i] === "CC_Chg") expect(rec.currentMA[i]).toBeGreaterThan(0);
      if (t.status[i] === "Rest") expect(rec.mode![i]).toBe(3);
      // Within a step the net charge moves by the counter increments.
      if (t.step[i] === t.step[i - 1]) {
        const d = t.chargeMAh[i]! - t.chargeMAh[i - 1]! - (t.dischargeMAh[i]! - t.dischargeMAh[i - 1]!);
        expect(rec.chargeMAh![i]! - rec.chargeMAh![i - 1]!).toBeCloseTo(d, 9);
      }
      expect(rec.timeS[i]).toBeGreaterThanOrEqual(rec.timeS[i - 1]!);
    }
  });

  it("BTS 9.0: no cycle number; the pulse's counters as stored", () => {
    const name = NDA[1]!;
    const rec = parseNda(fixture(name), name);
    expect(rec.metadata["BTS version"]).toBe("9.0");
    expect(rec.cycle).toBeNull();
    expect(rec.unixTimeS![0]).toBeCloseTo(Date.UTC(2016, 3, 19, 12, 21, 1, 483) / 1000, 3);
  });

  it("refuses a record cut short, version 29 and a file of header only, each naming the file", () => {
    const whole = fixture(NDA[0]!);
    expectInputError(
      () => parseNda(whole.subarray(0, whole.length - 20), "cut.nda"),
      "cut.nda",
      /truncated \.nda: the last record is cut/,
    );
    expectInputError(() => parseNda(whole.subarray(0, 1024), "head.nda"), "head.nda", /no records/);
    const v31 = whole.slice(0, 2048);
    v31[14] = 31;
    expectInputError(() => parseNda(v31, "odd.nda"), "odd.nda", /version 31 is not supported/);
    expectInputError(() => parseNda(whole.subarray(0, 10), "tiny.nda"), "tiny.nda", /truncated/);
  });
});

describe("Neware .nda (version 29, BTS 7.x)", () => {
  const name = NDA29;
  const bytes = fixture(name);
  const RECORDS_AT = 85385;

  it(`${name}: every record equals NewareNDA's export`, () => {
    compare(parseNdaTable(bytes, name), reference(name));
  });

  it("reads through the dispatch: local wall-clock start, no Unix times, signed currents", () => {
    const rec = parseCycler(bytes, name);
    const t = parseNdaTable(bytes, name);
    expect(rec.format).toBe("neware-nda");
    expect(rec.n).toBe(439);
    expect(rec.metadata["nda version"]).toBe(29);
    expect(rec.metadata["records at"]).toBe(RECORDS_AT);
    expect(rec.metadata["records found by"]).toBe("header pointer (0x40)");
    expect(rec.metadata["records skipped (not data)"]).toBe(6);
    expect(rec.metadata["BTS server"]).toBe("BTSServer(R3)-7.6.0.301 (2018.07.30)");
    // The file stores 2020-03-25 11:16:50 with no zone: a local start, as EC-Lab's is.
    expect(rec.startLocal).toBe("2020-03-25T11:16:50.000");
    expect(rec.unixTimeS).toBeNull();
    expect(Array.from(new Set(rec.step))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(new Set(t.status)).toEqual(new Set(["CC_DChg", "Rest", "CC_Chg"]));
    for (let i = 1; i < rec.n; i++) {
      if (t.status[i] === "CC_DChg" && t.currentMA[i] !== 0) expect(rec.currentMA[i]).toBeLessThan(0);
      if (t.status[i] === "CC_Chg" && t.currentMA[i] !== 0) expect(rec.currentMA[i]).toBeGreaterThan(0);
      expect(rec.timeS[i]).toBeGreaterThanOrEqual(rec.timeS[i - 1]!);
    }
  });

  it("reads a file cut at a record boundary as the first records; refuses one cut inside a record", () => {
    const ref = reference(name);
    const cut = parseNdaTable(bytes.subarray(0, RECORDS_AT + 100 * NDA29_RECORD), "cut.nda");
    compare(cut, ref.slice(0, 99)); // the first of the 100 records is not a data record
    expectInputError(
      () => parseNda(bytes.subarray(0, RECORDS_AT + 100 * NDA29_RECORD + 40), "cut.nda"),
      "cut.nda",
      /truncated \.nda: the last record is cut \(40 of 86 bytes\)/,
    );
  });

  it("finds the records without the header's pointer", () => {
    const moved = bytes.slice();
    new DataView(moved.buffer).setUint32(0x40, 7, true);
    const t = parseNdaTable(moved, "moved.nda");
    expect(t.metadata["records found by"]).toBe("search");
    compare(t, reference(name));
  });

  it("refuses an unknown current range and a file without records, each naming the file", () => {
    const odd = bytes.slice();
    new DataView(odd.buffer).setInt32(RECORDS_AT + 3 * NDA29_RECORD + 78, 7, true);
    expectInputError(
      () => parseNda(odd, "range.nda"),
      "range.nda",
      /unknown current range 7 in record 3; export it as CSV/,
    );
    expectInputError(
      () => parseNda(bytes.subarray(0, RECORDS_AT), "empty.nda"),
      "empty.nda",
      /version 29\) without data records/,
    );
  });

  it("gives each current range its unit (mA per count)", () => {
    expect(rangeUnitMA(5)).toBe(1e-4);
    expect(rangeUnitMA(-5)).toBe(1e-5);
    expect(rangeUnitMA(200)).toBe(1e-2);
    expect(rangeUnitMA(-200)).toBeUndefined();
    expect(rangeUnitMA(20000)).toBe(1e-1);
    expect(rangeUnitMA(-20000)).toBe(1e-2);
    expect(rangeUnitMA(-100000000)).toBe(10);
    expect(rangeUnitMA(0)).toBe(0);
  });
});

describe("Neware .ndax (.ndc versions 14, 16, 17)", () => {
  for (const name of NDAX) {
    it(`${name}: every record equals NewareNDA's export`, () => {
      compare(parseNdaxTable(fixture(name), name), reference(name));
    });
  }

  it("reads through the dispatch, with the XML metadata and the stored Unix time", () => {
    const name = NDAX[2]!;
    const rec = parseCycler(fixture(name), name);
    expect(rec.format).toBe("neware-ndax");
    expect(rec.metadata["ndc version"]).toBe(17);
    expect(rec.metadata["StartTime"]).toBe("2025-09-24 15:20:56");
    expect(rec.unixTimeS![0]).toBeCloseTo(Date.UTC(2025, 8, 24, 14, 20, 56, 575) / 1000, 3);
    expect(new Set(rec.mode)).toEqual(new Set([1, 3]));
    const t = parseNdaxTable(fixture(name), name);
    for (let i = 0; i < rec.n; i++) {
      if (t.status[i] === "CC_DChg") expect(rec.currentMA[i]).toBeLessThan(0);
      if (t.status[i] === "CC_Chg") expect(rec.currentMA[i]).toBeGreaterThan(0);
    }
  });

  it("refuses a cut archive, a damaged member and a missing member, each naming the file", () => {
    const whole = fixture(NDAX[0]!);
    expectInputError(
      () => parseNdax(whole.subarray(0, whole.length - 30), "cut.ndax"),
      "cut.ndax",
      /zip archive/,
    );
    expectInputError(() => parseNdax(whole.subarray(0, 3000), "half.ndax"), "half.ndax", /zip archive/);
    const members = zipMembers(whole, "x");
    const data = members.find((m) => m.name === "data.ndc")!;
    const flipped = whole.slice();
    flipped[data.localAt + 30 + data.name.length + 20 + 5]! ^= 0xff;
    expectInputError(() => parseNdax(flipped, "flip.ndax"), "flip.ndax", /zip member data\.ndc/);
    expectInputError(
      () => parseNdax(storedZip([["VersionInfo.xml", new Uint8Array(4)]]), "no.ndax"),
      "no.ndax",
      /without data\.ndc/,
    );
  });

  it("zip reader: stored and deflated members of an archive it did not write", () => {
    const body = new TextEncoder().encode("<root/>".repeat(50));
    const zip = storedZip([["a.xml", body]], true);
    const m = zipMembers(zip, "z.zip");
    expect(m.map((x) => x.name)).toEqual(["a.xml"]);
    expect(new Uint8Array(zipRead(zip, m[0]!, "z.zip"))).toEqual(body);
  });
});

describe("sniffing the binaries", () => {
  it("recognises .nda and .ndax by content", () => {
    expect(sniffCyclerFormat(fixture(NDA[0]!))).toBe("neware-nda");
    expect(sniffCyclerFormat(fixture(NDA29))).toBe("neware-nda");
    expect(sniffCyclerFormat(fixture(NDAX[0]!))).toBe("neware-ndax");
  });
});

/** A minimal zip (one central directory, no Zip64) for error cases. */
function storedZip(files: [string, Uint8Array][], deflate = false): Uint8Array {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of files) {
    const packed = deflate ? deflateRawSync(data) : Buffer.from(data);
    const nameBytes = Buffer.from(name, "latin1");
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(deflate ? 8 : 0, 10);
    c.writeUInt32LE(crc32(data), 16);
    c.writeUInt32LE(packed.length, 20);
    c.writeUInt32LE(data.length, 24);
    c.writeUInt16LE(nameBytes.length, 28);
    c.writeUInt32LE(offset, 42);
    parts.push(local, nameBytes, packed);
    central.push(c, nameBytes);
    offset += 30 + nameBytes.length + packed.length;
  }
  const dir = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...parts, dir, end]));
}
