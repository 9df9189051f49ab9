/** Azimuthal integration: sparse pixel→bin matrices built once, fused per-frame accumulation. */

export { type BinGrid, binCentres, binGrid, EPS32 } from "./bins.js";
export { GeometryCache } from "./geometry-cache.js";
export {
  type CorrectionOptions,
  type ErrorModel,
  finishSums,
  type Integrate1dOptions,
  type Integrate2dOptions,
  Integrator1d,
  Integrator2d,
  type Result1d,
  type Result2d,
  type SplitMethod,
  validWindow,
} from "./integrator.js";
export { defaultKernel, type FramePrep, frameSums, type Kernel, type Sums, staticSums } from "./kernel.js";
export { IntegrationPool, sharedInit, type WorkerInit } from "./parallel.js";
export { type Csr, type PixelBins, toCsr } from "./sparse.js";
