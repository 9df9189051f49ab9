/** `crystallite/<peak>.csv` and `/entry/crystallite/<peak>`: Scherrer sizes per sweep in the peak's region. */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { resultPath } from "../../results/index.js";
import type { RunContext } from "../context.js";
import { crystalliteSeries } from "../products.js";

export async function writeCrystallite(c: RunContext): Promise<void> {
  const { cfg, log, clock, regions } = c;
  for (const pk of cfg.peaks) {
    const d = c.dets.find((x) => x.name === pk.detector);
    if (!d) continue;
    const sweeps = c.streams.get(d.name)!.regions.get(pk.region);
    const npt = d.radial.length;
    // the region's initial-OCV mean: its pixels' OCV means weighted by their OCV frame counts
    const o = c.ocv.get(d.name)!;
    const base = new Float64Array(npt);
    let n = 0;
    for (let p = 0; p < o.count.length; p++) {
      if (regions[Math.floor((p * regions.length) / o.count.length)] !== pk.region) continue;
      for (let j = 0; j < npt; j++) base[j]! += o.mean[p * npt + j]! * o.count[p]!;
      n += o.count[p]!;
    }
    for (let j = 0; j < npt; j++) base[j]! /= Math.max(n, 1);
    const sz = crystalliteSeries(pk, sweeps ?? [], base, d.radial, c.refl.get(pk.name)!, log.timeS, clock);
    await writeFile(join(c.tmp, resultPath.crystallite(pk.name)), sz.csv);
    c.results.addTable(
      "crystallite",
      pk.name,
      {
        size_nm: { data: sz.sizeNm, units: "nm" },
        size_nm_errors: { data: sz.sizeErrNm, units: "nm" },
        time: { data: sz.timeS, units: "s" },
      },
      "size_nm",
      ["time"],
    );
  }
}
