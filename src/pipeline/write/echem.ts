/** `echem.csv` and `/entry/echem`: the cycler series on the UTC clock; `dqdv.csv`: its dQ/dV. */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type Dqdv, dqdv, type EchemSeries, isoUtc } from "../../echem/index.js";
import { columnsOf, csv, csvLine, fmt, RESULTS } from "../../results/index.js";
import type { RunContext } from "../context.js";

/** The cycler records, thinned to at most ~5000 rows (every k-th, always the last). */
export function echemCsv(s: EchemSeries): string {
  const step = Math.max(1, Math.ceil(s.n / 5000));
  const perG = s.massMg ? 1000 / s.massMg : Number.NaN;
  const lines = [csvLine(columnsOf(RESULTS.echem))];
  for (const k of thinned(s.n, step)) {
    lines.push(
      [
        s.unixS ? isoUtc(s.unixS[k]!) : "",
        fmt(s.eweV[k]!),
        fmt(s.currentMA[k]!),
        fmt(s.chargeMAh[k]!),
        fmt(-s.chargeMAh[k]! * perG),
        s.sodcPct ? fmt(s.sodcPct[k]!) : "",
        s.step ? s.step[k] : "",
        s.cycle[k],
        s.halfCycle[k],
      ].join(","),
    );
  }
  return csv(lines);
}

/** One row per voltage bin of each half-cycle (RESULTS.dqdv). */
export function dqdvCsv(d: Dqdv): string {
  const lines = [csvLine(columnsOf(RESULTS.dqdv))];
  for (const h of d.curves)
    for (let j = 0; j < h.voltageV.length; j++)
      lines.push(
        [
          h.unixS ? isoUtc(h.unixS[j]!) : "",
          h.halfCycle,
          h.cycle,
          h.kind,
          fmt(h.voltageV[j]!),
          fmt(h.dqdvMAhPerV[j]!),
          h.dqdvMAhPerGV ? fmt(h.dqdvMAhPerGV[j]!) : "",
          fmt(h.chargeMAh[j]!),
        ].join(","),
      );
  return csv(lines);
}

/** Every `step`-th of n indices, always ending with the last. */
export function thinned(n: number, step: number): number[] {
  const keep = [...Array(Math.ceil(n / step)).keys()].map((j) => j * step);
  if (n > 0 && keep[keep.length - 1] !== n - 1) keep.push(n - 1);
  return keep;
}

export async function writeEchem(c: RunContext): Promise<void> {
  const s = c.series;
  await writeFile(join(c.tmp, RESULTS.echem.path), echemCsv(s));
  // dQ/dV at the default bin width; times on the UTC clock, so it lines up with the X-ray frames
  await writeFile(join(c.tmp, RESULTS.dqdv.path), dqdvCsv(dqdv(s)));
  c.results.addTable(
    null,
    "echem",
    {
      ewe_v: { data: s.eweV, units: "V" },
      time: { data: s.unixS ?? s.timeS, units: "s" },
      current_ma: { data: s.currentMA, units: "mA" },
      charge_mah: { data: s.chargeMAh, units: "mA*h" },
      ...(s.sodcPct && { sodc_pct: { data: s.sodcPct, units: "%" } }),
    },
    "ewe_v",
    ["time"],
  );
}
