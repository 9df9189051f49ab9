import { existsSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectInputErrorSync as expectInputError } from "../../test/support/errors.js";
import { readFixture } from "../../test/support/fixtures.js";
import { InputError } from "../util/errors.js";
import { parseArbin, parseArbinMetadata } from "./arbin.js";
import {
  CUT_LINE_KEY,
  decodeText,
  detectDelimiter,
  formatLocal,
  integrateCurrent,
  parseDuration,
  parseLocalDateTime,
  parseLocalDateTimeMs,
  parseNumber,
  splitFields,
  splitLines,
  wallClockZero,
} from "./csv-text.js";
import { type GenericCsvMapping, parseGenericCsv } from "./generic-csv.js";
import { parseMaccor, parseMaccorPreamble } from "./maccor.js";
import { parseNeware, stepTypeMode } from "./neware.js";
import { sniffCyclerFormat } from "./sniff.js";
import type { CyclerRecords } from "./types.js";

const NEWARE = "neware_uio_head2599.csv.gz";
const ARBIN = "FastCharge_000025_CH8.csv";
const ARBIN_META = "FastCharge_000025_CH8_Metadata.csv";
const MACCOR = "PredictionDiagnostics_000151_test.052";
const fixture = (name: string) => new Uint8Array(readFixture("echem", name));
const SHARED_NEWARE = "/work/shared/data/jepegit__cellpy/testdata__data__neware_uio.csv";

const enc = (s: string) => new TextEncoder().encode(s);

function range(a: ArrayLike<number>): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < a.length; i++) {
    lo = Math.min(lo, a[i]!);
    hi = Math.max(hi, a[i]!);
  }
  return [lo, hi];
}

/** Runs of equal step index: [step, cycle, first record, count]. */
function stepRuns(r: CyclerRecords): Array<[number, number, number, number]> {
  const out: Array<[number, number, number, number]> = [];
  for (let i = 0; i < r.n; i++) {
    const last = out[out.length - 1];
    if (last && last[0] === r.step![i]) last[3]++;
    else out.push([r.step![i]!, r.cycle![i]!, i, 1]);
  }
  return out;
}

function checkShape(r: CyclerRecords): void {
  for (const a of [r.timeS, r.eweV, r.currentMA, r.chargeMAh, r.step, r.cycle, r.mode, r.unixTimeS]) {
    if (a !== null) expect(a.length).toBe(r.n);
  }
  for (let i = 1; i < r.n; i++) expect(r.timeS[i]!).toBeGreaterThanOrEqual(r.timeS[i - 1]!);
  expect(r.chargeMAh === null || r.chargeMAh[0] === 0).toBe(true);
}

/** |net charge − ∫I dt| relative to the largest |∫I dt| along the file. */
function chargeMismatch(r: CyclerRecords): number {
  const q = integrateCurrent(r.timeS, r.currentMA);
  const [lo, hi] = range(q);
  const scale = Math.max(Math.abs(lo), Math.abs(hi));
  let worst = 0;
  for (let i = 0; i < r.n; i++) worst = Math.max(worst, Math.abs(r.chargeMAh![i]! - q[i]!));
  return worst / scale;
}

// ---------------------------------------------------------------------------------------------

describe("Neware BTS CSV (cellpy neware_uio.csv, first 2599 records)", () => {
  const r = parseNeware(fixture(NEWARE), NEWARE);

  it("reads every record, with the cumulative time and the start date", () => {
    checkShape(r);
    expect(r.format).toBe("neware-csv");
    expect(r.n).toBe(2599);
    expect(r.columns).toHaveLength(26);
    expect(r.columns[6]).toBe("Current(A)");
    expect(r.timeS[0]).toBe(0);
    expect(r.timeS[r.n - 1]).toBe(39 * 3600 + 55 * 60 + 56);
    expect(r.startLocal).toBe("2022-05-18T16:27:52");
    expect(r.unixTimeS).toBeNull();
    expect(r.metadata["timeColumn"]).toBe("Cumulative Time");
    const [vlo, vhi] = range(r.eweV);
    expect(vlo).toBeCloseTo(0.05, 10);
    expect(vhi).toBeCloseTo(2.957, 10);
    expect(r.eweV[0]).toBeCloseTo(2.917, 10);
  });

  it("numbers steps and cycles as the file does, with the mode from the step type", () => {
    const runs = stepRuns(r);
    expect(runs.map((s) => s[0])).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(runs.map((s) => s[3])).toEqual([721, 1323, 16, 171, 16, 152, 16, 184]);
    expect(runs.every((s) => s[1] === 1)).toBe(true);
    const modes = runs.map((s) => r.mode![s[2]]);
    expect(modes).toEqual([3, 1, 3, 1, 3, 1, 3, 1]);
  });

  it("has negative current in CC DChg, positive in CC Chg and zero at rest (A → mA)", () => {
    for (const [step, , first, count] of stepRuns(r)) {
      for (let i = first; i < first + count; i++) {
        const c = r.currentMA[i]!;
        if (step === 8) expect(c).toBeGreaterThan(0);
        else if (step % 2 === 0) expect(c).toBeLessThan(0);
        else expect(c).toBe(0);
      }
    }
    expect(r.currentMA[721]).toBeCloseTo(-0.24859, 8);
    expect(r.currentMA[2415]).toBeCloseTo(0.24845, 8);
  });

  it("builds the net charge from the per-step counters, consistent with ∫I dt", () => {
    // Counters at the end of each step: −4.68031 −0.28183 −0.12414 + 0.75405 mAh.
    expect(r.chargeMAh![r.n - 1]).toBeCloseTo(-4.33223, 6);
    expect(r.chargeMAh![2043]).toBeCloseTo(-4.68031, 6);
    expect(chargeMismatch(r)).toBeLessThan(0.01);
  });

  it.skipIf(!existsSync(SHARED_NEWARE))("reads the whole shared file (9065 records)", () => {
    const full = parseNeware(new Uint8Array(readFileSync(SHARED_NEWARE)), "neware_uio.csv");
    checkShape(full);
    expect(full.n).toBe(9065);
    expect(full.timeS[full.n - 1]).toBe(144 * 3600 + 2 * 60 + 18);
    expect(full.cycle![full.n - 1]).toBe(4);
    expect(full.step![full.n - 1]).toBe(13);
    expect(chargeMismatch(full)).toBeLessThan(0.01);
  });
});

describe("Neware variants (synthetic)", () => {
  // BTS 8 style: Record ID, step time only, mA, unsigned current, Realtime with slashes.
  const lines = [
    "Record ID,Step ID,Cycle ID,Step Type,Time(h:min:s.ms),Voltage(V),Current(mA),Capacitance_Chg(mAh),Capacitance_DChg(mAh),Realtime",
  ];
  const types = ["Rest", "CC_DChg", "CV_DChg", "Rest", "CCCV_Chg"];
  const currents = [0, 2, 1, 0, 2];
  let rec = 1;
  let minute = 0;
  for (let s = 0; s < types.length; s++) {
    let cap = 0;
    for (let k = 0; k <= 10; k++) {
      const i = currents[s]!;
      if (k > 0) cap += i / 60;
      const chg = types[s]!.includes("_Chg") ? cap : 0;
      const dchg = types[s]!.includes("DChg") ? cap : 0;
      const hh = 9 + Math.floor((3 + minute) / 60);
      const mm = (3 + minute) % 60;
      lines.push(
        `${rec++},${s + 1},1,${types[s]},00:${String(k).padStart(2, "0")}:00.000,${(3 + 0.01 * k).toFixed(4)},${i.toFixed(3)},${chg.toFixed(5)},${dchg.toFixed(5)},2023/1/5 ${hh}:${String(mm).padStart(2, "0")}:07`,
      );
      minute++;
    }
    minute--; // the next step's first record shares the time of this step's last one
  }
  const text = `${lines.join("\r\n")}\r\n`;
  const r = parseNeware(text, "bts8.csv");

  it("takes the clock from Realtime, signs the current from the step type and uses the mA columns", () => {
    checkShape(r);
    expect(r.metadata["timeColumn"]).toBe("Realtime");
    expect(r.timeS[r.n - 1]).toBe(50 * 60);
    expect(r.startLocal).toBe("2023-01-05T09:03:07");
    expect(r.currentMA[12]).toBe(-2);
    expect(r.currentMA[23]).toBe(-1);
    expect(r.currentMA[50]).toBe(2);
    expect(Array.from(r.mode!.slice(0, 55).filter((_, i) => i % 11 === 5))).toEqual([3, 1, 2, 3, 0]);
    expect(r.chargeMAh![r.n - 1]).toBeCloseTo((-20 - 10 + 20) / 60, 4); // counters written to 1e-5 mAh
    expect(chargeMismatch(r)).toBeLessThan(0.01);
  });

  it("sums the step times when there is neither a total time nor a date-time", () => {
    const noDate = text.replace(/,[^,\r\n]*(?=\r\n)/g, "");
    const r2 = parseNeware(noDate, "bts8-nodate.csv");
    expect(r2.columns).not.toContain("Realtime");
    expect(r2.metadata["timeColumn"]).toBe("Time(h:min:s.ms) (summed over steps)");
    expect(Array.from(r2.timeS)).toEqual(Array.from(r.timeS));
    expect(r2.startLocal).toBeNull();
  });

  it("maps step-type names to modes", () => {
    expect(["Rest", "CC Chg", "CC DChg", "CV Chg", "CCCV Chg", "CP DChg", "Pulse"].map(stepTypeMode)).toEqual(
      [3, 1, 1, 2, 0, 0, 0],
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe("Arbin CSV (beep FastCharge_000025_CH8.csv)", () => {
  const r = parseArbin(fixture(ARBIN), ARBIN, { metadata: fixture(ARBIN_META), metadataFile: ARBIN_META });

  it("reads all 248 records with test time and the UTC epoch per record", () => {
    checkShape(r);
    expect(r.format).toBe("arbin-csv");
    expect(r.n).toBe(248);
    expect(r.columns).toHaveLength(15);
    expect(r.timeS[0]).toBe(10.0024);
    expect(r.timeS[r.n - 1]).toBe(1800.0104);
    expect(r.unixTimeS![0]).toBe(1494645243.4715);
    expect(r.unixTimeS![r.n - 1]).toBe(1494647033.4795);
    expect(r.startLocal).toBeNull();
    // DateTime − Test_Time is the same instant (the test start) for every record.
    for (let i = 0; i < r.n; i++) expect(r.unixTimeS![i]! - r.timeS[i]!).toBeCloseTo(1494645233.4691, 3);
    const [vlo, vhi] = range(r.eweV);
    expect(vlo).toBe(3.3009267);
    expect(vhi).toBe(3.3011565);
  });

  it("is one rest step: step 0, cycle 0, zero current, zero charge, mode rest", () => {
    expect(range(r.step!)).toEqual([0, 0]);
    expect(range(r.cycle!)).toEqual([0, 0]);
    expect(range(r.currentMA)).toEqual([0, 0]);
    expect(range(r.chargeMAh!)).toEqual([0, 0]);
    expect(range(r.mode!)).toEqual([3, 3]);
  });

  it("takes the companion metadata CSV (quoted comma field, empty index column)", () => {
    expect(r.metadata["meta.first_start_datetime"]).toBe(1494645214);
    expect(r.metadata["meta.databases"]).toBe("ArbinResult_6,ArbinResult_7,");
    expect(r.metadata["meta.schedule_file_name"]).toBe("2017-05-12_TESTS\\20170512-4_4C-80PER_4_4C.SDU");
    expect(r.metadata["meta.item_id"]).toBe("EL150800453116");
    expect(parseArbinMetadata(fixture(ARBIN_META), ARBIN_META)["test_id"]).toBe(153);
  });
});

describe("Arbin variants (synthetic)", () => {
  // MITS Pro style: units in the names, local Date_Time strings, counters reset per cycle.
  const head =
    "Data_Point,Date_Time,Test_Time(s),Step_Time(s),Cycle_Index,Step_Index,Current(A),Voltage(V),Charge_Capacity(Ah),Discharge_Capacity(Ah)";
  const rows: string[] = [];
  let chg = 0;
  let dchg = 0;
  let t = 0;
  const plan: Array<[number, number, number]> = [
    [1, 1, 0],
    [1, 2, 0.5],
    [1, 3, -0.5],
    [2, 2, 0.5],
    [2, 3, -0.25],
    [2, 4, 0],
  ];
  let prevCycle = 1;
  for (const [cycle, step, amps] of plan) {
    if (cycle !== prevCycle) {
      chg = 0;
      dchg = 0;
      prevCycle = cycle;
    }
    for (let k = 0; k < 20; k++) {
      if (k > 0) t += 30; // a step's first record shares the time of the previous step's last
      if (k > 0) {
        if (amps > 0) chg += (amps * 30) / 3600;
        else dchg += (-amps * 30) / 3600;
      }
      const ms = Date.UTC(2017, 4, 12, 23, 59, 0) + (t + 0.25) * 1000;
      const d = new Date(ms);
      const stamp = `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${d.getUTCHours() % 12 || 12}:${String(d.getUTCMinutes()).padStart(2, "0")}:${String(d.getUTCSeconds()).padStart(2, "0")} ${d.getUTCHours() < 12 ? "AM" : "PM"}`;
      rows.push(
        `${rows.length + 1},${stamp},${t.toFixed(4)},${(k * 30).toFixed(4)},${cycle},${step},${amps},${(3.3 + amps / 10).toFixed(4)},${chg.toFixed(8)},${dchg.toFixed(8)}`,
      );
    }
  }
  const r = parseArbin(`${head}\n${rows.join("\n")}\n`, "mits.csv");

  it("reads local Date_Time strings (12-hour clock) into startLocal and counters reset per cycle", () => {
    checkShape(r);
    expect(r.unixTimeS).toBeNull();
    expect(r.metadata["dateTimeKind"]).toBe("local date-time");
    // The stamps are truncated to the second and all fall .25 s after it: the zero reads 23:59:00.
    expect(parseLocalDateTimeMs(r.startLocal!) - Date.UTC(2017, 4, 12, 23, 59, 0)).toBe(0);
    expect(r.metadata["firstRecordLocal"]).toBe("2017-05-12T23:59:00");
    expect(r.currentMA[30]).toBe(500);
    expect(r.currentMA[50]).toBe(-500);
    expect(r.mode![0]).toBe(3);
    expect(r.mode![30]).toBe(0);
    expect(chargeMismatch(r)).toBeLessThan(0.02);
    expect(r.chargeMAh![r.n - 1]).toBeCloseTo(((0.5 - 0.5 + 0.5 - 0.25) * 19 * 30) / 3.6, 3);
  });
});

// ---------------------------------------------------------------------------------------------

describe("Maccor text export (beep PredictionDiagnostics_000151_test.052)", () => {
  const r = parseMaccor(fixture(MACCOR), MACCOR);

  it("reads all 333 records with the metadata line", () => {
    checkShape(r);
    expect(r.format).toBe("maccor-txt");
    expect(r.n).toBe(333);
    expect(r.columns).toHaveLength(38);
    expect(r.timeS[0]).toBe(769267.24);
    expect(r.timeS[r.n - 1]).toBe(769270.57);
    expect(r.metadata["dateOfTest"]).toBe("10/10/2019");
    expect(r.metadata["procedure"]).toBe("PredictionDiagnostics_000151.000");
    expect(r.metadata["comment"]).toBe("00001E");
    expect(String(r.metadata["filename"])).toMatch(
      /^C:\\Users\\Maccor Tester User\\.*PredictionDiagnostics_000151_00001E\.052$/,
    );
    expect(r.metadata["firstRecordLocal"]).toBe("2019-10-21T23:59:59");
    const [vlo, vhi] = range(r.eweV);
    expect(vlo).toBe(3.86251621);
    expect(vhi).toBe(3.86823835);
  });

  it("is one discharge step (cycle 37, step 44, state D) with negative current in mA", () => {
    expect(range(r.step!)).toEqual([44, 44]);
    expect(range(r.cycle!)).toEqual([37, 37]);
    expect(r.metadata["states"]).toBe("D");
    const [ilo, ihi] = range(r.currentMA);
    expect(ilo).toBeCloseTo(-4840.9246967, 6);
    expect(ihi).toBeCloseTo(-4839.3224994, 6);
    expect(range(r.mode!)).toEqual([0, 0]);
  });

  it("signs the Amp-hr counter by the state and agrees with ∫I dt", () => {
    expect(r.chargeMAh![r.n - 1]).toBeCloseTo(-(0.0236349063 - 0.0191579754) * 1000, 9);
    expect(chargeMismatch(r)).toBeLessThan(0.001);
  });

  it("places every record at startLocal + timeS, within the second its DPt Time names (±0.02 s)", () => {
    const zero = parseLocalDateTimeMs(r.startLocal!);
    const lines = splitLines(decodeText(fixture(MACCOR)))
      .slice(2)
      .filter((l) => l.trim() !== "");
    expect(lines).toHaveLength(r.n);
    lines.forEach((line, i) => {
      const dpt = parseLocalDateTimeMs(line.split("\t")[11]!);
      const at = zero + 1000 * r.timeS[i]!;
      expect(at - dpt).toBeGreaterThanOrEqual(-1); // startLocal is written to the millisecond
      // Test (Sec) and the stamps jitter by 0.01 s against each other (the second flips at .67 or .68).
      expect(at - dpt).toBeLessThan(1020);
    });
    // The midnight record is written as the bare date "10/22/2019".
    expect(lines.filter((l) => l.split("\t")[11] === "10/22/2019")).toHaveLength(1);
  });

  it("parses the free-form first line", () => {
    expect(
      parseMaccorPreamble(
        "Today's Date 01/02/2020  Date of Test:\t01/01/2020\t Filename:\tC:\\a b.001 Procedure: p.000\tComment/Barcode: ",
      ),
    ).toEqual({
      todaysDate: "01/02/2020",
      dateOfTest: "01/01/2020",
      filename: "C:\\a b.001",
      procedure: "p.000",
      comment: "",
    });
  });
});

describe("Maccor variants (synthetic)", () => {
  // Unsigned current, R/C/D states, Amp-hr reset per step, "Dd HH:MM:SS" test time, comma table.
  const head = "Rec#,Cyc#,Step,TestTime,StepTime,Amp-hr,Watt-hr,Amps,Volts,State,ES,DPt Time";
  const rows: string[] = [];
  const plan: Array<[number, string, number]> = [
    [1, "R", 0],
    [2, "C", 1.5],
    [3, "R", 0],
    [4, "D", 1.5],
    [5, "D", 0.75],
  ];
  let t = 86390;
  for (const [step, state, amps] of plan) {
    let ah = 0;
    for (let k = 0; k < 10; k++) {
      if (k > 0) t += 10;
      if (k > 0) ah += (amps * 10) / 3600;
      const days = Math.floor(t / 86400);
      const rem = t - days * 86400;
      const hms = [Math.floor(rem / 3600), Math.floor((rem % 3600) / 60), rem % 60]
        .map((v) => String(v).padStart(2, "0"))
        .join(":");
      rows.push(
        `${rows.length + 1},0,${step},${days}d ${hms}.00,${k * 10},${ah.toFixed(10)},0,${amps},${(3.5 + (state === "C" ? 0.2 : state === "D" ? -0.2 : 0)).toFixed(4)},${state},0,`,
      );
    }
  }
  const r = parseMaccor(`header line of another kind\n${head}\n${rows.join("\n")}\n`, "m.txt");

  it("signs the unsigned current from the state and nets the resetting Amp-hr counter", () => {
    checkShape(r);
    expect(r.timeS[0]).toBe(86390);
    expect(r.currentMA[15]).toBe(1500);
    expect(r.currentMA[35]).toBe(-1500);
    expect(r.currentMA[45]).toBe(-750);
    expect(r.mode![5]).toBe(3);
    expect(r.mode![15]).toBe(0);
    expect(r.chargeMAh![r.n - 1]).toBeCloseTo(((1.5 - 1.5 - 0.75) * 90) / 3.6, 6);
    expect(chargeMismatch(r)).toBeLessThan(0.01);
    expect(r.startLocal).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------

describe("sniffCyclerFormat", () => {
  it("recognises the real files and the BioLogic signatures", () => {
    expect(sniffCyclerFormat(fixture(NEWARE), NEWARE)).toBe("neware-csv");
    expect(sniffCyclerFormat(fixture(ARBIN), ARBIN)).toBe("arbin-csv");
    expect(sniffCyclerFormat(fixture(MACCOR), MACCOR)).toBe("maccor-txt");
    expect(sniffCyclerFormat(enc("EC-Lab ASCII FILE\r\nNb header lines : 3\r\n"))).toBe("biologic-mpt");
    expect(sniffCyclerFormat(new Uint8Array([0xef, 0xbb, 0xbf, ...enc("EC-Lab ASCII FILE\n")]))).toBe(
      "biologic-mpt",
    );
    expect(sniffCyclerFormat(enc("BIO-LOGIC MODULAR FILE\x1a                         \0\0\0"))).toBe(
      "biologic-mpr",
    );
  });

  it("says null for other content", () => {
    expect(sniffCyclerFormat(new Uint8Array(0))).toBeNull();
    expect(sniffCyclerFormat(enc("a,b,c\n1,2,3\n"))).toBeNull();
    expect(sniffCyclerFormat(enc("# Nota Bene: PONI\nDistance: 0.1\n"))).toBeNull();
    expect(sniffCyclerFormat(enc("time/s,Ewe/V,I/mA\n0,3,1\n"))).toBeNull();
  });

  it("never throws on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        const f = sniffCyclerFormat(b);
        expect(f === null || typeof f === "string").toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe("bad input", () => {
  const neware = decodeText(fixture(NEWARE));
  const arbin = decodeText(fixture(ARBIN));
  const maccor = decodeText(fixture(MACCOR));
  const readers: Array<[string, (t: string | Uint8Array, f: string) => CyclerRecords]> = [
    ["neware", parseNeware],
    ["arbin", (t, f) => parseArbin(t, f)],
    ["maccor", parseMaccor],
    ["generic", (t, f) => parseGenericCsv(t, f, { time: "t", voltage: "v", current: "i" })],
  ];

  it("rejects an empty file", () => {
    for (const [, read] of readers) {
      expectInputError(() => read(new Uint8Array(0), "empty.csv"), "empty.csv", /empty file/);
      expectInputError(() => read("\r\n  \n", "blank.csv"), "blank.csv", /empty file/);
    }
  });

  it("rejects a file of another format, naming the file", () => {
    expectInputError(() => parseNeware(arbin, "x.csv"), "x.csv", /not a Neware CSV export/);
    expectInputError(() => parseNeware(maccor, "x.052"), "x.052", /not a Neware CSV export/);
    expectInputError(() => parseArbin(neware, "y.csv"), "y.csv", /not an Arbin CSV export/);
    expectInputError(() => parseArbin(maccor, "y.052"), "y.052", /not an Arbin CSV export/);
    expectInputError(() => parseMaccor(neware, "z.csv"), "z.csv", /not a Maccor text export/);
    expectInputError(() => parseMaccor(arbin, "z.csv"), "z.csv", /not a Maccor text export/);
    expectInputError(
      () => parseMaccor("EC-Lab ASCII FILE\nNb header lines : 3\n\nmode\ttime/s\n", "e.mpt"),
      "e.mpt",
      /not a Maccor/,
    );
  });

  it("rejects a non-numeric value with its line number", () => {
    const lines = splitLines(neware);
    lines[41] = lines[41]!.replace(",2.9", ",2.x9");
    expectInputError(
      () => parseNeware(lines.join("\n"), "n.csv"),
      "n.csv",
      /line 42: column "Voltage\(V\)": "2\.x9\d*" is not a number/,
    );
    const a = splitLines(arbin);
    a[100] = a[100]!.replace(/^(\d+),([\d.]+),/, "$1,abc,");
    expectInputError(
      () => parseArbin(a.join("\r\n"), "a.csv"),
      "a.csv",
      /line 101: column "Test_Time": "abc" is not a time/,
    );
    const m = splitLines(maccor);
    m[9] = m[9]!.replace(/\t-4\.8\d+\t/, "\tN/A\t");
    expectInputError(
      () => parseMaccor(m.join("\r\n"), "m.052"),
      "m.052",
      /line 10: column "Amps": "N\/A" is not a number/,
    );
    const n2 = splitLines(neware);
    n2[5] = n2[5]!.replace(",00:04:00,0.0", ",00:4x:00,0.0"); // the Cumulative Time field
    expectInputError(
      () => parseNeware(n2.join("\n"), "t.csv"),
      "t.csv",
      /line 6: column "Cumulative Time": "00:4x:00" is not a time/,
    );
    const d = splitLines(neware);
    d[2] = d[2]!.replace("2022-05-18 16:28:52", "2022-13-18 16:28:52");
    expectInputError(
      () => parseNeware(d.join("\n"), "d.csv"),
      "d.csv",
      /line 3: column "Date": .* is not a date-time/,
    );
    const s = splitLines(neware);
    s[7] = s[7]!.replace(/^(\d+),1,1,/, "$1,1,1.5,");
    expectInputError(
      () => parseNeware(s.join("\n"), "s.csv"),
      "s.csv",
      /line 8: column "Step Index": "1\.5" is not an integer/,
    );
  });

  it("leaves out a last row cut short with no line break after it (a cycler still writing), and notes it", () => {
    const rows = splitLines(neware);
    const whole = parseNeware(`${rows.join("\n")}\n`, "n.csv");
    expect(whole.metadata[CUT_LINE_KEY]).toBeUndefined();
    const last = rows[rows.length - 1]!;
    const cutText = `${rows.slice(0, -1).join("\n")}\n${last.slice(0, last.indexOf(",", 10) + 2)}`;
    const cut = parseNeware(cutText, "n.csv");
    expect(cut.n).toBe(whole.n - 1);
    expect(Array.from(cut.timeS)).toEqual(Array.from(whole.timeS.subarray(0, whole.n - 1)));
    expect(cut.metadata[CUT_LINE_KEY]).toMatch(new RegExp(`^line ${rows.length} was cut short`));
    // with a line break after it, the short row is damage, and still refused
    expect(() => parseNeware(`${cutText}\n`, "n.csv")).toThrow(InputError);
  });

  it("rejects short rows and headers without data", () => {
    const m = splitLines(maccor);
    m[20] = m[20]!.split("\t").slice(0, 6).join("\t");
    expectInputError(
      () => parseMaccor(m.join("\n"), "short.052"),
      "short.052",
      /line 21: 6 fields, but column "Volts" is field 9/,
    );
    expectInputError(
      () => parseArbin(`${splitLines(arbin)[0]}\n`, "h.csv"),
      "h.csv",
      /no data rows after the header \(line 1\)/,
    );
  });

  it("rejects missing columns, listing those present", () => {
    const noTime = splitLines(maccor)
      .map((l, i) => (i === 1 ? l.replace("Test (Sec)", "Test Clock") : l))
      .join("\n");
    expectInputError(
      () => parseMaccor(noTime, "nt.052"),
      "nt.052",
      /without a test time column; columns present: Rec#, Cyc#, Step, Test Clock/,
    );
    const header = splitLines(neware)[0]!.split(",");
    const keep = header.map((_, i) => i).filter((i) => ![4, 5, 20].includes(i));
    const cut = splitLines(neware)
      .map((l) => keep.map((i) => l.split(",")[i]).join(","))
      .join("\n");
    expectInputError(
      () => parseNeware(cut, "nt.csv"),
      "nt.csv",
      /without a time column; columns present: DataPoint, /,
    );
    const csv = "time,U,I\n0,3,1\n";
    const e = expectInputError(
      () => parseGenericCsv(csv, "g.csv", { time: "time", voltage: "Ewe", current: "I" }),
      "g.csv",
      /no column "Ewe" \(mapped as voltage\); columns present: "time", "U", "I"/,
    );
    expect(e.message).toBe('g.csv: no column "Ewe" (mapped as voltage); columns present: "time", "U", "I"');
  });
});

// ---------------------------------------------------------------------------------------------

describe("text helpers", () => {
  it("decodes UTF-8 with and without a BOM, UTF-16 and Latin-1", () => {
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0xc2, 0xb5]))).toBe("aµ");
    expect(decodeText(new Uint8Array([0x49, 0x2f, 0xb5, 0x41]))).toBe("I/µA");
    expect(decodeText(new Uint8Array([0xff, 0xfe, 0x61, 0, 0xb5, 0]))).toBe("aµ");
    expect(decodeText(new Uint8Array([0xfe, 0xff, 0, 0x61, 0, 0xb5]))).toBe("aµ");
    expect(decodeText("\ufeffx")).toBe("x");
  });

  it("splits lines and fields, detects delimiters", () => {
    expect(splitLines("a\r\nb\nc\rd\r\n")).toEqual(["a", "b", "c", "d"]);
    expect(detectDelimiter("a;b;c,d")).toBe(";");
    expect(detectDelimiter("a\tb,c")).toBe("\t");
    expect(detectDelimiter("a\tb\tc,d")).toBe("\t");
    expect(detectDelimiter('"a,b,c";d')).toBe(";");
    expect(splitFields(' 1 , "a ""q"", b" ,x', ",")).toEqual(["1", 'a "q", b', "x"]);
  });

  it("parses numbers, with a decimal comma only when allowed", () => {
    expect(parseNumber(" -1.5e-3 ")).toBe(-0.0015);
    expect(parseNumber("3,25")).toBeNaN();
    expect(parseNumber("3,25", true)).toBe(3.25);
    expect(parseNumber("1.000,5", true)).toBeNaN();
    for (const bad of ["", "N/A", "1.2.3", "0x10", "1e", "inf", "NaN", "--1"])
      expect(parseNumber(bad, true)).toBeNaN();
  });

  it("parses durations", () => {
    expect(parseDuration("144:02:18")).toBe(518538);
    expect(parseDuration("1-02:03:04.5")).toBe(93784.5);
    expect(parseDuration("1.02:03:04")).toBe(93784);
    expect(parseDuration("2d 00:00:01")).toBe(172801);
    expect(parseDuration("1 day, 00:00:00")).toBe(86400);
    expect(parseDuration("12,5", true)).toBe(12.5);
    expect(parseDuration("00:00:01,25")).toBe(1.25);
    for (const bad of ["1:60:00", "00:00:60", "1-24:00:00", "a:b:c", "12:30", ""])
      expect(parseDuration(bad)).toBeNaN();
  });

  it("parses date-times into zone-free local strings", () => {
    expect(parseLocalDateTime("2022-05-12 10:23:45")).toBe("2022-05-12T10:23:45");
    expect(parseLocalDateTime("2022/5/2 10:23:45.5")).toBe("2022-05-02T10:23:45.500");
    expect(parseLocalDateTime("05/12/2022 10:23:45 AM")).toBe("2022-05-12T10:23:45");
    expect(parseLocalDateTime("05/12/2022 12:23:45 AM")).toBe("2022-05-12T00:23:45");
    expect(parseLocalDateTime("05/12/2022 12:23:45 PM")).toBe("2022-05-12T12:23:45");
    expect(parseLocalDateTime("05/12/2022 10:23:45", "dmy")).toBe("2022-12-05T10:23:45");
    expect(parseLocalDateTime("25/12/2022 10:23")).toBe("2022-12-25T10:23:00");
    expect(parseLocalDateTime("12.05.2022 10:23:45")).toBe("2022-05-12T10:23:45");
    expect(parseLocalDateTime("10/22/2019")).toBe("2019-10-22T00:00:00");
    expect(parseLocalDateTime("2022-05-12T10:23:45,123")).toBe("2022-05-12T10:23:45.123");
    for (const bad of [
      "2022-02-30 00:00:00",
      "13/13/2022",
      "2022-05-12 24:00:00",
      "05/12/2022 13:00:00 PM",
      "yesterday",
    ]) {
      expect(parseLocalDateTime(bad)).toBeNull();
    }
  });

  it("finds the wall-clock zero from whole-second stamps", () => {
    const trueZero = Date.UTC(2020, 0, 1, 12, 0, 0) + 437;
    const t = Array.from({ length: 200 }, (_, i) => 1000 + i * 0.37);
    const stamps = t.map((s) => Math.floor((trueZero + s * 1000) / 1000) * 1000);
    expect(Math.abs(wallClockZero(stamps, t) - trueZero)).toBeLessThan(10);
    expect(wallClockZero([Number.NaN, Number.NaN], [0, 1])).toBeNaN();
  });
});

describe("text helpers — properties", () => {
  it("parseNumber reads back any finite double, in any notation", () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.integer({ min: 0, max: 16 }),
        (x, digits) => {
          const y = x + 0; // −0 is written "0"
          expect(parseNumber(String(x))).toBe(y);
          expect(parseNumber(x.toExponential())).toBe(y);
          const e = x.toExponential(digits);
          expect(parseNumber(e)).toBe(Number(e));
          expect(parseNumber(String(x).replace(".", ","), true)).toBe(y);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("parseDuration reads back days/hours/minutes/seconds in every layout", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 999 }),
        (d, h, m, s, ms) => {
          const p2 = (v: number) => String(v).padStart(2, "0");
          const frac = `.${String(ms).padStart(3, "0")}`;
          const total = ((d * 24 + h) * 60 + m) * 60 + s + ms / 1000;
          const tail = `${p2(h)}:${p2(m)}:${p2(s)}${frac}`;
          for (const text of [
            `${d * 24 + h}:${p2(m)}:${p2(s)}${frac}`,
            `${d}-${tail}`,
            `${d}.${tail}`,
            `${d}d ${tail}`,
            `${d} days, ${tail}`,
          ]) {
            expect(parseDuration(text)).toBeCloseTo(total, 6);
          }
          expect(parseDuration(String(total))).toBe(total);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("parseLocalDateTime reads back any wall-clock time in ISO, US 12-hour and dotted layouts", () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date(Date.UTC(1970, 0, 1)),
          max: new Date(Date.UTC(2099, 11, 31)),
          noInvalidDate: true,
        }),
        (date) => {
          const ms = date.getTime();
          const expected = formatLocal(ms);
          const y = date.getUTCFullYear();
          const mo = date.getUTCMonth() + 1;
          const d = date.getUTCDate();
          const h = date.getUTCHours();
          const mi = date.getUTCMinutes();
          const s = date.getUTCSeconds();
          const f = date.getUTCMilliseconds();
          const p2 = (v: number) => String(v).padStart(2, "0");
          const time = `${p2(h)}:${p2(mi)}:${p2(s)}.${String(f).padStart(3, "0")}`;
          const h12 = h % 12 || 12;
          const ampm = h < 12 ? "AM" : "PM";
          for (const text of [
            `${y}-${p2(mo)}-${p2(d)} ${time}`,
            `${y}-${p2(mo)}-${p2(d)}T${time}`,
            `${y}/${mo}/${d} ${time}`,
            `${mo}/${d}/${y} ${h12}:${p2(mi)}:${p2(s)}.${String(f).padStart(3, "0")} ${ampm}`,
            `${p2(d)}.${p2(mo)}.${y} ${time}`,
          ]) {
            expect(parseLocalDateTime(text)).toBe(expected);
          }
          expect(parseLocalDateTime(`${d}/${mo}/${y} ${time}`, "dmy")).toBe(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("splitFields reads back quoted fields", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(",", "\t", ";") as fc.Arbitrary<"," | "\t" | ";">,
        fc.array(fc.string({ unit: fc.constantFrom("a", "1", " ", ",", ";", "\t", '"', "µ") }), {
          minLength: 1,
          maxLength: 8,
        }),
        (delim, fields) => {
          const line = fields.map((f) => `"${f.replace(/"/g, '""')}"`).join(delim);
          expect(splitFields(line, delim)).toEqual(fields);
        },
      ),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe("generic CSV", () => {
  it("reads a semicolon table with decimal commas, HH:MM:SS times and a date-time column", () => {
    const text = [
      "# exported by a home-made logger",
      "",
      "Zeit;Datum;U / V;I / A;Q / Ah;Schritt",
      "00:00:00;12.05.2022 10:00:00;3,50;0,000;0,0;1",
      "00:00:30;12.05.2022 10:00:30;3,45;-0,010;0,0;2",
      "00:01:00;12.05.2022 10:01:00;3,40;-0,010;-0,0000833;2",
    ].join("\r\n");
    const r = parseGenericCsv(text, "g.csv", {
      time: "Zeit",
      voltage: "U / V",
      current: "I / A",
      charge: "Q / Ah",
      step: "Schritt",
      datetime: "Datum",
      currentUnit: "A",
      chargeUnit: "Ah",
    });
    checkShape(r);
    expect(r.format).toBe("generic-csv");
    expect(Array.from(r.timeS)).toEqual([0, 30, 60]);
    expect(Array.from(r.currentMA)).toEqual([0, -10, -10]);
    expect(r.chargeMAh![2]).toBeCloseTo(-0.0833, 12);
    expect(Array.from(r.step!)).toEqual([1, 2, 2]);
    expect(r.startLocal).toBe("2022-05-12T10:00:00");
    expect(r.metadata["preamble1"]).toBe("# exported by a home-made logger");
  });

  it("turns a time column of date-times into seconds", () => {
    const r = parseGenericCsv("when,V,mA\n2022-05-12 23:59:59,3,1\n2022-05-13 00:00:09.5,3.1,1\n", "d.csv", {
      time: "when",
      voltage: "v",
      current: "MA",
    });
    expect(Array.from(r.timeS)).toEqual([0, 10.5]);
    expect(r.startLocal).toBe("2022-05-12T23:59:59");
  });

  const mappingArb = fc.record({
    delimiter: fc.constantFrom(",", "\t", ";"),
    decimalComma: fc.boolean(),
    timeUnit: fc.constantFrom("s", "min", "h") as fc.Arbitrary<"s" | "min" | "h">,
    currentUnit: fc.constantFrom("mA", "A", "uA") as fc.Arbitrary<"mA" | "A" | "uA">,
    chargeUnit: fc.constantFrom("mAh", "Ah") as fc.Arbitrary<"mAh" | "Ah">,
    names: fc.uniqueArray(fc.stringMatching(/^[A-Za-z][A-Za-z0-9 _()/.]{0,8}[A-Za-z0-9)]$/), {
      minLength: 8,
      maxLength: 8,
      selector: (s) => s.toLowerCase(),
    }),
    order: fc.shuffledSubarray([0, 1, 2, 3, 4, 5, 6, 7], { minLength: 8, maxLength: 8 }),
    exponent: fc.boolean(),
    rows: fc.array(
      fc.tuple(
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        fc.double({ min: -1e4, max: 1e4, noNaN: true }),
        fc.double({ min: -1e3, max: 1e3, noNaN: true }),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: -5, max: 100000 }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        fc.string({ unit: fc.constantFrom("x", "y", " ", "-") }),
      ),
      { minLength: 1, maxLength: 40 },
    ),
  });

  it("reads back a random table written with any delimiter, unit and column order", () => {
    fc.assert(
      fc.property(mappingArb, (g) => {
        const comma = g.decimalComma && g.delimiter !== ",";
        const num = (x: number) => {
          const s = g.exponent ? x.toExponential() : String(x);
          return comma ? s.replace(".", ",") : s;
        };
        const quote = (s: string) => (/[,;\t"]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s);
        const cols = g.order;
        const header = cols.map((c) => quote(g.names[c]!)).join(g.delimiter);
        const body = g.rows.map((row) =>
          cols
            .map((c) => {
              const v = row[c]!;
              if (c === 7) return quote(`junk${v as string}`);
              return typeof v === "number" && (c === 4 || c === 5) ? String(v) : num(v as number);
            })
            .join(g.delimiter),
        );
        const text = [header, ...body].join(g.delimiter === "\t" ? "\n" : "\r\n");
        const mapping: GenericCsvMapping = {
          time: g.names[0]!,
          voltage: g.names[1]!,
          current: g.names[2]!,
          charge: g.names[3]!,
          step: g.names[4]!,
          cycle: g.names[5]!,
          timeUnit: g.timeUnit,
          currentUnit: g.currentUnit,
          chargeUnit: g.chargeUnit,
        };
        const r = parseGenericCsv(enc(text), "rt.csv", mapping);
        const tf = { s: 1, min: 60, h: 3600 }[g.timeUnit];
        const cf = { mA: 1, A: 1000, uA: 1e-3 }[g.currentUnit];
        const qf = { mAh: 1, Ah: 1000 }[g.chargeUnit];
        expect(r.n).toBe(g.rows.length);
        expect(r.columns).toEqual(cols.map((c) => g.names[c]!.trim()));
        g.rows.forEach((row, i) => {
          // (+ 0 on both sides: a −0 is written "0", and 5e-324 · 1e-3 is −0 or +0)
          expect(r.timeS[i]! + 0).toBe(row[0] * tf + 0);
          expect(r.eweV[i]! + 0).toBe(row[1] + 0);
          expect(r.currentMA[i]! + 0).toBe(row[2] * cf + 0);
          expect(r.chargeMAh![i]! + 0).toBe((row[3] - g.rows[0]![3]) * qf + 0);
          expect(r.step![i]).toBe(row[4]);
          expect(r.cycle![i]).toBe(row[5]);
        });
      }),
      { numRuns: 300 },
    );
  });
});
