/**
 * BioLogic EC-Lab readers on real files (test/fixtures/echem/, origins in test/fixtures/README.md):
 * each .mpr against the .mpt export EC-Lab made of it, header metadata, decimal commas, Latin-1,
 * and bad input.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectInputErrorSync as expectInputError } from "../../test/support/errors.js";
import { fixturePath, readFixture } from "../../test/support/fixtures.js";
import { InputError } from "../util/errors.js";
import { parseMpr, parseMprTable, readMpr } from "./biologic-mpr.js";
import {
  decodeEcLabText,
  type EcLabTable,
  ecLabDateToLocal,
  isEcLabNumber,
  parseEcLabNumber,
  parseMpt,
  parseMptTable,
  readMpt,
} from "./biologic-mpt.js";
import { CUT_LINE_KEY } from "./csv-text.js";
import type { CyclerRecords } from "./types.js";

const GCPL_MPR = "yadg_gcpl.issue_149.mpr";
const GCPL_MPT = "yadg_gcpl.issue_149.mpt";
const PEIS_MPR = "yadg_peis.mpr";
const PEIS_MPT = "yadg_peis.mpt";
const PEREX_MPT = "perex_220726cell4operandoxascontinuation_C06.mpt.gz";

const bytesOf = (name: string): Uint8Array => new Uint8Array(readFixture("echem", name));
const latin1Bytes = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, "latin1"));
const latin1Text = (b: Uint8Array): string => Buffer.from(b).toString("latin1");

function column(t: EcLabTable, name: string): Float64Array {
  const k = t.columns.findIndex((c) => c.trim() === name);
  if (k < 0) throw new Error(`no column ${name} in ${t.file}`);
  return t.values[k]!;
}

/** Largest |a−b| / max(|b|, floor) over the rows (NaN if the lengths differ). */
function worstRel(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-12): number {
  if (a.length !== b.length) return Number.NaN;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), floor);
    if (d > worst) worst = d;
  }
  return worst;
}

/** Where the module whose short name is `name` keeps its data: [start, length]. */
function moduleData(bytes: Uint8Array, name: string): [number, number] {
  const text = latin1Text(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = text.indexOf("MODULE");
  while (at >= 0) {
    const h = at + 6;
    const extended = view.getUint32(h + 35, true) === 0xffffffff;
    const length = view.getUint32(extended ? h + 39 : h + 35, true);
    const start = h + (extended ? 59 : 51);
    if (text.slice(h, h + 10).trim() === name) return [start, length];
    at = start + length;
  }
  throw new Error(`no module ${name}`);
}

describe("EC-Lab .mpr vs its .mpt export (GCPL, EC-Lab 11.50, data module version 0 + VMP loop)", () => {
  const mprTable = parseMprTable(bytesOf(GCPL_MPR), GCPL_MPR);
  const mptTable = parseMptTable(bytesOf(GCPL_MPT), GCPL_MPT);
  const mpr = parseMpr(bytesOf(GCPL_MPR), GCPL_MPR);
  const mpt = parseMpt(bytesOf(GCPL_MPT), GCPL_MPT);

  it("has the same records and start time", () => {
    expect(mpr.format).toBe("biologic-mpr");
    expect(mpt.format).toBe("biologic-mpt");
    expect(mpr.n).toBe(132);
    expect(mpt.n).toBe(132);
    expect(mpr.startLocal).toBe("2024-01-10T11:02:29.886");
    expect(mpt.startLocal).toBe("2024-01-10T11:02:29.886");
    expect(mpr.unixTimeS).toBeNull();
  });

  it("gives identical time/s, Ewe/V, Ns, (Q-Qo) and mode row by row", () => {
    expect(worstRel(mpr.timeS, mpt.timeS)).toBeLessThan(1e-6);
    expect(worstRel(mpr.eweV, mpt.eweV)).toBeLessThan(1e-6);
    expect(Array.from(mpr.step!)).toEqual(Array.from(mpt.step!));
    expect(worstRel(mpr.chargeMAh!, mpt.chargeMAh!)).toBeLessThan(1e-6);
    expect(Array.from(mpr.mode!)).toEqual(Array.from(mpt.mode!));
    expect(new Set(mpt.mode)).toEqual(new Set([1, 3]));
    expect(mpt.timeS[0]).toBeCloseTo(30.15299923827115, 12);
    expect(mpt.eweV[0]).toBeCloseTo(3.4228721, 7);
  });

  it("decodes every .mpr column, the flags byte's bits included, to the .mpt's values", () => {
    expect(mprTable.columns).toEqual([
      "mode",
      "ox/red",
      "error",
      "control changes",
      "Ns changes",
      "counter inc.",
      "Ns",
      "time/s",
      "dq/mA.h",
      "(Q-Qo)/mA.h",
      "control/V/mA",
      "Ewe/V",
      "I Range",
      "Q charge/discharge/mA.h",
      "half cycle",
      "P/W",
    ]);
    for (const name of mprTable.columns) {
      expect(worstRel(column(mprTable, name), column(mptTable, name)), name).toBeLessThan(1e-6);
    }
  });

  it("derives the current from dq as EC-Lab's <I>/mA (the .mpr stores no current)", () => {
    expect(mpr.metadata["current from"]).toBe("3600·dq/mA.h/Δ(time/s)");
    expect(mpt.metadata["current from"]).toBe("<I>/mA");
    let worst = 0;
    for (let k = 0; k < mpr.n; k++) {
      const d = Math.abs(mpr.currentMA[k]! - mpt.currentMA[k]!);
      if (d > 1e-12) worst = Math.max(worst, d / Math.abs(mpt.currentMA[k]!));
    }
    expect(worst).toBeLessThan(1e-6);
    // 30 µA charge (Ns 1), then −30 µA discharge (Ns 2): the sign convention of the contract.
    const at = (ns: number) => mpr.currentMA[mpr.step!.indexOf(ns) + 3]!;
    expect(at(1)).toBeCloseTo(0.03, 4);
    expect(at(2)).toBeCloseTo(-0.03, 4);
  });

  it("reads module, technique, loop and log metadata", () => {
    const m = mpr.metadata;
    expect(m["modules"]).toBe("VMP Set, VMP data, VMP LOG, VMP loop");
    expect(m["data module version"]).toBe("0/11");
    expect(m["column ids"]).toBe("1,2,3,21,31,65,131,4,7,13,5,6,39,467,468,70");
    expect(m["technique code"]).toBe(4);
    expect(m["technique"]).toBe(mpt.metadata["technique"]);
    expect(m["software version"]).toBe("11.50");
    expect(m["software version"]).toBe(mpt.metadata["software version"]);
    expect(m["device serial number"]).toBe("1854");
    expect(String(mpt.metadata["Device"])).toContain("(SN 1854)");
    expect(m["Number of loops"]).toBe(4);
    expect(m["Number of loops"]).toBe(mpt.metadata["Number of loops"]);
    // The .mpt lists "Loop k from point number a to b".
    const text = latin1Text(bytesOf(GCPL_MPT));
    const starts = [...text.matchAll(/^Loop \d+ from point number (\d+) to/gm)].map((x) => x[1]);
    expect(m["loop starts"]).toBe(starts.join(","));
  });
});

describe("EC-Lab .mpr vs its .mpt export (PEIS, EC-Lab 11.33, data module version 3)", () => {
  const mprTable = parseMprTable(bytesOf(PEIS_MPR), PEIS_MPR);
  const mptTable = parseMptTable(bytesOf(PEIS_MPT), PEIS_MPT);
  const mpr = parseMpr(bytesOf(PEIS_MPR), PEIS_MPR);
  const mpt = parseMpt(bytesOf(PEIS_MPT), PEIS_MPT);

  it("has the same 32 records, times and potentials", () => {
    expect(mpr.n).toBe(32);
    expect(mpt.n).toBe(32);
    expect(mpr.startLocal).toBe("2021-03-02T16:17:59.000");
    expect(mpt.startLocal).toBe("2021-03-02T16:17:59.000");
    expect(worstRel(mpr.timeS, mpt.timeS)).toBeLessThan(1e-6);
    expect(worstRel(mpr.eweV, mpt.eweV)).toBeLessThan(1e-6);
    expect(worstRel(mpr.currentMA, mpt.currentMA)).toBeLessThan(1e-6);
    expect(Array.from(mpr.cycle!)).toEqual(Array.from(mpt.cycle!));
    // No Ns and no mode in an impedance file.
    expect(mpr.step).toBeNull();
    expect(mpr.mode).toBeNull();
    expect(mpt.mode).toBeNull();
    expect(mpr.metadata["current from"]).toBe("<I>/mA");
  });

  it("decodes all 25 .mpr columns to the .mpt's values; the other columns stay in the table", () => {
    expect(mprTable.columns).toHaveLength(25);
    expect(mprTable.metadata["data module version"]).toBe(3);
    for (const name of mprTable.columns) {
      expect(worstRel(column(mprTable, name), column(mptTable, name)), name).toBeLessThan(1e-6);
    }
    expect(mptTable.columns).toHaveLength(30);
    expect(column(mptTable, "freq/Hz")[0]).toBeCloseTo(199998.14, 2);
    expect(mprTable.metadata["technique"]).toBe("Potentio Electrochemical Impedance Spectroscopy");
    expect(mptTable.metadata["technique"]).toBe("Potentio Electrochemical Impedance Spectroscopy");
  });

  it("reads the files from disk", async () => {
    const a = await readMpr(fixturePath("echem", PEIS_MPR));
    const b = await readMpt(fixturePath("echem", PEIS_MPT));
    expect(a.file).toBe(fixturePath("echem", PEIS_MPR));
    expect(a.n).toBe(32);
    expect(b.n).toBe(32);
  });
});

describe("EC-Lab .mpt header and text", () => {
  it("reads the header metadata, numbers with decimal commas, and µ from Latin-1", () => {
    const bytes = bytesOf(GCPL_MPT);
    expect(bytes.filter((b) => b === 0xb5).length).toBe(7); // µ as one Latin-1 byte
    const r = parseMpt(bytes, GCPL_MPT);
    const m = r.metadata;
    expect(m["Nb header lines"]).toBe(81);
    expect(m["technique"]).toBe("Galvanostatic Cycling with Potential Limitation");
    expect(m["Device"]).toBe("SP-300 (SN 1854)");
    expect(m["EC-Lab for windows"]).toBe("11.50");
    expect(m["Acquisition started on"]).toBe("01/10/2024 11:02:29.886");
    expect(m["technique start"]).toBe("2024-01-10T11:03:00.039");
    expect(m["Characteristic mass"]).toBe("0,001 g");
    expect(m["Characteristic mass/g"]).toBe(0.001);
    expect(m["Number of loops"]).toBe(4);
    expect(m["Saved on / File"]).toBe("***.mpr");
    expect(m["decimal separator"]).toBe(",");
    expect(r.columns).toHaveLength(29);
    expect(r.columns).toContain("Capacitance charge/µF");
    expect(r.columns).toContain("cycle number");
    expect(Array.from(r.cycle!.slice(-1))).toEqual([3]);
  });

  it("reads a point-decimal export the same way", () => {
    const r = parseMpt(bytesOf(PEIS_MPT), PEIS_MPT);
    expect(r.metadata["decimal separator"]).toBe(".");
    expect(r.metadata["Device"]).toBe("SP-240 (SN 0200)");
    expect(r.metadata["Nb header lines"]).toBe(70);
    expect(r.columns).toContain("Cs/µF");
  });

  it("reads the perex operando log: CRLF, decimal comma with exponent, 1402 records", () => {
    const bytes = bytesOf(PEREX_MPT);
    expect(latin1Text(bytes.subarray(0, 40))).toContain("\r\n");
    const r = parseMpt(bytes, "perex.mpt");
    expect(r.n).toBe(1402);
    expect(r.columns).toHaveLength(29);
    expect(r.startLocal).toBe("2022-07-28T13:31:45.341");
    expect(r.timeS[0]).toBe(0);
    expect(r.timeS[r.n - 1]).toBe(34506.66915262747);
    expect(Math.min(...r.eweV)).toBe(3.000011);
    expect(Math.max(...r.eweV)).toBe(4.3014698);
    expect(r.eweV[0]).toBe(3.7516155);
    const m = r.metadata;
    expect(m["Device"]).toBe("VMP3 (SN 0198)");
    expect(m["software version"]).toBe("11.43");
    expect(m["Mass of active material/mg"]).toBe(7000);
    expect(m["Comments"]).toBe("Li-ion 18650 1.35 A.h; GITT");
    // "Acquisition started at : xo = 0,900" is another key, not the start time.
    expect(m["Acquisition started at"]).toBe("xo = 0,900");
    expect(m["decimal separator"]).toBe(",");
    // Charge at +385 µA on Ns 1 (then a CV hold, mode 2), discharge at −385 µA on Ns 2: EC-Lab's
    // sign convention, kept. (<I> averages over a record, so the first one after a switch differs.)
    const near = (ns: number, target: number) => {
      let all = 0;
      let hit = 0;
      for (let k = 0; k < r.n; k++) {
        if (r.mode![k] !== 1 || r.step![k] !== ns) continue;
        all++;
        if (Math.abs(r.currentMA[k]! - target) < 0.005) hit++;
      }
      return hit / all;
    };
    expect(near(1, 0.385)).toBeGreaterThan(0.97);
    expect(near(2, -0.385)).toBeGreaterThan(0.97);
    expect(new Set(r.mode)).toEqual(new Set([1, 2, 3]));
    expect(r.chargeMAh).not.toBeNull();
  });

  it("reads a 3-line header (no settings, no start time) and converts µA and A to mA", () => {
    const text =
      "EC-Lab ASCII FILE\r\nNb header lines : 3                           \r\n" +
      "mode\ttime/s\tEwe/V\tI/µA\t(Q-Qo)/C\tNs\t\r\n" +
      "3\t0,0\t3,5\t0\t0\t0\r\n1\t1,0\t3,6\t-250,0\t-0,25\t1\r\n1\t2,0\t3,7\t-250,0\t-0,5\t1\r\n";
    const r = parseMpt(latin1Bytes(text), "short.mpt");
    expect(r.n).toBe(3);
    expect(r.startLocal).toBeNull();
    expect(Array.from(r.currentMA)).toEqual([0, -0.25, -0.25]);
    expect(r.chargeMAh![2]).toBeCloseTo(-0.5 / 3.6, 12);
    expect(Array.from(r.mode!)).toEqual([3, 1, 1]);
    expect(Array.from(r.step!)).toEqual([0, 1, 1]);
    expect(r.cycle).toBeNull();
    const amps = parseMpt(latin1Bytes(text.replace("I/µA", "<I>/A")), "a.mpt");
    expect(Array.from(amps.currentMA)).toEqual([0, -250000, -250000]);
  });

  it("reads an export re-saved as UTF-8 (with a byte-order mark) like the original", () => {
    const original = parseMpt(bytesOf(PEIS_MPT), PEIS_MPT);
    const utf8 = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(latin1Text(bytesOf(PEIS_MPT)), "utf8"),
    ]);
    const again = parseMpt(new Uint8Array(utf8), PEIS_MPT);
    expect(again.columns).toEqual(original.columns);
    expect(Array.from(again.eweV)).toEqual(Array.from(original.eweV));
    expect(again.metadata).toEqual(original.metadata);
  });

  it("reads an export with no records", () => {
    const r = parseMpt(
      latin1Bytes("EC-Lab ASCII FILE\nNb header lines : 3\ntime/s\tEwe/V\tI/mA\t\n"),
      "e.mpt",
    );
    expect(r.n).toBe(0);
    expect(r.timeS).toHaveLength(0);
  });
});

describe("EC-Lab numbers and dates", () => {
  it("parses decimal commas and points, exponents, NaN and Inf; rejects the rest", () => {
    expect(parseEcLabNumber("3,7516155E+000")).toBe(3.7516155);
    expect(parseEcLabNumber("-1.0988599E+002")).toBe(-109.88599);
    expect(parseEcLabNumber("0,000000000000000E+000")).toBe(0);
    expect(parseEcLabNumber("1,5")).toBe(1.5);
    expect(parseEcLabNumber(" 42 ")).toBe(42);
    expect(parseEcLabNumber("-Inf")).toBe(Number.NEGATIVE_INFINITY);
    expect(parseEcLabNumber("NaN")).toBeNaN();
    expect(isEcLabNumber("NaN")).toBe(true);
    for (const bad of ["", "1.000,5", "1,2,3", "0x10", "abc", "3,5 V", "1e", "--1", "1 000"]) {
      expect(isEcLabNumber(bad), bad).toBe(false);
      expect(parseEcLabNumber(bad), bad).toBeNaN();
    }
  });

  it("round-trips every double written the EC-Lab way, with either decimal separator", () => {
    const ecLab = (x: number, sep: string): string => {
      const [mantissa, exp] = x.toExponential(16).split("e") as [string, string];
      const e = Number(exp);
      return `${mantissa.replace(".", sep)}E${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(3, "0")}`;
    };
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.constantFrom(",", "."),
        (x, sep) => {
          const back = parseEcLabNumber(ecLab(x, sep));
          return back === x; // −0 reads back as 0, equal under ===
        },
      ),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.nat(6), (i, decimals) => {
        const s = (i / 1000).toFixed(decimals).replace(".", ",");
        return parseEcLabNumber(s) === Number(s.replace(",", "."));
      }),
    );
  });

  it("converts EC-Lab's MM/DD/YYYY local time", () => {
    expect(ecLabDateToLocal("01/10/2024 11:02:29.886")).toBe("2024-01-10T11:02:29.886");
    expect(ecLabDateToLocal("01/16/2020 14:13:34")).toBe("2020-01-16T14:13:34.000");
    expect(ecLabDateToLocal("7/8/22 3:04:05.5")).toBe("2022-07-08T03:04:05.500");
    expect(ecLabDateToLocal("13/01/2024 11:02:29.886")).toBeNull();
    expect(ecLabDateToLocal("02/30/2024 11:02:29")).toBeNull();
    expect(ecLabDateToLocal("2024-01-10 11:02:29")).toBeNull();
  });
});

describe("EC-Lab .mpt line endings", () => {
  const text = latin1Text(bytesOf(GCPL_MPT));
  const lines = text.split(/\r?\n/);
  const reference = parseMpt(bytesOf(GCPL_MPT), GCPL_MPT);
  const same = (a: CyclerRecords, b: CyclerRecords) => {
    expect(a.n).toBe(b.n);
    expect(a.columns).toEqual(b.columns);
    expect(a.metadata).toEqual(b.metadata);
    expect(a.startLocal).toBe(b.startLocal);
    expect(Array.from(a.timeS)).toEqual(Array.from(b.timeS));
    expect(Array.from(a.eweV)).toEqual(Array.from(b.eweV));
    expect(Array.from(a.currentMA)).toEqual(Array.from(b.currentMA));
  };

  it("gives the same result for any mix of CRLF and LF", () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: lines.length, maxLength: lines.length }), (crlf) => {
        const mixed = lines
          .map((l, k) => (k < lines.length - 1 ? l + (crlf[k] ? "\r\n" : "\n") : l))
          .join("");
        same(parseMpt(latin1Bytes(mixed), GCPL_MPT), reference);
      }),
      { numRuns: 40 },
    );
  });

  it("reads a random table written the EC-Lab way back exactly", () => {
    const row = fc.tuple(
      fc.integer({ min: 1, max: 3 }),
      fc.double({ min: 0, max: 1e6, noNaN: true }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
    );
    fc.assert(
      fc.property(
        fc.array(row, { maxLength: 30 }),
        fc.constantFrom(",", "."),
        fc.boolean(),
        (rows, sep, crlf) => {
          const eol = crlf ? "\r\n" : "\n";
          const num = (x: number) => x.toExponential(16).replace(".", sep).replace("e", "E");
          const body = rows.map(([m, t, e]) => `${m}\t${num(t)}\t${num(e)}\t0`).join(eol);
          const file = `EC-Lab ASCII FILE${eol}Nb header lines : 3${eol}mode\ttime/s\tEwe/V\tI/mA\t${eol}${body}`;
          const r = parseMpt(latin1Bytes(file), "r.mpt");
          expect(r.n).toBe(rows.length);
          rows.forEach(([m, t, e], k) => {
            expect(r.mode![k]).toBe(m);
            expect(r.timeS[k] === t).toBe(true);
            expect(r.eweV[k] === e).toBe(true);
          });
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe("EC-Lab bad input → one InputError naming the file", () => {
  const gcplText = latin1Text(bytesOf(GCPL_MPT));

  it("refuses a file that is not an EC-Lab export", () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expectInputError(() => parseMpt(png, "x.png"), "x.png", /not an EC-Lab ASCII export/);
    expectInputError(() => parseMpr(png, "x.png"), "x.png", /not a BioLogic \.mpr file/);
    expectInputError(() => parseMpt(latin1Bytes("time/s,Ewe/V\n0,3.5\n"), "a.csv"), "a.csv", /first line/);
    // An .mpr given to the text reader and the other way round.
    expectInputError(() => parseMpt(bytesOf(GCPL_MPR), GCPL_MPR), GCPL_MPR, /not an EC-Lab ASCII export/);
    expectInputError(() => parseMpr(bytesOf(GCPL_MPT), GCPL_MPT), GCPL_MPT, /not a BioLogic \.mpr file/);
  });

  it("refuses a wrong 'Nb header lines'", () => {
    for (const wrong of [80, 82, 79, 3]) {
      const bad = gcplText.replace("Nb header lines : 81", `Nb header lines : ${wrong}`);
      expectInputError(
        () => parseMpt(latin1Bytes(bad), "wrong.mpt"),
        "wrong.mpt",
        new RegExp(`"Nb header lines : ${wrong}" is wrong: line ${wrong} is not the column-name line`),
      );
    }
    const huge = gcplText.replace("Nb header lines : 81", "Nb header lines : 9999");
    expectInputError(() => parseMpt(latin1Bytes(huge), "w.mpt"), "w.mpt", /the file has only 213 lines/);
    const none = gcplText.replace("Nb header lines : 81", "Nb header lines = 81");
    expectInputError(
      () => parseMpt(latin1Bytes(none), "w.mpt"),
      "w.mpt",
      /line 2 is .*expected "Nb header lines/,
    );
  });

  it("leaves out a last record the cycler was still writing, and says so; a cut inside the file is refused", () => {
    const whole = parseMpt(latin1Bytes(gcplText), "f.mpt");
    expect(whole.metadata[CUT_LINE_KEY]).toBeUndefined();
    const lines = gcplText.replace(/\n$/, "").split("\n");
    const last = lines[lines.length - 1]!;
    // cut in the middle of its 12th field, as a copy taken while EC-Lab writes the line
    const cutAt = last.split("\t").slice(0, 11).join("\t").length + 3;
    const cut = parseMpt(latin1Bytes(`${lines.slice(0, -1).join("\n")}\n${last.slice(0, cutAt)}`), "f.mpt");
    expect(cut.n).toBe(whole.n - 1);
    expect(Array.from(cut.eweV)).toEqual(Array.from(whole.eweV.subarray(0, whole.n - 1)));
    expect(cut.metadata[CUT_LINE_KEY]).toMatch(
      new RegExp(`^line ${lines.length} was cut short \\(12 of 29 fields`),
    );
    // the same short line followed by a line break is a damaged file, not one being written
    expectInputError(
      () => parseMpt(latin1Bytes(`${lines.slice(0, -1).join("\n")}\n${last.slice(0, cutAt)}\n`), "f.mpt"),
      "f.mpt",
      new RegExp(`line ${lines.length}: 12 fields, but the column-name line`),
    );
  });

  it("refuses a record with too few or too many fields, or a field that is not a number", () => {
    const lines = gcplText.split("\n");
    const short = [...lines];
    short[89] = short[89]!.split("\t").slice(0, 28).join("\t");
    expectInputError(
      () => parseMpt(latin1Bytes(short.join("\n")), "f.mpt"),
      "f.mpt",
      /^f\.mpt: line 90: 28 fields, but the column-name line \(line 81\) names 29 columns$/,
    );
    const long = [...lines];
    long[99] = `${long[99]}\t1\t2`;
    expectInputError(() => parseMpt(latin1Bytes(long.join("\n")), "f.mpt"), "f.mpt", /line 100: 31 fields/);
    const blank = [...lines];
    blank[120] = "";
    expectInputError(
      () => parseMpt(latin1Bytes(blank.join("\n")), "f.mpt"),
      "f.mpt",
      /line 121: an empty line/,
    );
    const text = [...lines];
    const fields = text[84]!.split("\t");
    fields[11] = "3,42abc";
    text[84] = fields.join("\t");
    expectInputError(
      () => parseMpt(latin1Bytes(text.join("\n")), "f.mpt"),
      "f.mpt",
      /line 85, column "Ewe\/V": "3,42abc" is not a number/,
    );
  });

  it("refuses an unreadable acquisition time and absolute-time exports", () => {
    const bad = gcplText.replace("01/10/2024 11:02:29.886", "10.01.2024 11:02:29.886");
    expectInputError(
      () => parseMpt(latin1Bytes(bad), "t.mpt"),
      "t.mpt",
      /cannot read "Acquisition started on/,
    );
    const abs =
      "EC-Lab ASCII FILE\nNb header lines : 3\ntime/s\tEwe/V\tI/mA\t\n01/10/2024 11:02:29.8860\t3,5\t0\n";
    expectInputError(
      () => parseMpt(latin1Bytes(abs), "abs.mpt"),
      "abs.mpt",
      /absolute date.*Time format : Elapsed/,
    );
  });

  it("refuses an export without time or potential", () => {
    const noE = "EC-Lab ASCII FILE\nNb header lines : 3\ntime/s\tI/mA\t\n0\t1\n";
    expectInputError(() => parseMpt(latin1Bytes(noE), "n.mpt"), "n.mpt", /no potential column/);
    const noT = "EC-Lab ASCII FILE\nNb header lines : 3\nEwe/V\tI/mA\t\n0\t1\n";
    expectInputError(() => parseMpt(latin1Bytes(noT), "n.mpt"), "n.mpt", /no "time\/s" column/);
  });

  it("refuses a truncated .mpr, wherever it is cut", () => {
    const bytes = bytesOf(GCPL_MPR);
    const [start, length] = moduleData(bytes, "VMP data");
    for (const cut of [start + 1007 + 53 * 50 + 7, start + 10, start - 20, start + length + 5, 60, 30]) {
      expectInputError(
        () => parseMpr(bytes.slice(0, cut), "cut.mpr"),
        "cut.mpr",
        /truncated \.mpr|not a BioLogic/,
      );
    }
    expectInputError(
      () => parseMpr(bytes.slice(0, start + 1007 + 53 * 50 + 7), "cut.mpr"),
      "cut.mpr",
      /truncated \.mpr: module "VMP data" declares 8003 bytes but only 3\d+ remain/,
    );
    // Cut exactly between two modules: the log module is lost but nothing is half-read.
    const [logStart] = moduleData(bytes, "VMP LOG");
    const head = parseMpr(bytes.slice(0, logStart - 65), "head.mpr");
    expect(head.n).toBe(132);
    expect(head.startLocal).toBeNull();
  });

  it("refuses an unknown column id instead of shifting the columns", () => {
    const bytes = bytesOf(GCPL_MPR);
    const [start] = moduleData(bytes, "VMP data");
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // Column 12 (after 11 ids) is Ewe/V, id 6, in this file.
    expect(view.getUint16(start + 6 + 2 * 11, true)).toBe(6);
    const unknown = bytes.slice();
    new DataView(unknown.buffer).setUint16(start + 6 + 2 * 11, 999, true);
    expectInputError(
      () => parseMpr(unknown, "x.mpr"),
      "x.mpr",
      /^x\.mpr: unknown data column id 999 in the VMP data module \(column 12 of 16\); export the file as \.mpt from EC-Lab and read that$/,
    );
    // An id documented in galvani's table (173, Cp-2/µF-2, f32 like Ewe) is read by its name.
    const documented = bytes.slice();
    new DataView(documented.buffer).setUint16(start + 6 + 2 * 11, 173, true);
    expect(parseMprTable(documented, "y.mpr").columns).toContain("Cp-2/µF-2");
    // A known id of another size would move every later column: the module length gives it away.
    const wider = bytes.slice();
    new DataView(wider.buffer).setUint16(start + 6 + 2 * 11, 7, true);
    expectInputError(
      () => parseMpr(wider, "w.mpr"),
      "w.mpr",
      /VMP data module holds 8003 bytes .* need 8531; the column layout is not understood/,
    );
  });

  it("refuses an unsupported data module version and a file without data", () => {
    const bytes = bytesOf(PEIS_MPR);
    const [start] = moduleData(bytes, "VMP data");
    const v1 = bytes.slice();
    new DataView(v1.buffer).setUint32(start - 12, 1, true); // version, before the 8-byte date
    expectInputError(
      () => parseMpr(v1, "v.mpr"),
      "v.mpr",
      /VMP data module version 1 is not supported; export the file as \.mpt/,
    );
    const renamed = bytes.slice();
    renamed.set(latin1Bytes("VMP dat@"), start - 51);
    expectInputError(() => parseMpr(renamed, "r.mpr"), "r.mpr", /no "VMP data" module/);
    const junk = new Uint8Array(bytes.length + 8);
    junk.set(bytes);
    junk.set(latin1Bytes("GARBAGE!"), bytes.length);
    expectInputError(() => parseMpr(junk, "j.mpr"), "j.mpr", /no module at offset 18684/);
  });

  it("reports a missing file as an InputError", async () => {
    await expect(readMpt("/nonexistent/x.mpt")).rejects.toThrow(InputError);
    await expect(readMpr("/nonexistent/x.mpr")).rejects.toThrow(
      /^\/nonexistent\/x\.mpr: cannot read: no such file$/,
    );
  });

  it("decodes Windows-1252 µ and leaves plain ASCII alone", () => {
    expect(decodeEcLabText(new Uint8Array([0x49, 0x2f, 0xb5, 0x41]))).toBe("I/µA");
    expect(decodeEcLabText(new Uint8Array([0x49, 0x2f, 0xc2, 0xb5, 0x41]))).toBe("I/µA");
    expect(decodeEcLabText(latin1Bytes("time/s"))).toBe("time/s");
  });
});
