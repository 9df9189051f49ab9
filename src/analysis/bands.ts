/**
 * Integrated intensity of a curve over a q band (the paper's band maps, issue 5 "Bands").
 *
 * The curve is taken as the straight lines between its points, and that polyline is integrated
 * exactly from q0 to q1: whole segments by the trapezoid rule, the two partial end segments with the
 * curve linearly interpolated at q0 and q1. The integral is then linear in the intensities,
 * I = Σ wᵢ·yᵢ, so with independent bins its error is σ_I = √(Σ wᵢ²σᵢ²).
 *
 * For the segment [qᵢ, qᵢ₊₁] (h = qᵢ₊₁ − qᵢ) cut to [u, v], ∫ of the line through (qᵢ,yᵢ), (qᵢ₊₁,yᵢ₊₁) is
 *   yᵢ·((qᵢ₊₁−u)² − (qᵢ₊₁−v)²)/(2h) + yᵢ₊₁·((v−qᵢ)² − (u−qᵢ)²)/(2h).
 */

export interface BandValue {
  /** ∫ y dq over the band (units of y × nm⁻¹ when q is in nm⁻¹). */
  value: number;
  /** One-standard-deviation error from σ (0 when σ is null). */
  error: number;
}

/**
 * ∫_{q0}^{q1} y dq of the polyline through (q, y); q ascending. Points whose q, y (or σ) is not
 * finite are left out (a masked bin), the line then runs across the gap. The band is clipped to the
 * q range of the curve; a band outside it gives 0 ± 0.
 */
export function bandIntegral(
  qNm: Float64Array,
  intensity: Float64Array,
  sigma: Float64Array | null,
  band: readonly [number, number],
): BandValue {
  const n = qNm.length;
  if (intensity.length !== n || (sigma && sigma.length !== n)) {
    throw new RangeError(
      `bandIntegral: q, intensity and sigma need equal lengths (${n}, ${intensity.length}, ${sigma?.length})`,
    );
  }
  const [q0, q1] = band;
  if (!(Number.isFinite(q0) && Number.isFinite(q1) && q0 < q1)) {
    throw new RangeError(`bandIntegral: band needs finite q0 < q1, got [${q0}, ${q1}]`);
  }
  // the usable points, in order
  const idx: number[] = [];
  for (let i = 0; i < n; i++) {
    if (
      Number.isFinite(qNm[i]!) &&
      Number.isFinite(intensity[i]!) &&
      (!sigma || Number.isFinite(sigma[i]!))
    ) {
      idx.push(i);
    }
  }
  let value = 0;
  let variance = 0;
  // weight of the current left point, carried over from the previous segment
  let wLeft = 0;
  for (let k = 0; k + 1 < idx.length; k++) {
    const i = idx[k]!;
    const j = idx[k + 1]!;
    const a = qNm[i]!;
    const b = qNm[j]!;
    if (!(b > a)) {
      if (b < a) throw new RangeError("bandIntegral: q must be ascending");
      // a repeated q (a step in the polyline) adds no area: finish point i, start afresh at j
      if (sigma && wLeft !== 0) variance += wLeft * wLeft * sigma[i]! ** 2;
      wLeft = 0;
      continue;
    }
    const u = Math.max(a, q0);
    const v = Math.min(b, q1);
    let wi = 0;
    let wj = 0;
    if (v > u) {
      const h = b - a;
      wi = ((b - u) ** 2 - (b - v) ** 2) / (2 * h);
      wj = ((v - a) ** 2 - (u - a) ** 2) / (2 * h);
      value += wi * intensity[i]! + wj * intensity[j]!;
    }
    // point i is finished: its weight is what the previous segment gave it plus this one's
    const w = wLeft + wi;
    if (sigma && w !== 0) variance += w * w * sigma[i]! ** 2;
    wLeft = wj;
  }
  if (sigma && wLeft !== 0 && idx.length > 0) variance += wLeft * wLeft * sigma[idx[idx.length - 1]!]! ** 2;
  return { value, error: Math.sqrt(variance) };
}
