/**
 * Generated cells for the region-labelling tests (issue 19): each row's initial-OCV WAXS curve and
 * transmission for a stack whose layer thicknesses, beam height, reflection intensities (×0.5–2
 * each), peak shapes (Gaussian to Lorentzian), transmissions, outside materials, noise and edge
 * rows vary from seed to seed; optionally several columns with the layers tilted across x.
 */

import type { Role } from "../../src/analysis/regions.js";
import { DEFAULT_PHASES, type StackLayer } from "../../src/analysis/stack-labels.js";
import { type PhaseName, reflections } from "../../src/physics/index.js";
import type { RegionInputs } from "../../src/pipeline/regions-find.js";
import { Rng } from "../../src/simulate/rng.js";

const WAVELENGTH_M = 0.775e-10; // 16 keV, the paper's
export const Q = Float64Array.from({ length: 1000 }, (_, i) => 15 + (20 * i) / 999);
export const STACK: Role[] = ["other", "cathode", "separator", "anode", "other"];
export const LAYERS: StackLayer[] = STACK.map((role) => ({ role, phases: DEFAULT_PHASES[role] }));
const PHASES = ["In", "LiIn", "Li6PS5Cl", "S8", "Li2S"] as const;
export const LINES = PHASES.map((phase) => {
  const r = reflections(phase as PhaseName, WAVELENGTH_M, 40, 10);
  return { phase, q: r.map((x) => x.qNm), intensity: r.map((x) => x.intensity) };
});

/** A phase's pattern with each line's intensity scaled ×0.5–2 at random, pseudo-Voigt of random η. */
function pattern(rng: Rng, phase: string, fwhm: number, eta: number): Float64Array {
  const out = new Float64Array(Q.length);
  const l = LINES.find((x) => x.phase === phase)!;
  const max = Math.max(...l.intensity);
  l.q.forEach((q0, k) => {
    const a = (l.intensity[k]! / max) * 2 ** (2 * rng.next() - 1);
    for (let i = 0; i < Q.length; i++) {
      const x = (2 * (Q[i]! - q0)) / fwhm;
      out[i]! += a * (eta / (1 + x * x) + (1 - eta) * Math.exp(-Math.LN2 * x * x));
    }
  });
  return out;
}

const hump = (c: number, w: number, h: number) =>
  Float64Array.from(Q, (q) => h * Math.exp(-(((q - c) / w) ** 2)));
const add = (a: Float64Array, b: Float64Array, f = 1) => a.map((v, i) => v + f * b[i]!);

export interface Cell {
  /** Per row (column 0 where there are several): curve, transmission and true layer. */
  curves: Float64Array[];
  transmission: number[];
  truth: Role[];
  /** With a tilt: the same per scan point (row·cols + col). */
  grid?: { cols: number; curves: Float64Array[]; transmission: number[]; truth: Role[] };
}

export function makeCell(seed: number, tilt?: { cols: number; mm: number }): Cell {
  const rng = new Rng(seed);
  const u = (a: number, b: number) => a + (b - a) * rng.next();
  const fwhm = u(0.08, 0.3);
  const eta = rng.next();
  const se = pattern(rng, "Li6PS5Cl", fwhm, eta);
  const outside = () => {
    const kind = Math.floor(3 * rng.next());
    // steel (opaque), air, or a semicrystalline polymer with broad lines of its own
    if (kind === 0) return { t: 0, s: new Float64Array(Q.length) };
    if (kind === 1) return { t: u(0.85, 1), s: hump(18, 10, 0.002) };
    return { t: u(0.4, 0.8), s: add(hump(16, 0.6, 0.3), hump(20.2, 0.5, 0.2)) };
  };
  const below = outside();
  const above = outside();
  const cathodeT = u(0.08, 0.35);
  const layers: { role: Role; mm: number; t: number; s: Float64Array }[] = [
    { role: "other", mm: 0.3, ...below },
    {
      role: "cathode",
      mm: u(0.02, 0.1),
      t: cathodeT,
      s: add(add(pattern(rng, "S8", fwhm, eta), se, u(0.2, 0.8)), hump(15.5, 3, u(0.05, 0.3))),
    },
    { role: "separator", mm: u(0.3, 1), t: cathodeT * u(0.8, 1.25), s: add(se, hump(18, 6, 0.05)) },
    {
      role: "anode",
      mm: u(0.05, 0.3),
      t: u(0.005, 0.08),
      s: add(pattern(rng, "In", fwhm, eta), pattern(rng, "LiIn", fwhm, eta), u(0, 0.5)),
    },
    { role: "other", mm: 0.3, ...above },
  ];
  const edges = [0];
  for (const l of layers) edges.push(edges[edges.length - 1]! + l.mm);
  const step = 0.05;
  const beam = u(0.02, 0.1);
  const rows = Math.floor((edges[edges.length - 1]! - 0.2) / step);
  const noise = u(0.005, 0.03);
  // the rows of one column, its layers shifted up by `shift` mm (a tilt across x)
  const column = (shift: number, noisy: Rng) => {
    const curves: Float64Array[] = [];
    const transmission: number[] = [];
    const truth: Role[] = [];
    for (let r = 0; r < rows; r++) {
      const y = 0.1 + r * step - shift;
      const lo = y - beam / 2;
      const hi = y + beam / 2;
      let t = 0;
      let s = new Float64Array(Q.length);
      layers.forEach((l, k) => {
        const f = Math.max(0, Math.min(hi, edges[k + 1]!) - Math.max(lo, edges[k]!)) / beam;
        t += f * l.t;
        s = add(s, l.s, f * (l.role === "other" ? 1 : 1 - l.t));
        if (y >= edges[k]! && y < edges[k + 1]!) truth.push(l.role);
      });
      if (truth.length === r) truth.push("other");
      const level = Math.max(...s) || 1;
      curves.push(s.map((v) => v + noise * level * noisy.normal()));
      transmission.push(t * (1 + 0.01 * noisy.normal()));
    }
    return { curves, transmission, truth };
  };
  const first = column(0, rng);
  // an empty or partly filled row at one edge
  const edge = rng.next() < 0.5 ? 0 : rows - 1;
  const fill = u(0, 0.5);
  const partly = (c: ReturnType<typeof column>) => {
    c.curves[edge] = c.curves[edge]!.map((v) => v * fill);
    c.transmission[edge] = c.transmission[edge]! * fill;
    return c;
  };
  const cell: Cell = partly(first);
  if (tilt && tilt.cols > 1) {
    // the other columns draw their noise from their own streams, so column 0 is the cell without tilt
    const cols = [
      first,
      ...Array.from({ length: tilt.cols - 1 }, (_, k) =>
        partly(column((tilt.mm * (k + 1)) / (tilt.cols - 1), new Rng(seed * 1000 + k + 1))),
      ),
    ];
    const pixel = <T>(of: (c: ReturnType<typeof column>) => T[]) =>
      Array.from(
        { length: rows * tilt.cols },
        (_, p) => of(cols[p % tilt.cols]!)[Math.floor(p / tilt.cols)]!,
      );
    cell.grid = {
      cols: tilt.cols,
      curves: pixel((c) => c.curves),
      transmission: pixel((c) => c.transmission),
      truth: pixel((c) => c.truth),
    };
  }
  return cell;
}

/** What `swaxs run` would hand findRegions for a cell made with a tilt (several columns). */
export function regionInputsOf(cell: Cell): RegionInputs {
  const g = cell.grid!;
  const rows = cell.curves.length;
  return {
    rows,
    cols: g.cols,
    transmissionByRow: Array.from({ length: rows }, (_, r) => {
      let s = 0;
      for (let c = 0; c < g.cols; c++) s += g.transmission[r * g.cols + c]!;
      return s / g.cols;
    }),
    transmissionByPixel: g.transmission,
    waxs: { radial: Q, ocvMean: g.curves },
    stack: STACK,
    byRow: new Map(),
    layers: LAYERS,
    lines: LINES,
  };
}
