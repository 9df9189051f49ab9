import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fitStack, footprintFractions, labelRows, type Role, type RowFeatures, TIE } from "./regions.js";

const STACK: Role[] = ["other", "cathode", "separator", "anode", "other"];

/**
 * Rows' features as the footprint model makes them: each row the share-weighted sum of the layers'
 * signatures (transmission first, then scattering), times (1 + noise·ε) with a fixed ε pattern.
 */
function synth(rows: number, boundaries: number[], h: number, signatures: number[][], noise = 0): number[][] {
  const f = footprintFractions(rows, boundaries, h);
  return f.map((fr, r) =>
    signatures[0]!.map((_, j) => {
      const v = fr.reduce((s, w, k) => s + w * signatures[k]![j]!, 0);
      return v * (1 + noise * Math.sin(1 + 7.3 * r + 3.1 * j));
    }),
  );
}

/** Rows' features as `labelRows` takes them: transmission, then `nSaxs` SAXS bands, then WAXS. */
function rf(x: number[][], nSaxs = 2): RowFeatures {
  return {
    transmission: x.map((r) => r[0]!),
    saxs: x.map((r) => r.slice(1, 1 + nSaxs)),
    waxs: x.map((r) => r.slice(1 + nSaxs)),
  };
}

/** The role with the largest share of each row's footprint, even splits to the first in the stack. */
function truthOf(rows: number, boundaries: number[], h: number, stack = STACK): Role[] {
  return footprintFractions(rows, boundaries, h).map((fr) => {
    const by = new Map<Role, number>();
    for (const [k, v] of fr.entries()) by.set(stack[k]!, (by.get(stack[k]!) ?? 0) + v);
    let best: Role = stack[0]!;
    for (const [role, v] of by) if (v > by.get(best)! + 1e-9) best = role;
    return best;
  });
}

// transmission, then a few scattering bands: steel, a porous cathode, a separator, a metal anode
const SIG = [
  [0, 0.2, 0.1, 0.5, 0.3],
  [0.18, 3, 2, 0.6, 0.4],
  [0.17, 0.4, 0.3, 1.2, 0.6],
  [0.02, 0.1, 0.1, 0.3, 2],
  [0, 0.25, 0.1, 0.5, 0.35],
];

describe("footprintFractions", () => {
  it("gives each row the share of its box footprint on each layer; shares add up to 1", () => {
    const f = footprintFractions(4, [0.75, 2], 1);
    expect(f[0]).toEqual([1, 0, 0]);
    expect(f[1]![0]).toBeCloseTo(0.25, 12);
    expect(f[1]![1]).toBeCloseTo(0.75, 12);
    expect(f[2]).toEqual([0, 0.5, 0.5]);
    for (const fr of footprintFractions(7, [1.3, 1.9, 4.2, 4.4], 1.7))
      expect(fr.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
  });
});

describe("fitStack", () => {
  it("recovers the boundaries, the footprint and the layers' signatures from clean rows", () => {
    const c = [1.7, 5.2, 8.6, 9.4];
    const fit = fitStack(synth(12, c, 1.3, SIG), 5);
    for (const [k, b] of fit.boundaries.entries()) expect(b).toBeCloseTo(c[k]!, 2);
    expect(fit.footprint).toBeCloseTo(1.3, 2);
    // signatures come back in the scaled units: each feature over its largest row value
    const rows = synth(12, c, 1.3, SIG);
    const max = SIG[0]!.map((_, j) => Math.max(...rows.map((r) => r[j]!)));
    for (const [k, s] of fit.signatures.entries())
      for (const [j, v] of s.entries()) expect(v * max[j]!).toBeCloseTo(SIG[k]![j]!, 2);
  });

  it("places a layer thinner than the footprint, which no row sees alone", () => {
    // the anode (0.8 rows) between the separator and the plunger, footprint 1.5 rows
    const c = [1.5, 4.25, 7.1, 7.9];
    const fit = fitStack(synth(11, c, 1.5, SIG), 5);
    expect(fit.boundaries[2]).toBeCloseTo(7.1, 2);
    expect(fit.boundaries[3]).toBeCloseTo(7.9, 2);
  });
});

describe("labelRows", () => {
  it("follows the stack order and honours hand-set rows", () => {
    // transmission, pore SAXS, alloy WAXS
    const f = rf(
      [
        [0, 0, 0],
        [1, 1, 0],
        [1, 1, 0],
        [1, 0, 0],
        [0.1, 0, 1],
        [0, 0, 0],
      ],
      1,
    );
    expect(labelRows(f, STACK)).toEqual(["other", "cathode", "cathode", "separator", "anode", "other"]);
    expect(labelRows(f, STACK, new Map([[2, "separator"]]))).toEqual([
      "other",
      "cathode",
      "separator",
      "separator",
      "anode",
      "other",
    ]);
  });

  it("hand-set rows out of stack order each keep their role", () => {
    const f = synth(8, [1.5, 3.5, 5.5, 6.5], 1, SIG);
    const got = labelRows(
      rf(f),
      STACK,
      new Map([
        [1, "anode"],
        [6, "cathode"],
      ]),
    );
    expect(got[1]).toBe("anode");
    expect(got[6]).toBe("cathode");
  });

  it("labels each row by the role taking most of its footprint, whatever the features' units", () => {
    const c = [1.2, 5.6, 8.3, 9.1];
    const f = synth(12, c, 1.25, SIG);
    const want = truthOf(12, c, 1.25);
    expect(labelRows(rf(f), STACK)).toEqual(want);
    // the transmission as a fraction, the scattering in counts: the same answer
    expect(labelRows(rf(f.map((r) => r.map((v, j) => (j === 0 ? v : v * 1e6)))), STACK)).toEqual(want);
  });

  it("an even split goes to the role that comes first in the stack", () => {
    // every boundary on a row centre (a liquid cell scanned in 1 mm steps with a 1.5 mm beam):
    // rows 1, 3, 5 and 6 are split evenly
    const f = synth(8, [1, 3, 5, 6], 1.5, SIG);
    expect(labelRows(rf(f), STACK)).toEqual([
      "other",
      "other",
      "cathode",
      "cathode",
      "separator",
      "separator",
      "other",
      "other",
    ]);
    // a stack stated the other way up resolves the same splits the other way
    const down: Role[] = ["other", "anode", "separator", "cathode", "other"];
    const g = synth(8, [1, 2, 4, 6], 1.5, [SIG[4]!, SIG[3]!, SIG[2]!, SIG[1]!, SIG[0]!]);
    expect(labelRows(rf(g), down)).toEqual(truthOf(8, [1, 2, 4, 6], 1.5, down));
  });

  it("a split just past even is not taken for a tie", () => {
    // 0.48 cathode / 0.52 separator, as the tiny twin's fifth row
    const h = 1.08;
    // row 4 spans 4 ± h/2: a boundary at 4 − 0.02·h leaves 0.48 of it below
    const c = [1.5, 4 - 0.02 * h, 7.5, 8];
    const f = footprintFractions(10, c, h);
    expect(f[4]![2]! - f[4]![1]!).toBeGreaterThan(TIE);
    expect(labelRows(rf(synth(10, c, h, SIG)), STACK)[4]).toBe("separator");
  });

  it("labels a scan that shows only some of the stated layers", () => {
    // cathode and separator only
    expect(labelRows(rf(synth(8, [-5, 3.4, 20, 21], 1, SIG)), STACK)).toEqual(
      truthOf(8, [-5, 3.4, 20, 21], 1),
    );
  });

  it("stays right with percent-level noise on every feature", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 1.6, noNaN: true }),
        fc.double({ min: 0.7, max: 1.6, noNaN: true }),
        fc.double({ min: 2.5, max: 4, noNaN: true }),
        fc.double({ min: 2.5, max: 4, noNaN: true }),
        // a layer thinner than the footprint and inside one footprint only could be a small share
        // of something that scatters strongly, or a large share of something weak: no scan can
        // tell, so the anode here spans at least a footprint
        fc.double({ min: 1.6, max: 2.5, noNaN: true }),
        (h, c0, wc, ws, wa) => {
          const c = [c0, c0 + wc, c0 + wc + ws, c0 + wc + ws + wa];
          const got = labelRows(rf(synth(12, c, h, SIG, 0.003)), STACK);
          const want = truthOf(12, c, h);
          // rows split nearly evenly may go either way
          footprintFractions(12, c, h).forEach((fr, r) => {
            const [a, b] = [...fr].sort((u, v) => v - u);
            if (a! - b! > 0.1) expect(got[r], `row ${r}`).toBe(want[r]);
          });
        },
      ),
      { numRuns: 10, seed: 7 },
    );
  });
});
