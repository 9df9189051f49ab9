import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { readFixture } from "../../test/support/fixtures.js";
import { parseMpt, parseMptTable } from "./biologic-mpt.js";
import { ecLabNumber, formatMpt, MPT_COLUMNS, type MptRecords, writeMpt } from "./mpt-write.js";

/** Rest, CC discharge, CV hold, CC charge (cycle 1): a small GCPL log like the twin writes. */
function gcpl(): MptRecords & { cycle: Int32Array } {
  const timeS: number[] = [];
  const eweV: number[] = [];
  const currentMA: number[] = [];
  const chargeMAh: number[] = [];
  const step: number[] = [];
  const mode: number[] = [];
  const cycle: number[] = [];
  let t = 0;
  let q = 0;
  const add = (dt: number, e: number, i: number, ns: number, m: number, c: number) => {
    q += (i * dt) / 3600;
    t += dt;
    timeS.push(t);
    eweV.push(e);
    currentMA.push(i);
    chargeMAh.push(q);
    step.push(ns);
    mode.push(m);
    cycle.push(c);
  };
  for (let k = 0; k < 10; k++) add(1.000000001, 3.4228721 - k * 1e-4, 0, 0, 3, 0);
  for (let k = 0; k < 30; k++) add(60.00000003, 3.4 - k * 0.02, -0.3851234567, 1, 1, 0);
  for (let k = 0; k < 5; k++) add(30, 2.8, -0.05 / (k + 1), 2, 2, 0);
  for (let k = 0; k < 30; k++) add(60, 2.9 + k * 0.02, 0.385, 3, 1, 1);
  return {
    timeS: Float64Array.from(timeS),
    eweV: Float64Array.from(eweV),
    currentMA: Float64Array.from(currentMA),
    chargeMAh: Float64Array.from(chargeMAh),
    step: Int32Array.from(step),
    mode: Uint8Array.from(mode),
    cycle: Int32Array.from(cycle),
  };
}

/** What a value reads back as after EC-Lab's printing with `digits` decimals. */
const printed = (a: ArrayLike<number>, digits: number) =>
  Array.from(a, (x) => Number(x.toExponential(digits)));

const text = (bytes: Uint8Array) => new TextDecoder("windows-1252").decode(bytes);

describe("formatMpt", () => {
  const rec = gcpl();
  const opts = { startLocal: "2024-03-05T14:07:09.250", massMg: 12, comments: "digital twin" };

  it.each([false, true])("writes what parseMpt reads back (decimal comma: %s)", (decimalComma) => {
    const bytes = formatMpt(rec, { ...opts, decimalComma });
    const r = parseMpt(bytes, "twin.mpt");
    expect(r.n).toBe(rec.timeS.length);
    expect(r.startLocal).toBe("2024-03-05T14:07:09.250");
    expect(r.columns).toEqual([...MPT_COLUMNS]);
    expect(Array.from(r.timeS)).toEqual(printed(rec.timeS, 15));
    expect(Array.from(r.eweV)).toEqual(printed(rec.eweV, 7));
    expect(Array.from(r.currentMA)).toEqual(printed(rec.currentMA, 15));
    expect(Array.from(r.chargeMAh!)).toEqual(printed(rec.chargeMAh, 15));
    expect(Array.from(r.step!)).toEqual(Array.from(rec.step));
    expect(Array.from(r.cycle!)).toEqual(Array.from(rec.cycle));
    expect(Array.from(r.mode!)).toEqual(Array.from(rec.mode));
    expect(r.metadata["decimal separator"]).toBe(decimalComma ? "," : ".");
    expect(r.metadata["technique"]).toBe("Galvanostatic Cycling with Potential Limitation");
    expect(r.metadata["Mass of active material/mg"]).toBe(12);
    expect(r.metadata["Characteristic mass/g"]).toBe(0.012);
    expect(r.metadata["Device"]).toBe("VMP3 (SN 0198)");
    expect(r.metadata["software version"]).toBe("11.50");
    expect(r.metadata["Comments"]).toBe("digital twin");
    expect(r.metadata["current from"]).toBe("<I>/mA");
  });

  it("computes EC-Lab's derived columns", () => {
    const t = parseMptTable(formatMpt(rec, opts), "twin.mpt");
    const col = (name: string) => Array.from(t.values[t.columns.indexOf(name)]!);
    const half = col("half cycle");
    // Rest and discharge (+ CV, still negative) are half cycle 0; the charge is half cycle 1.
    expect(half.slice(0, 45).every((h) => h === 0)).toBe(true);
    expect(half.slice(45).every((h) => h === 1)).toBe(true);
    const nsChanges = col("Ns changes");
    expect(nsChanges.reduce((a, b) => a + b, 0)).toBe(3);
    expect(nsChanges[10]).toBe(1);
    const dq = col("dq/mA.h");
    const q = col("(Q-Qo)/mA.h");
    for (let k = 1; k < q.length; k++) expect(dq[k]).toBeCloseTo(q[k]! - q[k - 1]!, 12);
    const qDis = col("Q discharge/mA.h");
    expect(qDis[44]).toBeCloseTo(-rec.chargeMAh[44]!, 12);
    expect(qDis[45]).toBe(0); // new cycle
    expect(col("Q charge/mA.h")[74]).toBeCloseTo(rec.chargeMAh[74]! - rec.chargeMAh[44]!, 12);
    expect(col("control/mA")[20]).toBeCloseTo(-0.3851234567, 7);
    expect(col("control/V")[41]).toBe(2.8);
    expect(col("ox/red")[20]).toBe(0);
    expect(col("ox/red")[50]).toBe(1);
  });

  it("lays the file out as EC-Lab does", () => {
    const lines = text(formatMpt(rec, { ...opts, decimalComma: true })).split("\r\n");
    expect(lines[0]).toBe("EC-Lab ASCII FILE");
    const nHeader = Number(/^Nb header lines : (\d+) +$/.exec(lines[1]!)![1]);
    expect(lines[1]!.length).toBe(46); // padded like the real exports
    expect(lines[2]).toBe("");
    expect(lines[3]).toBe("Galvanostatic Cycling with Potential Limitation");
    expect(lines[4]).toBe("");
    expect(lines[nHeader - 2]).toBe("");
    expect(lines[nHeader - 1]).toBe(`${MPT_COLUMNS.join("\t")}\t`);
    expect(lines[nHeader]).toMatch(/^3\t1\t0\t1\t0\t0\t0\t1,000000001000000E\+000\t/);
    expect(lines[nHeader]!.endsWith("\t")).toBe(true);
    expect(lines[lines.length - 1]).toBe(""); // ends with CRLF
    expect(lines).toContain("Acquisition started on : 03/05/2024 14:07:09.250");
    expect(lines).toContain("Electrode surface area : 1,000 cm²");
  });

  it.each(["yadg_gcpl.issue_149.mpt", "perex_220726cell4operandoxascontinuation_C06.mpt.gz"])(
    "puts its header lines in the order of the real export %s",
    (fixture) => {
      const keyOf = (l: string) => {
        const i = l.indexOf(" : ");
        return i > 0 ? l.slice(0, i) : l.trimEnd().endsWith(" :") ? l.trimEnd().slice(0, -2) : l.trim();
      };
      const real = text(readFixture("echem", fixture)).split(/\r?\n/);
      const realHeader = real.slice(0, Number(/\d+/.exec(real[1]!)![0])).map(keyOf);
      const ours = text(formatMpt(rec, opts)).split("\r\n");
      const ourHeader = ours.slice(0, Number(/\d+/.exec(ours[1]!)![0])).map(keyOf);
      const shared = ourHeader.filter((k) => k !== "" && realHeader.includes(k) && !/^\t/.test(k));
      expect(shared.length).toBeGreaterThan(18);
      const positions = shared.map((k) => realHeader.indexOf(k));
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      // The column names we write are EC-Lab's own, in its order.
      const realColumns = real[realHeader.length - 1]!.split("\t");
      const idx = MPT_COLUMNS.map((c) => realColumns.indexOf(c)).filter((i) => i >= 0);
      expect(idx.length).toBeGreaterThanOrEqual(19);
      expect(idx).toEqual([...idx].sort((a, b) => a - b));
    },
  );

  it("round-trips any records (property)", () => {
    const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });
    const row = fc.record({
      t: fc.double({ min: 0, max: 1e7, noNaN: true }),
      e: fc.double({ min: -10, max: 10, noNaN: true }),
      i: finite,
      q: finite,
      ns: fc.integer({ min: 0, max: 50 }),
      mode: fc.constantFrom(1, 2, 3),
      cycle: fc.integer({ min: 0, max: 1000 }),
    });
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 40 }), fc.boolean(), (rows, decimalComma) => {
        const r: MptRecords = {
          timeS: rows.map((x) => x.t),
          eweV: rows.map((x) => x.e),
          currentMA: rows.map((x) => x.i),
          chargeMAh: rows.map((x) => x.q),
          step: rows.map((x) => x.ns),
          mode: rows.map((x) => x.mode),
          cycle: rows.map((x) => x.cycle),
        };
        const back = parseMpt(formatMpt(r, { startLocal: "2023-12-31T23:59:59.999", decimalComma }), "p.mpt");
        expect(back.n).toBe(rows.length);
        expect(Array.from(back.timeS)).toEqual(printed(r.timeS, 15));
        expect(Array.from(back.eweV)).toEqual(printed(r.eweV, 7));
        expect(Array.from(back.currentMA)).toEqual(printed(r.currentMA, 15));
        expect(Array.from(back.chargeMAh!)).toEqual(printed(r.chargeMAh, 15));
        expect(Array.from(back.step!)).toEqual(rows.map((x) => x.ns));
        expect(Array.from(back.cycle!)).toEqual(rows.map((x) => x.cycle));
        expect(Array.from(back.mode!)).toEqual(rows.map((x) => x.mode));
        expect(back.startLocal).toBe("2023-12-31T23:59:59.999");
      }),
      { numRuns: 200 },
    );
  });

  it("prints numbers as EC-Lab does", () => {
    expect(ecLabNumber(3.7516155, 7, true)).toBe("3,7516155E+000");
    expect(ecLabNumber(-109.88599, 7)).toBe("-1.0988599E+002");
    expect(ecLabNumber(6.092006547583474e-10, 15, true)).toBe("6,092006547583474E-010");
    expect(ecLabNumber(0, 15)).toBe("0.000000000000000E+000");
    expect(ecLabNumber(-0, 7)).toBe("0.0000000E+000");
    expect(ecLabNumber(Number.NaN, 7)).toBe("NaN");
  });

  it("refuses what EC-Lab cannot have written", () => {
    expect(() => formatMpt(rec, { startLocal: "05/03/2024 14:07" })).toThrow(RangeError);
    expect(() => formatMpt({ ...rec, mode: new Uint8Array(rec.timeS.length) }, opts)).toThrow(RangeError);
    expect(() => formatMpt({ ...rec, eweV: [1] }, opts)).toThrow(RangeError);
    expect(() => formatMpt(rec, { ...opts, comments: "two\nlines" })).toThrow(RangeError);
    expect(() => formatMpt(rec, { ...opts, comments: "€" })).toThrow(RangeError);
  });
});

describe("writeMpt", () => {
  const dir = mkdtempSync(join(tmpdir(), "mpt-write-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes the file atomically, leaving no temporary file", () => {
    const path = join(dir, "twin.mpt");
    writeMpt(path, gcpl(), { startLocal: "2024-03-05T14:07:09.250" });
    expect(readdirSync(dir)).toEqual(["twin.mpt"]);
    expect(parseMpt(readFileSync(path), path).n).toBe(75);
    expect(() =>
      writeMpt(join(dir, "missing", "x.mpt"), gcpl(), { startLocal: "2024-03-05T14:07:09" }),
    ).toThrow(/cannot write/);
    expect(readdirSync(dir)).toEqual(["twin.mpt"]);
  });
});
