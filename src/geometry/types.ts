/**
 * A detector as pyFAI defines it (pyFAI/detectors): pixel size, shape and which pixels are
 * invalid by construction (inter-module gaps). Dimension 1 = rows (slow, y), 2 = columns (fast, x).
 */
export interface Detector {
  /** pyFAI class name ("Pilatus1M", "Eiger2_500k", …) or "Detector" for a generic one. */
  name: string;
  /** [rows, cols]; null for a generic detector known only by pixel size (shape comes from the frame). */
  shape: [number, number] | null;
  pixel1M: number;
  pixel2M: number;
  /** pyFAI ≥2023 orientation (PONI v2.1): 0 or 3 = no flip (legacy), 1 = flip both, 2 = flip d1, 4 = flip d2. */
  orientation: 0 | 1 | 2 | 3 | 4;
  /** Row ranges [first, last] (inclusive) masked as module gaps. */
  maskedRowRuns: [number, number][];
  /** Column ranges [first, last] (inclusive) masked as module gaps. */
  maskedColRuns: [number, number][];
}

/** The seven numbers of a pyFAI calibration (SI units, as written in PONI files). */
export interface PoniGeometry {
  /** Orthogonal sample → detector-plane distance. */
  distM: number;
  poni1M: number;
  poni2M: number;
  rot1Rad: number;
  rot2Rad: number;
  rot3Rad: number;
  wavelengthM: number;
}

/** A calibration as read from a PONI file: the geometry plus the detector it belongs to. */
export interface Calibration extends PoniGeometry {
  detector: Detector;
  /** 1, 2 or 2.1 */
  poniVersion: number;
}
