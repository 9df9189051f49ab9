/**
 * A scan grid proposed from the edges of a line scan: rows covering the stack (between its two
 * outer edges) at a chosen step, each labelled with the layer its centre falls in, and the
 * `regions.by_row` block of experiment.yaml that states those labels (docs/config.md: row 0 is the
 * lowest y; a row → region map overrides the regions the pipeline finds).
 */
import { InputError } from "../util/index.js";
import { type EdgeFit, FWHM_PER_SIGMA } from "./edges.js";

/** Names of the stack's layers when none are given, lowest y first: the pipeline's default stack. */
export const DEFAULT_LAYER_NAMES: readonly string[] = ["cathode", "separator", "anode"];
/** The name of everything outside the stack's outer edges. */
export const OUTSIDE = "other";

export interface GridRow {
  row: number;
  posMm: number;
  /** Index of the plateau the row's centre falls in (0 = below the first edge). */
  plateau: number;
  layer: string;
  /** The beam (FWHM of the nearest edge's blur) straddles an edge at this row. */
  nearEdge: boolean;
}

export interface ScanGrid {
  stepMm: number;
  /** Where the step came from. */
  stepFrom: "option" | "edge width";
  /** The stack between its outer edges [mm]. */
  stackFromMm: number;
  stackToMm: number;
  rows: GridRow[];
  /** Row (as text, for YAML) → layer name: the `regions.by_row` map. */
  byRow: Record<string, string>;
}

export interface GridOptions {
  /** Row spacing [mm]; default: the median FWHM (2.355 σ) of the fitted edges, to 1 µm. */
  stepMm?: number;
  /** Rows added outside the stack at each end (default 1), labelled `other`. */
  marginRows?: number;
  /** Names of the layers between the outer edges, lowest first (default DEFAULT_LAYER_NAMES). */
  layers?: readonly string[];
}

/** The names of the plateaus: outside, the stack's layers, outside. */
function plateauNames(fit: EdgeFit, given: readonly string[] | undefined): string[] {
  const inner = fit.edges.length - 1;
  let names: string[];
  if (given) {
    if (given.length !== inner)
      throw new InputError(
        "",
        `--layers names ${given.length} layer${given.length === 1 ? "" : "s"}, but the scan shows ${inner} between its outer edges`,
      );
    names = [...given];
  } else if (inner <= DEFAULT_LAYER_NAMES.length) names = DEFAULT_LAYER_NAMES.slice(0, inner);
  else names = Array.from({ length: inner }, (_, i) => `layer${i + 1}`);
  return [OUTSIDE, ...names, OUTSIDE];
}

/** The default step: the median FWHM of the edges' blur, which is about the beam's height. */
export function defaultStepMm(fit: EdgeFit): number {
  const w = fit.edges.map((e) => e.widthMm * FWHM_PER_SIGMA).sort((a, b) => a - b);
  const median = w.length % 2 ? w[w.length >> 1]! : (w[w.length / 2 - 1]! + w[w.length / 2]!) / 2;
  return Math.max(Math.round(median * 1000) / 1000, 0.001);
}

/** Propose the rows of a scan grid over the stack the fit found (needs two edges or more). */
export function proposeGrid(fit: EdgeFit, opts: GridOptions = {}): ScanGrid {
  if (fit.edges.length < 2)
    throw new InputError("", "one edge only: the stack's extent needs two (scan across the whole stack)");
  if (opts.stepMm !== undefined && !(opts.stepMm > 0))
    throw new InputError("", `the step must be > 0 mm, got ${opts.stepMm}`);
  const stepMm = opts.stepMm ?? defaultStepMm(fit);
  const margin = opts.marginRows ?? 1;
  const names = plateauNames(fit, opts.layers);
  const from = fit.edges[0]!.posMm;
  const to = fit.edges.at(-1)!.posMm;
  const inside = Math.max(1, Math.ceil((to - from) / stepMm - 1e-9));
  const n = inside + 2 * margin;
  const centre = (from + to) / 2;
  const rows: GridRow[] = [];
  for (let r = 0; r < n; r++) {
    const posMm = centre + (r - (n - 1) / 2) * stepMm;
    const plateau = fit.edges.filter((e) => e.posMm <= posMm).length;
    const nearEdge = fit.edges.some((e) => Math.abs(posMm - e.posMm) < (e.widthMm * FWHM_PER_SIGMA) / 2);
    rows.push({ row: r, posMm, plateau, layer: names[plateau]!, nearEdge });
  }
  return {
    stepMm,
    stepFrom: opts.stepMm === undefined ? "edge width" : "option",
    stackFromMm: from,
    stackToMm: to,
    rows,
    byRow: Object.fromEntries(rows.map((r) => [String(r.row), r.layer])),
  };
}

/** The `regions:` block of experiment.yaml for these rows, ready to paste. */
export function byRowYaml(grid: ScanGrid): string {
  const lines = ["regions:", "  by_row:"];
  for (const r of grid.rows) lines.push(`    '${r.row}': ${r.layer}`);
  return `${lines.join("\n")}\n`;
}
