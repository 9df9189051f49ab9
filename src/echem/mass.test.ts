import { describe, expect, it } from "vitest";
import { headerMassMg } from "./mass.js";

describe("headerMassMg: EC-Lab's 'Mass of active material'", () => {
  it.each([
    ["0.150 mg", 0.15],
    ["7000,000 mg", 7000],
    ["1.5 g", 1500],
    ["250 µg", 0.25],
    ["2.5", 2.5],
  ])("%s → %s mg", (text, mg) => {
    expect(headerMassMg({ "Mass of active material": text })).toBeCloseTo(mg, 12);
  });

  it.each([["0.001 mg"], ["0,001 mg"], ["n/a"], [""], ["-3 mg"]])("%s → none", (text) => {
    expect(headerMassMg({ "Mass of active material": text })).toBeNull();
  });

  it("another header's mass is not the active material's", () => {
    expect(headerMassMg({ "Characteristic mass": "1.136 mg" })).toBeNull();
  });
});
