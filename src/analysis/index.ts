/** Analysis of reduced curves: band integrals, phase peak fits and region labels (Scherrer sizes: physics/). */
export { type BandValue, bandIntegral } from "./bands.js";
export {
  type FittedReflection,
  fitPhasePeaks,
  type PeakFit,
  type PeakFitOptions,
  type PhaseReflection,
} from "./peaks.js";
export {
  type Invariant,
  type PorodFit,
  porodFit,
  porodInvariant,
  type StabilityLimit,
  stabilityLimit,
} from "./porod.js";
export {
  fitStack,
  footprintFractions,
  labelRows,
  type Role,
  type RowFeatures,
  type StackFit,
  stackShares,
} from "./regions.js";
