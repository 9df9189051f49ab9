/** Analysis of reduced curves: band integrals, phase peak fits and Scherrer crystallite sizes (issue 5). */
export { type BandValue, bandIntegral } from "./bands.js";
export { type LmProblem, type LmResult, levenbergMarquardt, linearLeastSquares } from "./lm.js";
export {
  type FittedReflection,
  fitPhasePeaks,
  type PeakFit,
  type PeakFitOptions,
  type PhaseReflection,
} from "./peaks.js";
export {
  fitStack,
  footprintFractions,
  labelRows,
  type Role,
  type RowFeatures,
  type StackFit,
  stackShares,
} from "./regions.js";
export {
  type BroadeningRule,
  type CrystalliteSize,
  crystalliteSize,
  type ScherrerOptions,
  tchEta,
  tchLorentzian,
} from "./scherrer.js";
