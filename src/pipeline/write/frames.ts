/** `frames.csv` and `/entry/frames`: one row per frame of the scan log. */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isoUtc } from "../../echem/index.js";
import { columnsOf, csv, csvLine, fmt, RESULTS } from "../../results/index.js";
import type { RunContext } from "../context.js";

export async function writeFrames(c: RunContext): Promise<void> {
  const { cfg, log, grid, clock, bandValue, bandError, sizes, transmission } = c;
  const peaks = cfg.peaks.filter((p) => sizes.has(p.name));
  const lines = [
    csvLine([
      ...columnsOf(RESULTS.frames),
      ...cfg.bands.flatMap((b) => [`band_${b.name}`, `band_${b.name}_err`]),
      ...peaks.map((p) => `size_${p.name}_nm`),
    ]),
  ];
  for (let i = 0; i < log.length; i++) {
    lines.push(
      csvLine([
        i,
        isoUtc(log.timeS[i]!),
        log.detector[i]!,
        grid.rowOf[i]!,
        grid.colOf[i]!,
        clock.step[i]!,
        clock.cycle[i]!,
        clock.halfCycle[i]!,
        fmt(clock.sodcPct[i]!),
        fmt(clock.eweV[i]!),
        fmt(transmission[i]!),
        ...cfg.bands.flatMap((b) =>
          log.detector[i] === b.detector
            ? [fmt(bandValue.get(b.name)?.[i] ?? Number.NaN), fmt(bandError.get(b.name)?.[i] ?? Number.NaN)]
            : ["", ""],
        ),
        ...peaks.map((p) => fmt(sizes.get(p.name)![i]!)),
      ]),
    );
  }
  await writeFile(join(c.tmp, RESULTS.frames.path), csv(lines));
  const names = log.detectors();
  c.results.addStrings(null, "detector_names", names);
  c.results.addTable(
    null,
    "frames",
    {
      time: { data: log.timeS, units: "s" },
      detector: { data: Int32Array.from(log.detector, (d) => names.indexOf(d)) },
      row: { data: grid.rowOf },
      col: { data: grid.colOf },
      step: { data: clock.step },
      cycle: { data: clock.cycle },
      half_cycle: { data: clock.halfCycle },
      sod_pct: { data: clock.sodcPct, units: "%" },
      ewe_v: { data: clock.eweV, units: "V" },
      transmission: { data: transmission },
      ...Object.fromEntries([...bandValue].map(([k, v]) => [`band_${k}`, { data: v }])),
      ...Object.fromEntries([...bandError].map(([k, v]) => [`band_${k}_errors`, { data: v }])),
      ...Object.fromEntries([...sizes].map(([k, v]) => [`size_${k}_nm`, { data: v, units: "nm" }])),
    },
    null,
    [],
  );
}
