/** Geometry: PONI calibrations, detectors, and per-pixel 2θ, χ, q, solid angle and polarisation. */
export type { Calibration, Detector, PoniGeometry } from "./types.js";
export { type RadialUnit, type RadialUnitName, RADIAL_UNIT_NAMES, radialUnit, qNmFromTth } from "./units.js";
export {
  type CornerGrid,
  type PixelCentres,
  centreRadial,
  chiHalfWidth,
  computeCentres,
  computeCornerGrid,
  cornerChi,
  cornerRadial,
  pixelCentreLab,
  radialBase,
  radialHalfWidth,
} from "./pixels.js";
export { polarization, solidAngleAbsolute, solidAngleRelative } from "./corrections.js";
export * from "./detectors.js";
export * from "./poni.js";
