/**
 * A cell's design numbers in one go (issue 15), for `swaxs run`'s run.json and `swaxs report`:
 * the spring's force and stack pressure (pressure.ts), the beam path's transmission at the beam
 * energy and at Cu Kα (transmission.ts), and the pore contrast of the SAXS argument (contrast.ts).
 * The inputs are spelled as the config's `design:` block and run.json `design` record them.
 */
import { type ContrastResult, PAPER_PORE_FILL, parsePhase, poreContrasts } from "./contrast.js";
import { photonEnergyKeV } from "./energy.js";
import { type PressureResult, springPressure } from "./pressure.js";
import { type LayerSpec, type StackTransmission, stackTransmission } from "./transmission.js";

/** The inputs, as run.json `design.inputs` holds them. */
export interface CellDesignInputs {
  spring?: {
    spring_k_n_per_mm: number;
    area_mm2: number;
    pressure_mpa?: number;
    compression_mm?: number;
    friction?: number;
  };
  /** The beam's photon energy [keV]. */
  energy_kev: number;
  stack?: { material: string; density_g_cm3?: number; thickness_mm: number }[];
  /** Where the stack was read from (informational). */
  stack_file?: string;
  /** The pore contrast: FORMULA:DENSITY of the matrix, the first filling and its product, and the fill. */
  contrast: { matrix: string; from: string; to: string; pore_fill: number };
}

export interface CellDesign {
  pressure: PressureResult | null;
  /** The stack at the beam energy and at the Cu Kα line; null without a stack. */
  transmission: { beam: StackTransmission; cu_ka: StackTransmission } | null;
  contrast: ContrastResult;
}

/** The paper's pore contrast phases (shared physics README §3): templated carbon, α-S8, Li2S. */
export const PAPER_CONTRAST = {
  matrix: "C:2.0",
  from: "S:2.07",
  to: "Li2S:1.66",
  pore_fill: PAPER_PORE_FILL,
} as const;

/** The design numbers of `inputs`, each computed by this folder's functions. */
export function cellDesign(inputs: CellDesignInputs): CellDesign {
  const s = inputs.spring;
  const pressure = s
    ? springPressure({
        springKNPerMm: s.spring_k_n_per_mm,
        areaMm2: s.area_mm2,
        ...(s.pressure_mpa !== undefined && { pressureMpa: s.pressure_mpa }),
        ...(s.compression_mm !== undefined && { compressionMm: s.compression_mm }),
        friction: s.friction ?? 0,
      })
    : null;
  let transmission: CellDesign["transmission"] = null;
  if (inputs.stack && inputs.stack.length > 0) {
    const layers: LayerSpec[] = inputs.stack.map((l) => ({
      material: l.material,
      thicknessMm: l.thickness_mm,
      ...(l.density_g_cm3 !== undefined && { densityGCm3: l.density_g_cm3 }),
    }));
    transmission = {
      beam: stackTransmission(layers, photonEnergyKeV(inputs.energy_kev, undefined)),
      cu_ka: stackTransmission(layers, photonEnergyKeV(undefined, "CuKa")),
    };
  }
  const c = inputs.contrast;
  // electron densities alone (no f′), as the paper's Table 2 argument: f′ moves them < 1 % at 16 keV
  const contrast = poreContrasts(
    parsePhase(c.matrix, "matrix"),
    [parsePhase(c.from, "from"), parsePhase(c.to, "to")],
    { poreFill: c.pore_fill },
  );
  return { pressure, transmission, contrast };
}
