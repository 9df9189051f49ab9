/**
 * The moments of the config's `maps.at` states on the UTC clock (issue 15): SODC within the N-th
 * charge or discharge half-cycle, or hours after the first frame; and the maps made at them,
 * with difference maps between two states.
 */
import { type EchemSeries, type FrameClock, joinFrames } from "../echem/index.js";
import { InputError } from "../util/index.js";
import type { ExperimentConfig, MapState } from "./config.js";
import { type BandMap, mapAt } from "./products.js";

/**
 * A point with no visit on one side of a state's moment (a state at the end of the record, the
 * end of the charge the last sweep closes on) takes its nearest visit when the cell's SODC there
 * is within this of the SODC at the moment [%]: within it, the charge passed in between is under
 * 1 % of the first discharge's, below what a band value resolves.
 */
export const HOLD_SODC_PCT = 1;

/** SODC [%] on the series' scale (relative to the first discharge) at Unix time `t`; NaN outside the log. */
export function sodcAt(series: EchemSeries, t: number): number {
  return joinFrames(series, [t]).sodcPct[0]!;
}

/**
 * When the `cycle`-th half-cycle of kind `after` reaches `pct` % SODC counted within itself [Unix s]
 * (the paper's convention: a discharge runs 0 → 100 % of its own charge, a charge 100 → 0 %), linear
 * between the two records around it; the first such moment. Null when there is no such half-cycle.
 */
export function timeOfHalfCycleSodc(
  series: EchemSeries,
  after: "discharge" | "charge",
  cycle: number,
  pct: number,
): number | null {
  const h = series.halfCycles.filter((x) => x.kind === after)[cycle - 1];
  const t = series.unixS;
  if (!h || !t) return null;
  const q = series.chargeMAh;
  const span = q[h.end]! - q[h.first]!;
  if (span === 0) return t[h.first]!;
  // progress within the half-cycle, 0 → 100 in a discharge, 100 → 0 in a charge
  const prog = (k: number) =>
    after === "discharge" ? (100 * (q[k]! - q[h.first]!)) / span : (100 * (q[h.end]! - q[k]!)) / span;
  const reached = (v: number) => (after === "discharge" ? v >= pct : v <= pct);
  if (reached(prog(h.first))) return t[h.first]!;
  for (let k = h.first + 1; k <= h.end; k++) {
    const b = prog(k);
    if (!reached(b)) continue;
    const a = prog(k - 1);
    const w = a === b ? 1 : (pct - a) / (b - a);
    return t[k - 1]! + w * (t[k]! - t[k - 1]!);
  }
  return t[h.end]!;
}

export interface ResolvedState {
  state: MapState;
  /** Its moment [Unix s]. */
  whenS: number;
}

const hoursAfter = (t: number, t0: number) => `${Number(((t - t0) / 3600).toFixed(3))} h`;

/**
 * The config with only the map states the frames so far reach (a live run's: the end of the
 * charge is not a state yet while the cell discharges), and the differences between those; the
 * first discharge's (at_sod) are kept, their maps are NaN until the frames reach them.
 */
export function reachedStates(
  cfg: ExperimentConfig,
  series: EchemSeries,
  frameS: ArrayLike<number>,
): ExperimentConfig {
  const states = cfg.maps.states;
  if (!states?.length) return cfg;
  const kept = states.filter((st) => {
    try {
      resolveMapStates({ ...cfg, maps: { ...cfg.maps, states: [st] } }, series, frameS);
      return true;
    } catch (err) {
      if (err instanceof InputError) return false;
      throw err;
    }
  });
  const names = new Set(kept.map((st) => st.name));
  const known = (n: string) => names.has(n) || !states.some((st) => st.name === n);
  const differences = cfg.maps.differences?.filter((d) => known(d.a) && known(d.b));
  return {
    ...cfg,
    maps: { ...cfg.maps, states: kept, ...(differences && { differences }) },
  };
}

/**
 * Each named state of `maps.at` at its moment; a state the experiment never reaches (no such
 * half-cycle in the cycler log, a moment the frames do not cover) is an InputError naming its key
 * and what the log and the frames cover. `frameS`: every frame's time [Unix s].
 */
export function resolveMapStates(
  cfg: ExperimentConfig,
  series: EchemSeries,
  frameS: ArrayLike<number>,
): ResolvedState[] {
  const states = cfg.maps.states ?? [];
  if (states.length === 0) return [];
  let t0 = Number.POSITIVE_INFINITY;
  let t1 = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < frameS.length; i++) {
    t0 = Math.min(t0, frameS[i]!);
    t1 = Math.max(t1, frameS[i]!);
  }
  const span = `the frames span 0–${hoursAfter(t1, t0)} after the first`;
  return states.map((st) => {
    const fail = (problem: string): never => {
      throw new InputError(cfg.file, `${st.key}: ${problem}`);
    };
    if ("timeH" in st) {
      const whenS = t0 + st.timeH * 3600;
      if (whenS > t1) fail(`time_h ${st.timeH} is after the last frame (${span})`);
      return { state: st, whenS };
    }
    const whenS = timeOfHalfCycleSodc(series, st.after, st.cycle, st.sodcPct);
    if (whenS === null) {
      const n = (k: string) => series.halfCycles.filter((h) => h.kind === k).length;
      return fail(
        `the cycler log (${series.file}) has ${n("discharge")} discharge and ${n("charge")} charge half-cycles, so no ${st.after} ${st.cycle}`,
      );
    }
    if (whenS < t0 || whenS > t1) {
      // outside the frames: still a state the scan shows if the cell stood (almost) still since
      const edge = whenS < t0 ? t0 : t1;
      const gap = Math.abs(sodcAt(series, whenS) - sodcAt(series, edge));
      if (!(gap <= HOLD_SODC_PCT))
        fail(
          `${st.label} is reached ${hoursAfter(whenS, t0)} after the first frame, ${whenS < t0 ? "before" : "after"} the frames (${span}; SODC differs by ${gap.toFixed(1)} % from the nearest)`,
        );
    }
    return { state: st, whenS };
  });
}

/**
 * A band's map at a state's moment: `mapAt` (linear between each point's own visits), and where a
 * point has no visit on one side, its nearest visit when the SODC there is within HOLD_SODC_PCT of
 * the moment's (`held` marks those). `sodcOf(i)`: SODC at scan-log line i.
 */
export function mapAtState(
  visits: number[][],
  v: Float64Array,
  err: Float64Array,
  timeS: Float64Array,
  whenS: number,
  sodcWhen: number,
  clock: Pick<FrameClock, "sodcPct">,
  opaque: (i: number) => boolean,
): BandMap & { held: Uint8Array } {
  const m = mapAt(visits, v, err, timeS, whenS, opaque);
  const held = new Uint8Array(visits.length);
  visits.forEach((vs, p) => {
    if (vs.length === 0 || m.opaque[p] || Number.isFinite(m.value[p]!)) return;
    const first = vs[0]!;
    const last = vs[vs.length - 1]!;
    // only a moment beyond all of the point's visits; inside them mapAt has said what there is
    const i = whenS < timeS[first]! ? first : whenS > timeS[last]! ? last : -1;
    if (i < 0 || !(Math.abs(clock.sodcPct[i]! - sodcWhen) <= HOLD_SODC_PCT)) return;
    if (opaque(i)) {
      m.opaque[p] = 1;
      return;
    }
    m.value[p] = v[i]!;
    m.error[p] = err[i]!;
    held[p] = 1;
  });
  return { ...m, held };
}

/**
 * B − A per point, σ the two in quadrature: exact for states made from different visits; for two
 * states between the same two visits their errors correlate positively, and this is an upper bound.
 */
export function differenceMap(a: BandMap, b: BandMap): BandMap {
  const n = a.value.length;
  const value = new Float64Array(n);
  const error = new Float64Array(n);
  const opaque = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    opaque[p] = a.opaque[p]! | b.opaque[p]!;
    value[p] = opaque[p] ? Number.NaN : b.value[p]! - a.value[p]!;
    error[p] = opaque[p] ? Number.NaN : Math.hypot(a.error[p]!, b.error[p]!);
  }
  return { value, error, opaque };
}
