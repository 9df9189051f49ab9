/**
 * `crystallite/<peak>.csv` and `/entry/crystallite/<peak>`: Scherrer sizes per sweep in the peak's
 * region; `reflections/<peak>.csv`: each of its reflections on its own (reflection-series.ts).
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { RESULTS, resultPath } from "../../results/index.js";
import type { RunContext } from "../context.js";
import { crystalliteSeries } from "../products.js";
import { reflectionSeries } from "../reflection-series.js";
import { crystalliteInput } from "../sweep-fits.js";

export async function writeCrystallite(c: RunContext): Promise<void> {
  for (const pk of c.cfg.peaks) {
    const input = crystalliteInput(c, pk);
    if (!input) continue;
    // fitted on the run's threads while the other products were written (sweep-fits.ts), else here
    const fits = await c.sweepFits?.get(pk.name);
    const sz = crystalliteSeries(
      input,
      fits?.map((f) => f.size),
    );
    await writeFile(join(c.tmp, resultPath.crystallite(pk.name)), sz.csv);
    const rs = reflectionSeries(
      input,
      sz.phaseFits,
      fits?.map((f) => f.cells),
    );
    await writeFile(join(c.tmp, resultPath.reflections(pk.name)), rs.csv);
    // the same columns in results.h5, each σ as <name>_errors (NeXus) rather than <name>_err (CSV)
    const h5Name = (n: string) => (n.endsWith("_err") ? `${n.slice(0, -4)}_errors` : n);
    const units = (n: string) =>
      RESULTS.reflections.columns.find((x) => x.name === n)?.units ||
      (/^(center|fwhm)_q_/.test(n) ? "1/nm" : "");
    c.results.addTable(
      "reflections",
      pk.name,
      {
        time: { data: rs.timeS, units: "s" },
        ...Object.fromEntries(
          [...rs.columns].map(([n, v]) => [h5Name(n), { data: v, ...(units(n) && { units: units(n) }) }]),
        ),
      },
      "lattice_scale",
      ["time"],
    );
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
