/**
 * Time of the region labelling (issue 19) at the paper's scale: `findRegions` on generated cells
 * (test/support/stack-cells.ts) of ~40 rows × 3 columns, the paper-assb grid, untilted and tilted;
 * the features a run gives it (transmission, initial-OCV WAXS curves of 1000 bins) are made up front.
 *   npm run bench:regions [-- --cells 10]
 * Prints one JSON object: median and maximum milliseconds per cell, and how the cells came out.
 */
import { availableParallelism } from "node:os";
import { findRegions } from "../src/pipeline/regions-find.js";
import { makeCell, regionInputsOf } from "../test/support/stack-cells.js";

const i = process.argv.indexOf("--cells");
const cells = i >= 0 ? Number(process.argv[i + 1]) : 10;
const COLS = 3;

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const out: Record<string, unknown> = { node: process.version, cores: availableParallelism(), cols: COLS };
for (const [label, mm] of [
  ["untilted", 0],
  ["tilted_2_rows", 0.1],
] as const) {
  const ms: number[] = [];
  const rows: number[] = [];
  let right = 0;
  for (let seed = 1; seed <= cells; seed++) {
    const cell = makeCell(seed, { cols: COLS, mm });
    const g = cell.grid!;
    const input = regionInputsOf(cell);
    const t0 = performance.now();
    const found = findRegions(input);
    ms.push(performance.now() - t0);
    rows.push(input.rows);
    const wrong = g.truth.filter((t, p) => found.pixelRoles[p] !== t).length;
    if (wrong <= 0.05 * g.truth.length) right++;
  }
  out[label] = {
    cells,
    rows_median: median(rows),
    ms_per_cell_median: Math.round(median(ms)),
    ms_per_cell_max: Math.round(Math.max(...ms)),
    cells_right: right,
  };
}
console.log(JSON.stringify(out, null, 1));
