/** The crystal and X-ray physics shared by the analysis, the pipeline, the viewer and the digital twin: structures, reflections, peak shapes, SAXS contrast and attenuation. */
export {
  AMORPHOUS,
  type AmorphousModel,
  amorphousHalo,
  amorphousScattering,
  type Hump,
  peekHalo,
} from "./amorphous.js";
export {
  elementFractions,
  type Layer,
  MATERIALS,
  type Material,
  mu,
  muRho,
  transmission,
} from "./attenuation.js";
export {
  addPowderPattern,
  addPseudoVoigt,
  type PowderOptions,
  peakSupport,
  pseudoVoigt,
  scherrerFwhmQ,
  scherrerSizeNm,
  tchCombine,
  tchSplit,
} from "./profile.js";
export { type Reflection, reflections, reflectionsOf } from "./reflections.js";
export {
  carbonPoreSaxs,
  ELECTROLYTE_RHO_E,
  type LiquidCellOptions,
  liquidCellSaxs,
  type PoreSaxsOptions,
  type PoreState,
  percusYevick,
  poreContrast,
  poreElectronDensity,
  RHO_E,
  schulzSpheres,
  sldContrast,
} from "./saxs.js";
export {
  type BroadeningRule,
  type CrystalliteSize,
  crystalliteSize,
  type ScherrerOptions,
  tchEta,
  tchLorentzian,
  voigtSizePart,
} from "./scherrer.js";
export {
  type Atom,
  alphaS8,
  argyrodite,
  CALIBRANTS,
  type CalibrantName,
  CELL_PHASES,
  cellVolume,
  ceria,
  indium,
  lanthanumHexaboride,
  li2s,
  liin,
  PHASES,
  type PhaseName,
  type Structure,
  steel,
  structure,
} from "./structures.js";
export { type PhaseReflections, phaseReflections } from "./ticks.js";
export {
  AVOGADRO,
  anomalous,
  atomicMass,
  atomicNumber,
  electronDensity,
  elementOf,
  energyKeVOf,
  f0,
  HC_KEV_A,
  hasF0,
  massFractions,
  muRhoElement,
  parseFormula,
  R_E_CM,
} from "./xray.js";
