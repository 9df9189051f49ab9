/**
 * Cell and beamtime design numbers (issue 15): spring pressure, transmission of materials and
 * stacks, SAXS pore contrast, and powder lines of built-in phases and CIF files. Imports physics/
 * and util/ only; `swaxs design …` and `swaxs phases` (cli/design.ts) are its commands.
 */
export { type CellDesign, type CellDesignInputs, cellDesign, PAPER_CONTRAST } from "./cell.js";
export { cifNumber, parseCif, parseSymOp, type SymOp, scatteringSpecies } from "./cif.js";
export {
  type ContrastResult,
  type Conversion,
  type FillingContrast,
  PAPER_PORE_FILL,
  type Phase,
  type PhaseContrast,
  parsePhase,
  poreContrasts,
  xraySld,
} from "./contrast.js";
export {
  ENERGY_RANGE_KEV,
  LINES,
  type LineName,
  PAPER_ENERGY_KEV,
  photonEnergyKeV,
  wavelengthA,
} from "./energy.js";
export { builtinPhase, DEFAULT_Q_RANGE_NM, type PowderLine, powderLines } from "./phases.js";
export { PEEK_CELL_LIMIT_MPA, type PressureInput, type PressureResult, springPressure } from "./pressure.js";
export {
  type LayerSpec,
  type LayerTransmission,
  layerTransmission,
  massAttenuation,
  type StackTransmission,
  stackLayers,
  stackTransmission,
} from "./transmission.js";
