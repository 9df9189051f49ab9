/** `maps/<band>_sod<N>.csv` and `/entry/maps`: each band at each SOD of the config, per scan point. */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { columnsOf, fmt, gridCsv, RESULTS, resultPath } from "../../results/index.js";
import { isOpaque } from "../analyse.js";
import type { RunContext } from "../context.js";
import { mapAt, timeOfSod } from "../products.js";

export async function writeMaps(c: RunContext): Promise<void> {
  const { cfg, log, grid, clock, pass } = c;
  // value, value_err, flag (after the grid's own columns)
  const head = columnsOf(RESULTS.map).slice(4);
  const opaque = (i: number) => isOpaque(c.transmission[i]!);
  for (const b of cfg.bands) {
    const v = c.bandValue.get(b.name);
    const e = c.bandError.get(b.name);
    if (!v || !e) continue;
    // each pixel's visits in time order (one pass over the log); a frame left out keeps its place
    // with a NaN value, so a map at a moment next to it is NaN, not bridged from farther visits
    const visits: number[][] = Array.from({ length: pass.nPix }, () => []);
    for (let i = 0; i < log.length; i++)
      if (log.detector[i] === b.detector && clock.inLog[i]) visits[pass.pixelOf(i)]!.push(i);
    for (const sod of cfg.maps.atSod) {
      const m = mapAt(visits, v, e, log.timeS, timeOfSod(c.series, sod), opaque);
      await writeFile(
        join(c.tmp, resultPath.map(b.name, sod)),
        gridCsv(head, grid.rows, grid.cols, grid.xMm, grid.yMm, (p) => [
          fmt(m.value[p]!),
          fmt(m.error[p]!),
          m.opaque[p] ? "opaque" : "",
        ]),
      );
      c.results.addMap(
        "maps",
        `${b.name}_sod${sod}`,
        m.value,
        grid.yMm,
        grid.xMm,
        {
          band: b.name,
          sod_pct: String(sod),
        },
        { value_errors: m.error, opaque: Int8Array.from(m.opaque) },
      );
    }
  }
}
