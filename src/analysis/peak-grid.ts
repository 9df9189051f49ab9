/**
 * The peak columns of the starting grid of fitPhasePeaks (peaks.ts), kept between fits.
 *
 * A grid node's columns — the unit-area pseudo-Voigts of the phase's reflections at lattice scale s,
 * FWHM Γ and η — depend on the q points and the grid only, never on the intensities or their σ. A
 * pipeline fits the same peak on hundreds of curves of one q axis (every frame of a region, every
 * sweep's region means), so the columns are made once per node and kept: each further fit on the same
 * q points only sums them against its own y and weights. Drawing them was about half of each fit's
 * time (the exp of every point of every reflection at a thousand nodes). The columns are the very
 * numbers the fit drew before (the same additions in the same order), so every fit's start, and so
 * its result, is unchanged.
 */
import { addPseudoVoigt, peakSupport } from "../physics/index.js";

/** One grid node's varying columns, each kept over its support [lo, hi) only (zero elsewhere). */
export interface GridNode {
  cols: Float64Array[];
  lo: Int32Array;
  hi: Int32Array;
}

export interface GridSpec {
  /** The q points fitted (the window's, without the unusable ones). */
  qw: Float64Array;
  /** The reflections modelled: centre at scale 1 and intensity relative to the strongest. */
  refl: { qNm: number; rel: number }[];
  /** One column Σ relₖ·PVₖ (ratio) or one per reflection. */
  ratio: boolean;
  cut: number;
  /** Each grid FWHM, its η and its number of lattice-scale steps over [0.95, 1.05]. */
  gammas: number[];
  etas: number[];
  steps: number[];
}

/** How many q axes and grids are kept (a run fits a few peaks, each in a few ways). */
const KEPT = 6;

interface Entry {
  qw: Float64Array;
  sig: string;
  nodes: Map<number, GridNode>;
}

/** Most recently used first. */
const kept: Entry[] = [];

function sameQ(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The node (Γ index g, lattice-scale step j: s = 0.95 + 0.1·j/steps[g]) of the grid `spec`,
 * drawn on first use and kept with its grid (see the file comment).
 */
export function gridColumns(spec: GridSpec): (g: number, j: number) => GridNode {
  const sig = JSON.stringify([spec.refl, spec.ratio, spec.cut, spec.gammas, spec.etas, spec.steps]);
  let at = kept.findIndex((e) => e.sig === sig && sameQ(e.qw, spec.qw));
  if (at < 0) {
    kept.unshift({ qw: Float64Array.from(spec.qw), sig, nodes: new Map() });
    kept.length = Math.min(kept.length, KEPT);
    at = 0;
  }
  const entry = kept[at]!;
  if (at > 0) {
    kept.splice(at, 1);
    kept.unshift(entry);
  }
  const { qw, refl, ratio, cut, gammas, etas, steps } = spec;
  const nCols = ratio ? 1 : refl.length;
  const scratch = Array.from({ length: nCols }, () => new Float64Array(qw.length));
  const stride = 1 + Math.max(...steps);
  return (g, j) => {
    const key = g * stride + j;
    const known = entry.nodes.get(key);
    if (known) return known;
    const s = 0.95 + (0.1 * j) / steps[g]!;
    const fwhm = gammas[g]!;
    const lo = new Int32Array(nCols);
    const hi = new Int32Array(nCols);
    refl.forEach((r, k) => {
      const col = ratio ? 0 : k;
      const c = s * r.qNm;
      addPseudoVoigt(scratch[col]!, qw, c, fwhm, etas[g]!, ratio ? r.rel : 1, cut);
      const [i0, i1] = peakSupport(qw, c, fwhm, cut);
      if (i0 >= i1) return;
      if (hi[col]! <= lo[col]!) [lo[col], hi[col]] = [i0, i1];
      else [lo[col], hi[col]] = [Math.min(lo[col]!, i0), Math.max(hi[col]!, i1)];
    });
    const cols = scratch.map((c, k) => {
      const part = c.slice(lo[k]!, hi[k]!);
      c.fill(0, lo[k]!, hi[k]!);
      return part;
    });
    const node = { cols, lo, hi };
    entry.nodes.set(key, node);
    return node;
  };
}

/** Drop every kept grid (tests: a fit made with none kept, to compare with one made with them). */
export function forgetGridColumns(): void {
  kept.length = 0;
}
