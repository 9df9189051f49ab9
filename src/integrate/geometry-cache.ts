/**
 * Per-geometry arrays computed once and shared by every integrator on the same calibration and
 * frame shape (pyFAI keeps the same cache on its AzimuthalIntegrator).
 */
import {
  type Calibration,
  type CornerGrid,
  centreRadial,
  computeCentres,
  computeCornerGrid,
  cornerChi,
  type PixelCentres,
  type RadialUnit,
  radialHalfWidth,
} from "../geometry/index.js";

export class GeometryCache {
  readonly size: number;
  private c: PixelCentres | null = null;
  private g: CornerGrid | null = null;
  private chiC: Float32Array | null = null;
  private readonly radials = new Map<string, Float64Array>();
  private readonly halves = new Map<string, Float64Array>();

  constructor(
    readonly cal: Calibration,
    readonly shape: [number, number],
  ) {
    this.size = shape[0] * shape[1];
  }

  centres(): PixelCentres {
    this.c ??= computeCentres(this.cal, this.shape);
    return this.c;
  }

  /** The corner grid; χ there only when `withChi` (or asked for before): 1D bbox needs 2θ alone. */
  corners(withChi = false): CornerGrid {
    if (!this.g || (withChi && !this.g.chiRad)) this.g = computeCornerGrid(this.cal, this.shape, withChi);
    return this.g;
  }

  chiCorners(): Float32Array {
    this.chiC ??= cornerChi(this.corners(true));
    return this.chiC;
  }

  /** Pixel-centre radial positions in the unit's base (unscaled). */
  radial(unit: RadialUnit): Float64Array {
    let r = this.radials.get(unit.base);
    if (!r) {
      r = centreRadial(this.centres(), unit, this.cal.wavelengthM);
      this.radials.set(unit.base, r);
    }
    return r;
  }

  /** Bounding-box half-widths in the unit's base (unscaled). */
  radialHalf(unit: RadialUnit): Float64Array {
    let h = this.halves.get(unit.base);
    if (!h) {
      h = radialHalfWidth(this.radial(unit), this.corners(), unit, this.cal.wavelengthM);
      this.halves.set(unit.base, h);
    }
    return h;
  }
}
