/**
 * Per-geometry arrays computed once and shared by every integrator on the same calibration and
 * frame shape (pyFAI keeps the same cache on its AzimuthalIntegrator). Each array is computed on
 * demand and only what is asked for: a 1D integration needs the centres' radial values, their
 * half-widths and the static normalisation, not the 2θ, χ and cos α arrays of `centres()` (a fresh
 * 8 MB array costs ~25 ms of page faults alone on the machines we measure; issue 11).
 */
import {
  type Calibration,
  type CornerGrid,
  centreFields,
  centreRadial,
  computeCentres,
  computeCornerGrid,
  cornerChi,
  cornerRadialGrid,
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
  private readonly cornerGrids = new Map<string, Float32Array>();

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

  /** The corner grid of 2θ and χ (2D splitting's χ half-widths and full splitting's χ corners). */
  corners(): CornerGrid {
    this.g ??= computeCornerGrid(this.cal, this.shape, true);
    return this.g;
  }

  chiCorners(): Float32Array {
    this.chiC ??= cornerChi(this.corners());
    return this.chiC;
  }

  /** Pixel-centre radial positions in the unit's base (unscaled). */
  radial(unit: RadialUnit): Float64Array {
    let r = this.radials.get(unit.base);
    if (!r) {
      // from the 2θ already there, else straight from the geometry without keeping 2θ, χ, cos α
      r = this.c
        ? centreRadial(this.c, unit, this.cal.wavelengthM)
        : centreFields(this.cal, this.shape, { unit }).radial!;
      this.radials.set(unit.base, r);
    }
    return r;
  }

  /** Radial value (unit base, float32) at the pixel-corner grid. */
  cornerRadialGrid(unit: RadialUnit): Float32Array {
    let g = this.cornerGrids.get(unit.base);
    if (!g) {
      g = cornerRadialGrid(this.cal, this.shape, unit);
      this.cornerGrids.set(unit.base, g);
    }
    return g;
  }

  /** Bounding-box half-widths in the unit's base (unscaled). */
  radialHalf(unit: RadialUnit): Float64Array {
    let h = this.halves.get(unit.base);
    if (!h) {
      h = radialHalfWidth(this.radial(unit), this.cornerRadialGrid(unit), this.shape);
      this.halves.set(unit.base, h);
    }
    return h;
  }

  /**
   * Polarisation (factor, or none when null) × relative solid angle (when asked), float32 per pixel:
   * a new array each call, the caller's to change (an integrator folds its flat and mask into it).
   * `alsoRadial`: the unit whose pixel-centre radial values are wanted next (kept, as `radial` does).
   */
  normalisation(
    polarizationFactor: number | null,
    solidAngle: boolean,
    alsoRadial?: RadialUnit,
  ): Float32Array {
    // the radial values a matrix will ask for next, from the same pass over the pixels (the 2θ of
    // each pixel is the costly part of both: one pass instead of two, ~0.1 s on a Pilatus 1M)
    const unit = alsoRadial && !this.c && !this.radials.has(alsoRadial.base) ? alsoRadial : undefined;
    const f = centreFields(this.cal, this.shape, {
      normalisation: { polarizationFactor, solidAngle },
      ...(unit && { unit }),
    });
    if (unit) this.radials.set(unit.base, f.radial!);
    return f.norm!;
  }
}
