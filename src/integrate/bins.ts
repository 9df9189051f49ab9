/**
 * Bin grids as pyFAI 0.21.3 lays them out (`regrid_common.pxi` calc_upper_bound, the CSR engines):
 *   max = maxIn · (1 + 2⁻²³)        (so the largest value falls inside the last bin)
 *   δ   = (max − min) / npt
 *   centres = linspace(min + δ/2, max − δ/2, npt),  bin(x) = trunc((x − min)/δ)
 */
export const EPS32 = 1 + 2 ** -23;

export interface BinGrid {
  npt: number;
  min: number;
  /** The upper bound before the EPS32 stretch (the data or range maximum). */
  maxIn: number;
  max: number;
  delta: number;
}

export function binGrid(min: number, maxIn: number, npt: number): BinGrid {
  const max = maxIn * EPS32;
  return { npt, min, maxIn, max, delta: (max - min) / npt };
}

/** Bin centres, exactly as numpy.linspace computes them (start + i·step, last = stop). */
export function binCentres(g: BinGrid): Float64Array {
  const start = g.min + 0.5 * g.delta;
  const stop = g.max - 0.5 * g.delta;
  const out = new Float64Array(g.npt);
  if (g.npt === 1) {
    out[0] = start;
    return out;
  }
  const step = (stop - start) / (g.npt - 1);
  for (let i = 0; i < g.npt; i++) out[i] = start + i * step;
  out[g.npt - 1] = stop;
  return out;
}

/**
 * 1D bounding-box weights of the interval [fmin, fmax] (in bin units) over bins b0..b1, after clipping
 * to [0, npt−1] (splitBBox `calc_lut_1d`): the end bins get their overlap fraction, bins between get
 * 1/(fmax−fmin); an interval inside one bin gets 1. Calls `emit(bin, weight)`; returns false when the
 * interval misses the grid.
 */
export function bboxWeights(
  fmin: number,
  fmax: number,
  npt: number,
  emit: (bin: number, weight: number) => void,
): boolean {
  let b0 = Math.trunc(fmin);
  let b1 = Math.trunc(fmax);
  if (b1 < 0 || b0 >= npt) return false;
  if (b1 >= npt) b1 = npt - 1;
  if (b0 < 0) b0 = 0;
  if (b0 === b1) {
    emit(b0, 1);
    return true;
  }
  const inv = 1 / (fmax - fmin);
  emit(b0, inv * (b0 + 1 - fmin));
  for (let b = b0 + 1; b < b1; b++) emit(b, inv);
  emit(b1, inv * (fmax - b1));
  return true;
}
