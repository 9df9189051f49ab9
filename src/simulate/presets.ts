/**
 * Presets of the digital twin. `paper-assb` is the paper's solid-state Li–S experiment at the
 * Elettra SAXS beamline (16 keV; SAXS on a Pilatus 1M at 1.8 m, WAXS on a Pilatus 100K at 11.4 cm
 * covering 16.9–34.7 nm⁻¹); `paper-liquid` its liquid-electrolyte control cell on a Cu Kα lab
 * instrument (Eiger2 1M and 500K); `demo` and `tiny` are the solid-state cell on smaller grids,
 * shorter runs and cut-down detectors so that they run in a minute and in seconds.
 */
import type { PoniGeometry } from "../geometry/index.js";

export type PresetName = "paper-assb" | "paper-liquid" | "demo" | "tiny";
export const PRESET_NAMES: PresetName[] = ["paper-assb", "paper-liquid", "demo", "tiny"];

export interface DetectorSetup {
  /** pyFAI detector class name */
  detector: string;
  geometry: Omit<PoniGeometry, "wavelengthM">;
  /** "cbf" (one file per frame, Pilatus) or "nexus" (one bitshuffle-LZ4 stack per sweep, Eiger) */
  format: "cbf" | "nexus";
  /** Expected counts per pixel of the strongest feature in a typical frame. */
  countsScale: number;
  /** Bins the pipeline config asks for. */
  npt: number;
}

export interface Preset {
  name: PresetName;
  cell: "assb" | "liquid";
  energyKeV: number;
  rows: number;
  cols: number;
  /** Beam footprint: height along the stack (y) and width (x), and the scan steps [mm]. */
  beamHeightMm: number;
  beamWidthMm: number;
  stepYMm: number;
  stepXMm: number;
  /** Per point: exposure and motor overhead [s]. */
  dwellS: number;
  overheadS: number;
  /** Electrochemistry: OCV rest, discharge to `dischargeFraction` of theoretical capacity at `cRateH` hours, rest, charge. */
  ocvH: number;
  dischargeH: number;
  restH: number;
  chargeH: number;
  /** Cathode sulfur mass [mg] (sets the current). */
  sulfurMg: number;
  /** Repeated sweeps over the grid through the whole run. */
  sweeps: number;
  /** Cycler clock: local time zone written as its wall clock. */
  cyclerTimezone: string;
  saxs: DetectorSetup;
  waxs: DetectorSetup;
  /**
   * Where the sulfur converts: "pores" (default; the pore contrast follows the Li2S fraction, the
   * paper's factor 0.75 at full conversion) or "outside" (the pores' filling stays as it was: a
   * cell whose SAXS is stable, for tests of the stability metric's detection limit).
   */
  poreConversion?: "pores" | "outside";
}

const PILATUS_SAXS: DetectorSetup = {
  detector: "Pilatus1M",
  geometry: {
    distM: 1.8,
    poni1M: 0.0911944,
    poni2M: 0.0809604,
    rot1Rad: 0.0012,
    rot2Rad: -0.0008,
    rot3Rad: 0,
  },
  format: "cbf",
  countsScale: 60,
  npt: 500,
};
const PILATUS_WAXS: DetectorSetup = {
  detector: "Pilatus100k",
  geometry: {
    distM: 0.114,
    poni1M: 0.01677,
    poni2M: -0.13691,
    rot1Rad: -0.66764,
    rot2Rad: 0.0035,
    rot3Rad: -0.0021,
  },
  format: "cbf",
  countsScale: 1000,
  npt: 800,
};

/** A Pilatus 300K with the beam near its middle: the same SAXS range on a third of the pixels. */
const SMALL_SAXS: DetectorSetup = {
  ...PILATUS_SAXS,
  detector: "Pilatus300k",
  geometry: { ...PILATUS_SAXS.geometry, poni1M: 0.0532, poni2M: 0.0419 },
};

const ASSB = {
  cell: "assb" as const,
  energyKeV: 16,
  beamHeightMm: 0.088,
  beamWidthMm: 1.0,
  cyclerTimezone: "Europe/Rome",
  saxs: PILATUS_SAXS,
  waxs: PILATUS_WAXS,
};

export const PRESETS: Record<PresetName, Preset> = {
  "paper-assb": {
    name: "paper-assb",
    ...ASSB,
    rows: 40,
    cols: 3,
    stepYMm: 0.05,
    stepXMm: 1.0,
    dwellS: 1,
    overheadS: 0.5,
    ocvH: 2,
    dischargeH: 14,
    restH: 0.5,
    chargeH: 6,
    sulfurMg: 0.15,
    sweeps: 40,
  },
  demo: {
    name: "demo",
    ...ASSB,
    rows: 16,
    cols: 2,
    stepYMm: 0.13,
    stepXMm: 1.0,
    beamHeightMm: 0.13,
    dwellS: 1,
    overheadS: 0.5,
    ocvH: 1,
    dischargeH: 12,
    restH: 0.5,
    chargeH: 4.5,
    sulfurMg: 0.15,
    sweeps: 12,
  },
  tiny: {
    name: "tiny",
    ...ASSB,
    rows: 10,
    cols: 2,
    stepYMm: 0.24,
    stepXMm: 1.0,
    beamHeightMm: 0.26,
    dwellS: 1,
    overheadS: 0.5,
    ocvH: 1,
    dischargeH: 10,
    restH: 0.5,
    chargeH: 4,
    sulfurMg: 0.15,
    sweeps: 6,
    saxs: SMALL_SAXS,
  },
  "paper-liquid": {
    name: "paper-liquid",
    cell: "liquid",
    energyKeV: 8.048,
    rows: 8,
    cols: 3,
    beamHeightMm: 1.5,
    beamWidthMm: 0.1,
    stepYMm: 1.0,
    stepXMm: 1.0,
    dwellS: 60,
    overheadS: 2,
    ocvH: 1,
    dischargeH: 10,
    restH: 0,
    chargeH: 0,
    sulfurMg: 1.0,
    sweeps: 20,
    cyclerTimezone: "Europe/Zurich",
    saxs: {
      detector: "Eiger2_1M",
      geometry: { distM: 0.5, poni1M: 0.0398, poni2M: 0.0386, rot1Rad: 0, rot2Rad: 0, rot3Rad: 0 },
      format: "nexus",
      countsScale: 40,
      npt: 400,
    },
    waxs: {
      detector: "Eiger2_500k",
      geometry: { distM: 0.06, poni1M: 0.0192, poni2M: -0.0195, rot1Rad: 0, rot2Rad: 0, rot3Rad: 0 },
      format: "nexus",
      countsScale: 150,
      npt: 800,
    },
  },
};

/** λ [m] from photon energy [keV]: hc = 12.398419843320026 keV·Å. */
export function wavelengthM(energyKeV: number): number {
  return (12.398419843320026 / energyKeV) * 1e-10;
}
