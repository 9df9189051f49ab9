/**
 * The region stage of `swaxs run`: the stack's layers and their phases' lines, the labelling of the
 * rows from their initial-OCV curves and transmission (regions-find.ts), and what it writes:
 * `regions.csv`, `regions_evidence.csv`, and the `regions` part of run.json.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Role } from "../analysis/regions.js";
import { DEFAULT_PHASES, type PhaseLines, type StackLayer } from "../analysis/stack-labels.js";
import { readPoni } from "../geometry/index.js";
import { type PhaseName, reflections } from "../physics/index.js";
import { columnsOf, csv, csvLine, fmt, gridCsv, RESULTS, type RegionCheck } from "../results/index.js";
import type { Grid } from "../scan/index.js";
import type { ocvPass, PassContext } from "./analyse.js";
import type { ExperimentConfig } from "./config.js";
import type { DetectorFrames } from "./reduce-stage.js";
import { findRegions, type RegionResult } from "./regions-find.js";

/** Labels the rows and writes regions.csv and regions_evidence.csv into `tmp`. */
export async function regionStage(
  cfg: ExperimentConfig,
  grid: Grid,
  dets: DetectorFrames[],
  ocv: Map<string, ReturnType<typeof ocvPass>>,
  pass: PassContext,
  tmp: string,
): Promise<RegionResult> {
  const t = ocvTransmission(grid, dets, ocv, pass);
  const tPixel = ocvTransmission(grid, dets, ocv, pass, true);
  const found = labelRegions(cfg, grid, dets, ocv, t, tPixel, await stackLines(cfg, dets));
  await writeFile(join(tmp, RESULTS.regionEvidence.path), evidenceCsv(cfg, grid, found, t));
  await writeFile(
    join(tmp, RESULTS.regions.path),
    gridCsv(
      RESULTS.regions.columns.at(-1)!.name,
      grid.rows,
      grid.cols,
      grid.xMm,
      grid.yMm,
      (p) => found.pixelRoles[p]!,
    ),
  );
  return found;
}

/** The layers of the stack, in order, with the phases each is recognised by. */
function stackLayers(cfg: ExperimentConfig): StackLayer[] {
  const stack = (cfg.stack ?? DEFAULT_STACK) as Role[];
  return stack.map((role, k) => ({ role, phases: cfg.stackPhases?.[k] ?? DEFAULT_PHASES[role] }));
}

const DEFAULT_STACK: Role[] = ["other", "cathode", "separator", "anode", "other"];

/**
 * The lines of the stack's phases on the WAXS detector's axis (q in nm⁻¹, at its wavelength), or
 * null when there is no WAXS detector reduced in q_nm^-1.
 */
async function stackLines(cfg: ExperimentConfig, dets: DetectorFrames[]): Promise<PhaseLines[] | null> {
  const d = Object.values(cfg.detectors).find((x) => x.kind === "waxs" && x.unit === "q_nm^-1");
  if (!d) return null;
  const cal = await readPoni(d.poni);
  const phases = [...new Set(stackLayers(cfg).flatMap((l) => l.phases))];
  // the lines up to just past the detector's reach (listing a big cell's lines to 80 nm⁻¹ took
  // longer than finding the regions)
  const radial = dets.find((x) => x.name === d.name)?.radial;
  const qMaxNm = radial?.length ? Math.min(80, radial[radial.length - 1]! + 3) : 80;
  return phases.map((phase) => {
    const r = reflections(phase as PhaseName, cal.wavelengthM, qMaxNm, 0.5);
    return { phase, q: r.map((x) => x.qNm), intensity: r.map((x) => x.intensity) };
  });
}

/** Each row's (or, `perPixel`, each scan point's) mean transmission over the initial OCV (0 where none). */
function ocvTransmission(
  grid: Grid,
  dets: DetectorFrames[],
  ocv: Map<string, ReturnType<typeof ocvPass>>,
  pass: PassContext,
  perPixel = false,
): number[] {
  const n = perPixel ? grid.rows * grid.cols : grid.rows;
  const at = (i: number) => (perPixel ? pass.pixelOf(i) : grid.rowOf[i]!);
  const tSum = new Float64Array(n);
  const tN = new Float64Array(n);
  const first = dets[0]!;
  first.index.forEach((i, k) => {
    const t = ocv.get(first.name)!.transmission[k]!;
    if (pass.inOcv(i) && Number.isFinite(t)) {
      tSum[at(i)]! += t;
      tN[at(i)]!++;
    }
  });
  return Array.from(tSum, (s, r) => (tN[r]! > 0 ? s / tN[r]! : 0));
}

/** `regions_evidence.csv`: per row, y, transmission, each layer's fingerprint (noise units) and the label. */
function evidenceCsv(cfg: ExperimentConfig, grid: Grid, found: RegionResult, t: number[]): string {
  const layers = stackLayers(cfg);
  const ev = found.fingerprint?.evidence ?? layers.map(() => null);
  const lines = [
    csvLine([
      ...columnsOf(RESULTS.regionEvidence).slice(0, 3),
      ...layers.map((l, k) => `layer${k}_${l.role}`),
      "region",
    ]),
  ];
  for (let r = 0; r < grid.rows; r++)
    lines.push(
      csvLine([r, grid.yMm[r]!, fmt(t[r]!), ...ev.map((e) => (e ? fmt(e[r]!) : "")), found.roles[r]!]),
    );
  return csv(lines);
}

/** y of the boundary below row r: between two rows, or half a pitch beyond an edge row. */
function boundaryY(y: readonly number[], r: number): number {
  const pitch = y.length > 1 ? (y[y.length - 1]! - y[0]!) / (y.length - 1) : 0;
  if (r <= 0) return y[0]! - pitch / 2;
  if (r >= y.length) return y[y.length - 1]! + pitch / 2;
  return 0.5 * (y[r - 1]! + y[r]!);
}

/** What run.json says of the regions: the method, and each boundary with its margin and doubt. */
export function regionsJson(grid: Grid, found: RegionResult): RegionCheck {
  return {
    method: found.tilted ? `${found.method} per column (layers tilted across x)` : found.method,
    boundaries: found.boundaries.map((b) => ({
      below: b.below,
      above: b.above,
      rows: [b.row - 1, b.row],
      y_mm: boundaryY(grid.yMm, b.row),
      margin: Number(b.margin.toPrecision(4)),
      uncertain: b.uncertain,
      ...(b.why && { why: b.why }),
      ...(b.col !== undefined && { col: b.col }),
    })),
  };
}

/** The regions from each row's initial-OCV transmission and SAXS/WAXS curves (see regions-find.ts). */
function labelRegions(
  cfg: ExperimentConfig,
  grid: Grid,
  dets: DetectorFrames[],
  ocv: Map<string, ReturnType<typeof ocvPass>>,
  transmissionByRow: number[],
  transmissionByPixel: number[],
  lines: PhaseLines[] | null,
): RegionResult {
  const nPix = grid.rows * grid.cols;
  const layers = stackLayers(cfg);
  // the detector of each kind, as the config states it
  const feature = (kind: "saxs" | "waxs") => {
    const d = dets.find((x) => cfg.detectors[x.name]!.kind === kind);
    return d
      ? { radial: d.radial, ocvMean: perPixel(ocv.get(d.name)!.mean, nPix, d.radial.length) }
      : undefined;
  };
  return findRegions({
    rows: grid.rows,
    cols: grid.cols,
    transmissionByRow,
    transmissionByPixel,
    saxs: feature("saxs"),
    waxs: feature("waxs"),
    stack: layers.map((l) => l.role),
    byRow: cfg.regions.byRow as Map<number, Role>,
    layers,
    ...(lines && { lines }),
  });
}

/** Each pixel's curve as a view into a pixels × npt block. */
const perPixel = (flat: Float64Array, nPix: number, npt: number) =>
  Array.from({ length: nPix }, (_, p) => flat.subarray(p * npt, (p + 1) * npt));
