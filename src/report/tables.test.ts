import { describe, expect, it } from "vitest";
import { percent, sig } from "./labels.js";
import { stabilityTable, tableHtml } from "./tables.js";

const CSV = `region,band,detector,initial_value,max_rel_change,final_rel_change,sweeps
cathode,S,saxs,0.00093932618,0.22948629,0.15657276,12
separator,Li2S,waxs,1,0.0032667443,0.00032269256,12
anode,Li2S,waxs,,,,0
`;

describe("report tables", () => {
  const bands = new Map([
    ["S", { label: "S (q 0.2–1 nm⁻¹)" }],
    ["Li2S", { label: "Li2S (q 18.3–20.8 nm⁻¹)" }],
  ]);
  const t = stabilityTable(CSV, bands, { saxs: "none", waxs: "ocv-mean" });

  it("heads the band-stability table in words, with the band's window and the normalisation", () => {
    expect(t.head).toEqual([
      "region",
      "band (q window)",
      "detector",
      "normalised",
      "value at OCV",
      "largest change from OCV",
      "final change from OCV",
      "sweeps",
    ]);
    for (const h of t.head) expect(h).not.toMatch(/_/);
    expect(t.rows[0]!.slice(0, 4)).toEqual(["cathode", "S (q 0.2–1 nm⁻¹)", "saxs", "none (a.u.)"]);
    expect(t.rows[1]![3]).toBe("÷ initial-OCV mean");
  });

  it("writes 4 significant figures for values and 3 for changes in %, a dash where there is none", () => {
    expect(t.rows[0]!.slice(4)).toEqual(["9.393e-4", "22.9 %", "15.7 %", "12"]);
    expect(t.rows[1]!.slice(4)).toEqual(["1", "0.327 %", "0.0323 %", "12"]);
    expect(t.rows[2]!.slice(4, 7)).toEqual(["–", "–", "–"]);
    expect(sig(1234.5678)).toBe("1235");
    expect(sig(0.012345678, 3)).toBe("0.0123");
    expect(percent(0)).toBe("0 %");
  });

  it("escapes the cells of its HTML", () => {
    expect(tableHtml({ head: ["a<b"], rows: [["x&y"]] })).toBe(
      "<table><tr><th>a&lt;b</th></tr><tr><td>x&amp;y</td></tr></table>",
    );
  });
});
