/**
 * `crystallite/<peak>.csv` and `/entry/crystallite/<peak>`: Scherrer sizes per sweep in the peak's
 * region; `reflections/<peak>.csv`: each of its reflections on its own (reflection-series.ts).
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { resultPath } from "../../results/index.js";
import type { RunContext } from "../context.js";
import { crystalliteSeries } from "../products.js";
import { reflectionSeries } from "../reflection-series.js";
import { peakBase, regionBase } from "../size-fit.js";

export async function writeCrystallite(c: RunContext): Promise<void> {
  const { cfg, log, clock, regions } = c;
  for (const pk of cfg.peaks) {
    const d = c.dets.find((x) => x.name === pk.detector);
    if (!d) continue;
    const sweeps = c.streams.get(d.name)!.regions.get(pk.region);
    const npt = d.radial.length;
    // the region's base: its pixels' base curves (initial-OCV means weighted by their OCV frame
    // counts; reference-state curves alike; none for base: none)
    const o = c.ocv.get(d.name)!;
    const base = regionBase(
      peakBase(pk, o, c.streams.get(d.name), npt),
      (p) => regions[p] === pk.region,
      (p) => (pk.base === "ocv" ? o.count[p]! : 1),
      o.count.length,
      npt,
    );
    const input = {
      pk,
      sweeps: sweeps ?? [],
      base,
      radial: d.radial,
      refl: c.refl.get(pk.name)!,
      timeS: log.timeS,
      clock,
    };
    const sz = crystalliteSeries(input);
    await writeFile(join(c.tmp, resultPath.crystallite(pk.name)), sz.csv);
    await writeFile(join(c.tmp, resultPath.reflections(pk.name)), reflectionSeries(input, sz.phaseFits));
    c.peakFits.set(pk.name, sz.fits);
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
