/**
 * Region labelling by fingerprints (issue 19) on cells from a generator of this test's own, which
 * varies what real cells vary: layer thicknesses (separator 0.3–1 mm, cathode 20–100 µm), beam
 * height, each reflection's intensity (×0.5–2, independently), peak shapes (Gaussian to
 * Lorentzian) and widths, transmissions, how much electrolyte the cathode holds, what lies outside
 * the cell (steel, air, a polymer), noise, and an empty or partly filled row at an edge. Every cell
 * must be labelled right (≥ 95 % of rows) or flagged uncertain at the boundary it gets wrong —
 * never wrong and confident.
 */
import { describe, expect, it } from "vitest";
import { type Cell, LAYERS, LINES, makeCell, Q, STACK } from "../../test/support/stack-cells.js";
import { labelRows, type Role } from "./regions.js";
import { checkBoundaries, chooseLabels, labelByFingerprint } from "./stack-labels.js";

const fingerprints = (cell: Cell) =>
  labelByFingerprint({
    radial: Q,
    rowCurves: cell.curves,
    transmission: cell.transmission,
    layers: LAYERS,
    lines: LINES,
  });

describe("labelling rows by the layers' fingerprints", () => {
  it("on 40 generated cells: every cell right (≥ 95 % of rows) or uncertain where it is wrong", () => {
    const tally = { right: 0, uncertain: 0, wrong: 0 };
    const wrongCells: string[] = [];
    for (let seed = 1; seed <= 40; seed++) {
      const cell = makeCell(seed);
      const got = fingerprints(cell);
      expect(got, `seed ${seed}: no fingerprint found`).not.toBeNull();
      const bad = got!.roles.flatMap((r, i) => (r === cell.truth[i] ? [] : [i]));
      if (bad.length <= 0.05 * cell.truth.length) {
        tally.right++;
        continue;
      }
      // each wrong row next to a boundary reported as uncertain
      const flagged = bad.every((i) =>
        got!.boundaries.some((b) => b.uncertain && Math.abs(b.row - i - 0.5) <= 1.5),
      );
      if (flagged) tally.uncertain++;
      else {
        tally.wrong++;
        wrongCells.push(`seed ${seed}: got ${got!.roles.join(",")}\n truth ${cell.truth.join(",")}`);
      }
    }
    console.log(`fingerprint labelling on 40 generated cells: ${JSON.stringify(tally)}`);
    expect(wrongCells, wrongCells.join("\n")).toEqual([]);
    expect(tally.right).toBeGreaterThanOrEqual(30);
  });
});

/** The footprint fit's features of a cell: transmission and 8 even WAXS band means (as regions-find.ts). */
function footprint(cell: Cell): Role[] {
  const nb = 8;
  const waxs = cell.curves.map((y) => {
    const sum = new Array<number>(nb).fill(0);
    const cnt = new Array<number>(nb).fill(0);
    y.forEach((v, i) => {
      const k = Math.min(nb - 1, Math.floor((i * nb) / y.length));
      sum[k]! += v;
      cnt[k]!++;
    });
    return sum.map((v, k) => v / cnt[k]!);
  });
  return labelRows({ transmission: cell.transmission, saxs: cell.curves.map(() => []), waxs }, STACK);
}

describe("the labels swaxs run reports: fingerprints where they decide, else the footprint fit, checked", () => {
  it("on 40 generated cells: right, or uncertain at the boundary it gets wrong; never wrong and confident", () => {
    const tally = { right: 0, flagged: 0, wrongConfident: 0, footprintWrong: 0 };
    const bad: string[] = [];
    for (let seed = 1; seed <= 40; seed++) {
      const cell = makeCell(seed);
      const fp = fingerprints(cell);
      const roles = chooseLabels(footprint(cell), fp);
      const checked = checkBoundaries(roles, fp, LAYERS);
      const wrong = roles.flatMap((r, i) => (r === cell.truth[i] ? [] : [i]));
      if (wrong.length <= 0.05 * roles.length) {
        tally.right++;
        continue;
      }
      tally.footprintWrong++;
      const flagged = wrong.every((i) =>
        checked.some(
          (b) =>
            b.uncertain &&
            [b.below, b.above].includes(roles[i]!) &&
            [b.below, b.above].includes(cell.truth[i]!),
        ),
      );
      if (flagged) tally.flagged++;
      else {
        tally.wrongConfident++;
        bad.push(`seed ${seed}: ${roles.join(",")}\n truth ${cell.truth.join(",")}`);
      }
    }
    console.log(`footprint checked by fingerprints on 40 generated cells: ${JSON.stringify(tally)}`);
    expect(bad, bad.join("\n")).toEqual([]);
  }, 120_000);
});
