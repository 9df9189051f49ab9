import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clusterAxis, findGrid } from "./grid.js";

describe("clusterAxis", () => {
  it("splits at steps and not at scatter, lowest first", () => {
    const c = clusterAxis([2.001, 0, 1.0005, 0.0004, 2, 1]);
    expect(c.centres.length).toBe(3);
    expect([...c.labels]).toEqual([2, 0, 1, 0, 2, 1]);
    expect(c.centres[1]).toBeCloseTo(1.00025, 9);
    expect(c.stepMm).toBeCloseTo(1, 2);
    expect(c.ambiguous).toBe(false);
  });

  it("keeps a missing column's gap as one split and honours a given tolerance", () => {
    expect(clusterAxis([0, 1, 2, 4, 5]).centres).toEqual([0, 1, 2, 4, 5]);
    const given = clusterAxis([0, 0.3, 1, 1.3], 0.5).centres;
    expect(given.length).toBe(2);
    expect(given[1]).toBeCloseTo(1.15, 12);
    expect(clusterAxis([3, 3, 3]).centres).toEqual([3]);
    expect(clusterAxis([]).centres).toEqual([]);
  });
});

describe("findGrid", () => {
  it("takes a line scan's scatter on the other axis as one row", () => {
    const g = findGrid([0, 1, 2, 3], [0.01, -0.02, 0.015, 0]);
    expect(g.rows).toBe(1);
    expect(g.cols).toBe(4);
    expect([...g.rowOf]).toEqual([0, 0, 0, 0]);
  });

  it("refuses positions with no clear rows", () => {
    expect(() => findGrid(new Array(9).fill(0), [0, 0.05, 0.3, 0.4, 0.45, 0.9, 1.0, 1.02, 1.5])).toThrow(
      /clear rows/,
    );
  });

  it("recovers any grid whose scatter stays under 10 % of the step, with points missing", () => {
    const gridArb = fc.record({
      rows: fc.integer({ min: 1, max: 8 }),
      cols: fc.integer({ min: 1, max: 8 }),
      stepX: fc.double({ min: 0.02, max: 3, noNaN: true }),
      ratio: fc.double({ min: 0.3, max: 3.3, noNaN: true }),
      x0: fc.double({ min: -50, max: 50, noNaN: true }),
      y0: fc.double({ min: -50, max: 50, noNaN: true }),
      sweeps: fc.integer({ min: 1, max: 3 }),
      seed: fc.integer(),
      drop: fc.double({ min: 0, max: 0.3, noNaN: true }),
    });
    fc.assert(
      // a single point has no step to judge its scatter by, so a grid has two points at least
      fc.property(
        gridArb.filter((p) => p.rows * p.cols > 1),
        (p) => {
          const stepY = p.stepX * p.ratio;
          const jitter = 0.0999 * Math.min(p.stepX, stepY);
          let s = p.seed | 0 || 1;
          const rand = () => {
            // xorshift: reproducible from the seed fast-check shrinks
            s ^= s << 13;
            s ^= s >>> 17;
            s ^= s << 5;
            return (s >>> 0) / 2 ** 32;
          };
          const xs: number[] = [];
          const ys: number[] = [];
          const truth: [number, number][] = [];
          for (let k = 0; k < p.sweeps; k++)
            for (let r = 0; r < p.rows; r++)
              for (let c = 0; c < p.cols; c++) {
                // a point off the diagonal may be missing; the diagonal keeps every row and column
                if (r !== c % p.rows && c !== r % p.cols && rand() < p.drop) continue;
                xs.push(p.x0 + c * p.stepX + (2 * rand() - 1) * jitter);
                ys.push(p.y0 + r * stepY + (2 * rand() - 1) * jitter);
                truth.push([r, c]);
              }
          const g = findGrid(xs, ys);
          expect(g.rows).toBe(p.rows);
          expect(g.cols).toBe(p.cols);
          truth.forEach(([r, c], i) => {
            expect(g.rowOf[i]).toBe(r);
            expect(g.colOf[i]).toBe(c);
          });
          g.xMm.forEach((x, c) => {
            expect(Math.abs(x - (p.x0 + c * p.stepX))).toBeLessThanOrEqual(jitter);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
