/** Geometry: PONI calibrations, detectors, and per-pixel 2θ, χ, q, solid angle and polarisation. */

export {
  polarization,
  polarizationAt,
  solidAngleAbsolute,
  solidAngleAt,
  solidAngleRelative,
} from "./corrections.js";
export {
  closestDetectorNames,
  detectorForFrame,
  detectorMask,
  detectorNames,
  GENERIC_DETECTOR_NAME,
  genericDetector,
  getDetector,
  withOrientation,
  withPixelSize,
} from "./detectors.js";
export {
  type CentreFieldsWanted,
  type CornerGrid,
  centreFields,
  centreRadial,
  chiHalfWidth,
  computeCentres,
  computeCornerGrid,
  cornerChi,
  cornerRadial,
  cornerRadialGrid,
  type PixelCentres,
  pixelCentreLab,
  pixelCorners,
  radialBase,
  radialExtent,
  radialHalfWidth,
} from "./pixels.js";
export { beamCentre, type Fit2dGeometry, fit2dGeometry, formatPoni, parsePoni, readPoni } from "./poni.js";
export type { Calibration, Detector, PoniGeometry } from "./types.js";
export { qNmFromTth, RADIAL_UNIT_NAMES, type RadialUnit, type RadialUnitName, radialUnit } from "./units.js";
