/**
 * 2D caking (config `caking:`): each region's mean (azimuth × q) image per sweep, as
 * `/entry/caked/<region>_<det>` [sweep, chi, q] in results.h5, with each sweep's time and SOD.
 */
import type { Role } from "../../analysis/regions.js";
import { cakePass } from "../analyse.js";
import type { RunContext } from "../context.js";

export function writeCakes(c: RunContext): void {
  const { log, clock } = c;
  for (const d of c.dets) {
    const cakes = d.cakes;
    if (!cakes) continue;
    const stream = c.streams.get(d.name)!;
    // one image per sweep in which the region had frames, in the order StreamPass found them
    const writers = new Map<
      Role,
      { write: (i: number, image: Float32Array) => void; slot: Map<number, number> }
    >();
    for (const [role, sweeps] of stream.regions) {
      const write = c.results.addStack(
        "caked",
        `${role}_${d.name}`,
        [sweeps.length, cakes.nptAzim, cakes.radial.length],
        ["time", "chi", "q"],
        {
          time: { data: Float64Array.from(sweeps, (s) => log.timeS[s.mid]!), units: "s" },
          chi: { data: cakes.azimuthalDeg, units: "deg" },
          q: { data: cakes.radial },
          sod_pct: { data: Float64Array.from(sweeps, (s) => clock.sodcPct[s.mid]!), units: "%" },
        },
      );
      writers.set(role, { write, slot: new Map(sweeps.map((s, n) => [s.sweep, n])) });
    }
    cakePass(d, c.pass, stream.sweep, (role, s, mean) => {
      const w = writers.get(role);
      const n = w?.slot.get(s);
      if (w && n !== undefined) w.write(n, mean);
    });
  }
}
