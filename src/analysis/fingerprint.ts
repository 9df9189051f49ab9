/**
 * Layer fingerprints (issue 19): how strongly each phase's reflections show in a curve, in noise
 * units, measured the way a scientist reads a WAXS pattern — a few of the phase's strongest lines,
 * each one's integrated excess over a local baseline. The phase library gives only the line
 * positions and which lines are strong; the score does not use the textbook intensity ratios (real
 * cells have texture and defects), and a phase counts as present when about half of its lines do.
 */

/** One phase's lines: positions [radial unit of the curve] and nominal relative intensities. */
export interface PhaseLines {
  phase: string;
  q: number[];
  intensity: number[];
}

export interface LineWindow {
  q: number;
  /** Bins of the line itself, and of the baseline on each side (indices into the radial axis). */
  inside: number[];
  sides: number[];
}

/** Half-width of a line's window [nm⁻¹]: an instrumental line (Γ ≈ 0.1–0.2 nm⁻¹) with room for some size broadening. */
const HALF = 0.25;
/** Side windows for the baseline: from 1.4 to 3.2 half-widths off the line. */
const SIDE_IN = 1.4;
const SIDE_OUT = 3.2;
/** Lines of another phase closer than this [nm⁻¹] make a line ambiguous; it is not used. */
const CLEAR = 0.6;
/** Lines per phase at most (the strongest clear ones). */
const MAX_LINES = 6;

/**
 * The windows of each phase's strongest lines that lie inside the axis and clear of every other
 * phase's strong lines (phases of one layer may overlap each other: they testify to the same layer).
 * `layerOf` maps a phase to its layer, so that only other layers' lines exclude.
 */
export function lineWindows(
  radial: Float64Array,
  phases: PhaseLines[],
  layerOf: (phase: string) => number,
): Map<string, LineWindow[]> {
  const lo = radial[0]!;
  const hi = radial[radial.length - 1]!;
  const strong = (p: PhaseLines) => {
    const max = Math.max(0, ...p.intensity);
    return p.q.filter((_, k) => p.intensity[k]! >= 0.1 * max);
  };
  const out = new Map<string, LineWindow[]>();
  for (const p of phases) {
    const others = phases.filter((o) => layerOf(o.phase) !== layerOf(p.phase)).flatMap(strong);
    const order = p.q.map((_, k) => k).sort((a, b) => p.intensity[b]! - p.intensity[a]!);
    const wins: LineWindow[] = [];
    for (const k of order) {
      if (wins.length >= MAX_LINES) break;
      const q = p.q[k]!;
      if (q - SIDE_OUT * HALF < lo || q + SIDE_OUT * HALF > hi) continue;
      if (others.some((o) => Math.abs(o - q) < CLEAR)) continue;
      if (wins.some((w) => Math.abs(w.q - q) < 2 * HALF)) continue;
      const inside: number[] = [];
      const sides: number[] = [];
      radial.forEach((x, i) => {
        const d = Math.abs(x - q);
        if (d <= HALF) inside.push(i);
        else if (d >= SIDE_IN * HALF && d <= SIDE_OUT * HALF) sides.push(i);
      });
      if (inside.length >= 2 && sides.length >= 4) wins.push({ q, inside, sides });
    }
    out.set(p.phase, wins);
  }
  return out;
}

function quantile(v: number[], f: number): number {
  const s = v.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return Number.NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.round(f * (s.length - 1))))]!;
}

/**
 * A line's excess over its baseline, Σ(y − baseline) over its window, and the scatter of one bin
 * next to it. The baseline is the lower quartile of the side windows (neighbouring lines of a dense
 * pattern only raise the upper part); the scatter is the MAD of successive differences in the side
 * windows, which a smooth background does not inflate.
 */
export function lineExcess(y: Float64Array, w: LineWindow): { excess: number; sigma: number } {
  const side = w.sides.map((i) => y[i]!);
  const base = quantile(side, 0.25);
  const diffs: number[] = [];
  for (let k = 1; k < w.sides.length; k++)
    if (w.sides[k] === w.sides[k - 1]! + 1) diffs.push(Math.abs(y[w.sides[k]!]! - y[w.sides[k - 1]!]!));
  let excess = 0;
  for (const i of w.inside) if (Number.isFinite(y[i]!)) excess += y[i]! - base;
  return { excess, sigma: quantile(diffs, 0.5) / (0.6745 * Math.SQRT2) };
}

/**
 * A phase's score in each of several curves (the rows of a scan), in noise units: per line, its
 * excess ÷ (σ·√n) with σ the median scatter over all the curves (one noise unit for every row, so
 * that a nearly empty row's tiny wiggles do not count as lines); per curve, the upper median of
 * its lines' scores.
 * 0 for a phase without usable lines.
 */
export function phaseScores(curves: Float64Array[], wins: LineWindow[]): number[] {
  if (!wins.length) return curves.map(() => 0);
  const perLine = wins.map((w) => {
    const m = curves.map((y) => lineExcess(y, w));
    const sigma = Math.max(
      quantile(
        m.map((x) => x.sigma),
        0.5,
      ),
      1e-300,
    );
    return m.map((x) => x.excess / (sigma * Math.sqrt(w.inside.length)));
  });
  // the upper median: half of the lines must show (a suppressed line does not decide, and two
  // lines of another material that happen to fall on this phase's windows do not either)
  return curves.map((_, r) => {
    const z = perLine.map((l) => l[r]!).sort((a, b) => b - a);
    return z[Math.floor((z.length - 1) / 2)]!;
  });
}
