/**
 * `<det>_cansas.h5` for SasView: each region's mean reduced curve per sweep, one NXcanSAS entry each,
 * for every SAXS detector (config `kind: saxs`) whose axis is q.
 */
import { join } from "node:path";
import { isoUtc } from "../../echem/index.js";
import { type CanSasEntry, writeNxCanSas } from "../../formats/index.js";
import { fmt, resultPath } from "../../results/index.js";
import { PROGRAM, VERSION } from "../../util/index.js";
import type { RunContext } from "../context.js";

export async function writeCanSas(c: RunContext): Promise<void> {
  const { log, clock } = c;
  for (const d of c.dets) {
    if (c.cfg.detectors[d.name]!.kind !== "saxs" || d.unit.startsWith("2th")) continue;
    const qNm = d.unit === "q_A^-1" ? d.radial.map((q) => q * 10) : d.radial;
    const entries: CanSasEntry[] = [];
    for (const [region, sweeps] of c.streams.get(d.name)!.regions)
      for (const s of sweeps)
        entries.push({
          title: `${region}, sweep ${s.sweep}, SOD ${fmt(clock.sodcPct[s.mid]!)} %`,
          run: `${region}_sweep${s.sweep}`,
          qNm,
          intensity: s.raw,
          sigma: s.sigma,
          iUnits: "arbitrary",
          time: isoUtc(log.timeS[s.mid]!),
        });
    if (entries.length)
      await writeNxCanSas(join(c.tmp, resultPath.cansas(d.name)), entries, {
        program: PROGRAM,
        version: VERSION,
        date: new Date().toISOString(),
      });
  }
}
