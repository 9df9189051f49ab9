/** `maps/<band>_sod<N>.csv` and `/entry/maps`: each band at each SOD of the config, per scan point. */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fmt, gridCsv, RESULTS, resultPath } from "../../results/index.js";
import type { RunContext } from "../context.js";
import { mapAt, timeOfSod } from "../products.js";

export async function writeMaps(c: RunContext): Promise<void> {
  const { cfg, log, grid, clock, pass } = c;
  const value = RESULTS.map.columns.at(-1)!.name;
  for (const b of cfg.bands) {
    const v = c.bandValue.get(b.name);
    if (!v) continue;
    // each pixel's visits in time order (one pass over the log); a frame left out keeps its place
    // with a NaN value, so a map at a moment next to it is NaN, not bridged from farther visits
    const visits: number[][] = Array.from({ length: pass.nPix }, () => []);
    for (let i = 0; i < log.length; i++)
      if (log.detector[i] === b.detector && clock.inLog[i]) visits[pass.pixelOf(i)]!.push(i);
    for (const sod of cfg.maps.atSod) {
      const m = mapAt(visits, v, log.timeS, timeOfSod(c.series, sod));
      await writeFile(
        join(c.tmp, resultPath.map(b.name, sod)),
        gridCsv(value, grid.rows, grid.cols, grid.xMm, grid.yMm, (p) => fmt(m[p]!)),
      );
      c.results.addMap("maps", `${b.name}_sod${sod}`, m, grid.yMm, grid.xMm, {
        band: b.name,
        sod_pct: String(sod),
      });
    }
  }
}
