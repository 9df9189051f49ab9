/**
 * Stack pressure from a compression spring (the paper's cell: DIN 2098 spring, k = 28.42 N/mm, on a
 * 1 × 5 mm stack): F = k·x, less the part friction between spring cup and body takes (the paper
 * widened the cup's tolerance to 100 µm for that reason), spread over the stack's cross-section.
 */
import { InputError } from "../util/index.js";

export interface PressureInput {
  /** Spring rate [N/mm]. */
  springKNPerMm: number;
  /** Stack cross-section [mm²]. */
  areaMm2: number;
  /** Either the spring's compression [mm] … */
  compressionMm?: number;
  /** … or the stack pressure wanted [MPa]. */
  pressureMpa?: number;
  /** Fraction (0 ≤ f < 1) of the spring force lost to friction before it reaches the stack (default 0). */
  friction?: number;
}

export interface PressureResult {
  /** Force on the stack [N]. */
  force_n: number;
  /** Force of the spring itself [N] (= force_n without friction). */
  spring_force_n: number;
  /** Stack pressure [MPa = N/mm²]. */
  pressure_mpa: number;
  /** Spring compression [mm]. */
  compression_mm: number;
  friction: number;
  notes: string[];
}

/** In-cell pressure the paper allowed the PEEK body (its tensile strength ≈ 97–110 MPa). */
export const PEEK_CELL_LIMIT_MPA = 90;

/** Force, pressure and compression of a spring-loaded stack, from the compression or the pressure wanted. */
export function springPressure(input: PressureInput): PressureResult {
  const { springKNPerMm: k, areaMm2: area } = input;
  const friction = input.friction ?? 0;
  if (!(k > 0)) throw new InputError("", `--spring-k must be a positive number of N/mm, got ${k}`);
  if (!(area > 0)) throw new InputError("", `--area-mm2 must be a positive number of mm², got ${area}`);
  if (!(friction >= 0 && friction < 1))
    throw new InputError(
      "",
      `--friction is the fraction of the spring force lost (0 ≤ f < 1), got ${friction}`,
    );
  const given = [input.compressionMm, input.pressureMpa].filter((v) => v !== undefined).length;
  if (given !== 1) throw new InputError("", "give exactly one of --compression-mm and --pressure-mpa");
  let x: number;
  if (input.compressionMm !== undefined) {
    x = input.compressionMm;
    if (!(x >= 0)) throw new InputError("", `--compression-mm must be ≥ 0, got ${x}`);
  } else {
    const p = input.pressureMpa!;
    if (!(p >= 0)) throw new InputError("", `--pressure-mpa must be ≥ 0, got ${p}`);
    x = (p * area) / (k * (1 - friction));
  }
  const spring = k * x;
  const force = spring * (1 - friction);
  const pressure = force / area;
  const notes: string[] = [];
  if (pressure > PEEK_CELL_LIMIT_MPA)
    notes.push(
      `${pressure.toFixed(0)} MPa is above the ${PEEK_CELL_LIMIT_MPA} MPa the paper allowed in its PEEK body (tensile strength ≈ 97–110 MPa)`,
    );
  return {
    force_n: force,
    spring_force_n: spring,
    pressure_mpa: pressure,
    compression_mm: x,
    friction,
    notes,
  };
}
