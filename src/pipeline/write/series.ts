/**
 * Region products per detector: `timeseries/<region>_<det>_heatmap.csv` (q × time, Fig. 2a),
 * `timeseries/<region>_<band>.csv`, `band_stability.csv` (Fig. 3d–e) and `/entry/timeseries`.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { columnsOf, csv, csvLine, RESULTS, resultPath } from "../../results/index.js";
import { isOpaque } from "../analyse.js";
import type { RunContext } from "../context.js";
import { bandSeries, heatmapCsv } from "../products.js";

export async function writeSeries(c: RunContext): Promise<void> {
  const { cfg, log, clock } = c;
  const opaque = (i: number) => isOpaque(c.transmission[i]!);
  const stability = [csvLine(columnsOf(RESULTS.stability))];
  for (const d of c.dets) {
    const s = c.streams.get(d.name)!;
    for (const [region, sweeps] of s.regions) {
      await writeFile(
        join(c.tmp, resultPath.heatmap(region, d.name)),
        heatmapCsv(sweeps, d.radial, log.timeS, clock),
      );
      const bandCols: Record<string, { data: Float64Array }> = {};
      for (const b of cfg.bands.filter((x) => x.detector === d.name)) {
        const bs = bandSeries(
          region,
          b,
          sweeps,
          { value: s.bandValue.get(b.name)!, error: s.bandError.get(b.name)!, opaque },
          log.timeS,
          clock,
        );
        await writeFile(join(c.tmp, resultPath.series(region, b.name)), bs.csv);
        if (bs.stability) stability.push(bs.stability);
        bandCols[`band_${b.name}`] = { data: bs.value };
        bandCols[`band_${b.name}_errors`] = { data: bs.error };
      }
      const npt = d.radial.length;
      const heat = new Float32Array(sweeps.length * npt);
      const heatErr = new Float32Array(sweeps.length * npt);
      for (const [n, x] of sweeps.entries()) {
        heat.set(x.normalised, n * npt);
        heatErr.set(x.normalisedSigma, n * npt);
      }
      c.results.addTable(
        "timeseries",
        `${region}_${d.name}`,
        {
          I: { data: heat, shape: [sweeps.length, npt] },
          I_errors: { data: heatErr, shape: [sweeps.length, npt] },
          q: { data: d.radial },
          time: { data: Float64Array.from(sweeps, (x) => log.timeS[x.mid]!), units: "s" },
          sod_pct: { data: Float64Array.from(sweeps, (x) => clock.sodcPct[x.mid]!), units: "%" },
          ...bandCols,
        },
        "I",
        ["time", "q"],
      );
    }
  }
  await writeFile(join(c.tmp, RESULTS.stability.path), csv(stability));
}
