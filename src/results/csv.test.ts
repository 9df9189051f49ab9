import { describe, expect, it } from "vitest";
import { csvLine, field, fmt, gridCsv, parseCsv } from "./csv.js";

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
