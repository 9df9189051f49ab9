import { describe, expect, it } from "vitest";
import { csvLine, field, fmt, fmtReference, gridCsv, parseCsv } from "./csv.js";

describe("results CSV", () => {
  it("quotes what must be quoted and reads it back (RFC 4180)", () => {
    const rows = [
      ["plain", "a,b", 'say "hi"', "two\nlines", ""],
      ["1.5", "", "x", "y", "z"],
    ];
    const text = `${rows.map(csvLine).join("\r\n")}\r\n`;
    expect(text.split("\r\n")[0]).toBe('plain,"a,b","say ""hi""","two\nlines",');
    expect(parseCsv(text)).toEqual(rows);
    expect(field(3)).toBe("3");
  });

  it("writes numbers with 8 significant digits and nothing for NaN", () => {
    expect(fmt(Math.PI)).toBe("3.1415927");
    expect(fmt(Number.NaN)).toBe("");
    expect(fmt(Number.POSITIVE_INFINITY)).toBe("");
  });

  it("rounds every number it writes through fmt: grid positions and numbers in csvLine", () => {
    // positions as a grid builds them by adding a pitch: -0.25 + 0.13 = -0.12000000000000001
    const y = [-0.25, -0.25 + 0.13, -0.25 + 2 * 0.13];
    const text = gridCsv("region", 3, 2, [-0.5, 0.1 + 0.2], y, (p) => (p < 2 ? "other" : "cathode"));
    const rows = parseCsv(text);
    expect(rows[0]).toEqual(["row", "col", "x_mm", "y_mm", "region"]);
    expect(rows.map((r) => r[2])).toEqual(["x_mm", "-0.5", "0.3", "-0.5", "0.3", "-0.5", "0.3"]);
    expect(rows.slice(1).map((r) => r[3])).toEqual(["-0.25", "-0.25", "-0.12", "-0.12", "0.01", "0.01"]);
    // no field anywhere carries more than 8 significant digits
    for (const f of rows.flat())
      if (/^-?[\d.]+(e[-+]?\d+)?$/.test(f)) expect(Number(f)).toBe(Number(fmt(Number(f))));
    expect(csvLine([3, -0.05000000000000002, 1 / 3, Number.NaN, "a"])).toBe("3,-0.05,0.33333333,,a");
    // integers (rows, counts, frame indices) are written whole, whatever their size
    expect(field(123456789)).toBe("123456789");
  });
});

describe("fmt", () => {
  it("writes exactly String(Number(v.toPrecision(8))) for every kind of number", () => {
    // xorshift32: the same values every run; magnitudes from 1e-12 to 1e12, both signs, integers,
    // and the edges of the fast path (1e-6, 1e8 and what rounds onto them)
    let s = 88172645;
    const rand = () => {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      return (s >>> 0) / 4294967296;
    };
    const values: number[] = [0, -0, 1e-6, -1e-6, 1e8, -1e8, 99999999.5, 99999999.4, 9.99999995e-7, 1e-7];
    values.push(0.1, 0.2 + 0.1, 123.45, -0.05000000000000002, 5e-324, Number.MAX_VALUE, 1.5, 7, 12345678);
    for (let k = 0; k < 200_000; k++) {
      const v = (rand() - 0.3) * 10 ** (rand() * 24 - 12);
      values.push(v, Math.round(v), Math.fround(v));
    }
    let differ = 0;
    let first = "";
    for (const v of values) {
      if (fmt(v) !== fmtReference(v)) {
        differ++;
        first ||= `${v}: ${fmt(v)} vs ${fmtReference(v)}`;
      }
    }
    expect(first).toBe("");
    expect(differ).toBe(0);
    for (const v of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) expect(fmt(v)).toBe("");
    expect(fmt(12.34)).toBe("12.34");
    expect(fmt(1 / 3)).toBe("0.33333333");
  });
});
