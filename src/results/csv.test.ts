import { describe, expect, it } from "vitest";
import { csvLine, field, fmt, parseCsv } from "./csv.js";

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
});
