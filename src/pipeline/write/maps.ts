/**
 * `maps/<band>_sod<N>.csv` and `/entry/maps`: each band at each SOD of the config, per scan point;
 * then at each named state of `maps.at` (`maps/<band>_<state>.csv`) and each difference of
 * `maps.differences` (`maps/<band>_<B>_minus_<A>.csv`).
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { columnsOf, fmt, gridCsv, RESULTS, resultPath } from "../../results/index.js";
import { isOpaque } from "../analyse.js";
import type { RunContext } from "../context.js";
import { differenceMap, mapAtState, resolveMapStates, sodcAt } from "../map-states.js";
import { type BandMap, mapAt, timeOfSod } from "../products.js";

export async function writeMaps(c: RunContext): Promise<void> {
  const { cfg, log, grid, clock, pass } = c;
  // value, value_err, flag (after the grid's own columns)
  const head = columnsOf(RESULTS.map).slice(4);
  const opaque = (i: number) => isOpaque(c.transmission[i]!);
  const states = resolveMapStates(cfg, c.series, log.timeS);
  const write = async (file: string, m: BandMap, held?: Uint8Array) =>
    writeFile(
      join(c.tmp, file),
      gridCsv(head, grid.rows, grid.cols, grid.xMm, grid.yMm, (p) => [
        fmt(m.value[p]!),
        fmt(m.error[p]!),
        m.opaque[p] ? "opaque" : held?.[p] ? "nearest" : "",
      ]),
    );
  const addH5 = (name: string, m: BandMap, attrs: Record<string, string>) =>
    c.results.addMap("maps", name, m.value, grid.yMm, grid.xMm, attrs, {
      value_errors: m.error,
      opaque: Int8Array.from(m.opaque),
    });
  for (const b of cfg.bands) {
    const v = c.bandValue.get(b.name);
    const e = c.bandError.get(b.name);
    if (!v || !e) continue;
    // each pixel's visits in time order (one pass over the log); a frame left out keeps its place
    // with a NaN value, so a map at a moment next to it is NaN, not bridged from farther visits
    const visits: number[][] = Array.from({ length: pass.nPix }, () => []);
    for (let i = 0; i < log.length; i++)
      if (log.detector[i] === b.detector && clock.inLog[i]) visits[pass.pixelOf(i)]!.push(i);
    // every map of this band by state name, for the differences
    const byName = new Map<string, BandMap>();
    for (const sod of cfg.maps.atSod) {
      const m = mapAt(visits, v, e, log.timeS, timeOfSod(c.series, sod), opaque);
      byName.set(`sod${sod}`, m);
      await write(resultPath.map(b.name, sod), m);
      addH5(`${b.name}_sod${sod}`, m, { band: b.name, sod_pct: String(sod) });
    }
    for (const { state, whenS } of states) {
      const m = mapAtState(visits, v, e, log.timeS, whenS, sodcAt(c.series, whenS), clock, opaque);
      byName.set(state.name, m);
      await write(resultPath.stateMap(b.name, state.name), m, m.held);
      addH5(`${b.name}_${state.name}`, m, { band: b.name, state: state.name, about: state.label });
    }
    for (const d of cfg.maps.differences ?? []) {
      const m = differenceMap(byName.get(d.a)!, byName.get(d.b)!);
      await write(resultPath.differenceMap(b.name, d.b, d.a), m);
      addH5(`${b.name}_${d.b}_minus_${d.a}`, m, { band: b.name, state: d.b, minus: d.a });
    }
  }
}
