/** `run.json`: what the results were made from, how they are normalised, and the contract's version. */

import { type CellDesignInputs, cellDesign, PAPER_CONTRAST } from "../../design/index.js";
import { RESULTS_SCHEMA_VERSION, type RegionCheck } from "../../results/index.js";
import type { ScanLog } from "../../scan/index.js";
import { PROGRAM, VERSION } from "../../util/index.js";
import type { ExperimentConfig } from "../config.js";
import type { PeakFitSummary } from "../products.js";

export function runJson(
  cfg: ExperimentConfig,
  log: ScanLog,
  missing: number[],
  outside: number,
  regions: RegionCheck,
  peakFits: Map<string, PeakFitSummary> = new Map(),
  warnings: string[] = [],
  /** The active-material mass used for mAh/g and where it came from (config, the cycler file's header). */
  mass: { massMg: number | null; massFrom: string | null } = { massMg: null, massFrom: null },
  /** Sections products add (`saxs`: the Porod stability metric beside the contrast's expectation). */
  more: { saxs?: unknown } = {},
): string {
  const dets = Object.values(cfg.detectors);
  const normalize = Object.fromEntries(
    dets.map((d) => {
      const n = cfg.normalize[d.name] ?? { kind: "none" };
      return [d.name, n.kind === "reference" ? `reference: ${n.sodPct} % SOD` : n.kind];
    }),
  );
  return `${JSON.stringify(
    {
      program: PROGRAM,
      version: VERSION,
      results_schema: RESULTS_SCHEMA_VERSION,
      date: new Date().toISOString(),
      config: cfg.file,
      frames: log.length,
      // the frames left out (file, or file#frame inside a stack), in scan-log order
      missing_frames: missing.map((i) => (log.frame[i] ? `${log.file[i]}#${log.frame[i]}` : log.file[i])),
      monitor: Object.fromEntries(dets.map((d) => [d.name, d.monitor])),
      detector_kind: Object.fromEntries(dets.map((d) => [d.name, d.kind])),
      frames_outside_cycler_log: outside,
      echem: {
        file: cfg.echem.file,
        mass_mg: mass.massMg,
        mass_from:
          mass.massFrom === "stated" ? "config" : mass.massFrom === "file" ? "cycler file header" : null,
      },
      normalize,
      // how the regions were found, each boundary's margin, and whether it is uncertain
      regions,
      bands: cfg.bands,
      peaks: cfg.peaks.map((p) => ({
        name: p.name,
        phase: p.phase,
        detector: p.detector,
        region: p.region,
        q: p.q,
      })),
      // per peak: the instrumental FWHM [nm⁻¹] removed before Scherrer, and where it came from
      instrument_fwhm_q: Object.fromEntries(
        cfg.peaks
          .filter((p) => p.instrumentFwhmQ !== undefined)
          .map((p) => [
            p.name,
            {
              value: p.instrumentFwhmQ,
              ...(p.instrumentFwhmErr !== undefined && { error: p.instrumentFwhmErr }),
              from: p.instrumentFwhmFrom ?? "config",
            },
          ]),
      ),
      // what the run warned about (also printed)
      warnings,
      // per peak: the peak model (areas, size-broadening shape, base) and how its sweeps' fits went
      peak_fits: Object.fromEntries(peakFits),
      maps_at_sod: cfg.maps.atSod,
      // the named states of maps.at (maps/<band>_<name>.csv) and the differences [A, B] (B − A)
      maps_at: (cfg.maps.states ?? []).map((st) => ({ name: st.name, about: st.label })),
      maps_differences: (cfg.maps.differences ?? []).map((d) => [d.a, d.b]),
      // SAXS Porod quantities (config saxs:): measured change, its detection limit, the expected one
      ...(more.saxs ? { saxs: more.saxs } : {}),
      extra: cfg.extra.map((x) => ({ name: x.name, detector: x.detector, file: x.file })),
      // the cell's design numbers (config design:): the inputs and what design/ computes from them
      ...(cfg.design && { design: designRecord(cfg) }),
    },
    null,
    2,
  )}\n`;
}

/**
 * run.json `design`: the config's design inputs in its spelling (the stack as layers, also when read
 * from a file; the pore contrast from the saxs: block's phases, else the paper's), and the numbers.
 */
export function designInputs(cfg: ExperimentConfig): CellDesignInputs | null {
  const d = cfg.design;
  if (!d) return null;
  const s = d.spring;
  return {
    ...(s && {
      spring: {
        spring_k_n_per_mm: s.kNPerMm,
        area_mm2: s.areaMm2,
        ...(s.pressureMpa !== undefined && { pressure_mpa: s.pressureMpa }),
        ...(s.compressionMm !== undefined && { compression_mm: s.compressionMm }),
        friction: s.friction,
      },
    }),
    energy_kev: d.energyKeV,
    ...(d.stack && {
      stack: d.stack.map((l) => ({
        material: l.material,
        ...(l.densityGCm3 !== undefined && { density_g_cm3: l.densityGCm3 }),
        thickness_mm: l.thicknessMm,
      })),
    }),
    ...(d.stackFile && { stack_file: d.stackFile }),
    contrast: cfg.saxs
      ? { matrix: cfg.saxs.matrix, from: cfg.saxs.from, to: cfg.saxs.to, pore_fill: cfg.saxs.poreFill }
      : { ...PAPER_CONTRAST },
  };
}

function designRecord(cfg: ExperimentConfig) {
  const inputs = designInputs(cfg)!;
  const r = cellDesign(inputs);
  const conv = r.contrast.conversions[0];
  return {
    inputs,
    ...(r.pressure && {
      force_n: r.pressure.force_n,
      pressure_mpa: r.pressure.pressure_mpa,
      compression_mm: r.pressure.compression_mm,
    }),
    ...(r.transmission && {
      transmission: r.transmission.beam.transmission,
      transmission_cu_ka: r.transmission.cu_ka.transmission,
    }),
    ...(conv && { contrast_ratio: conv.ratio, contrast_assumption: r.contrast.assumption }),
  };
}
