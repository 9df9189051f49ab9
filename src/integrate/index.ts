/** Azimuthal integration: sparse pixel→bin matrices built once, fused per-frame accumulation. */
export {
  type CorrectionOptions,
  type ErrorModel,
  type Integrate1dOptions,
  type Integrate2dOptions,
  Integrator1d,
  Integrator2d,
  type Result1d,
  type Result2d,
  type SplitMethod,
  validWindow,
} from "./integrator.js";
export { GeometryCache } from "./geometry-cache.js";
export type { Csr } from "./csr.js";
export { type Sums, type FramePrep, accumulate, allocSums } from "./accumulate.js";
export { type BinGrid, binCentres, binGrid, EPS32 } from "./bins.js";
