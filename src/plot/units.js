/**
 * Units as a reader expects them on a figure: q in nm⁻¹ or Å⁻¹ (the results files spell them
 * "1/nm", "1/angstrom"), and a band named with its q window, so a SAXS band called "S" reads as
 * q 0.2–1 nm⁻¹ and not as sulfur.
 */

/** @type {Record<string, string>} */
const Q_UNITS = {
  "1/nm": "nm⁻¹",
  "nm^-1": "nm⁻¹",
  q_nm: "nm⁻¹",
  "q_nm^-1": "nm⁻¹",
  "1/angstrom": "Å⁻¹",
  "1/A": "Å⁻¹",
  "q_A^-1": "Å⁻¹",
  deg: "°",
  "2th_deg": "°",
  rad: "rad",
  "2th_rad": "rad",
};

/**
 * A radial unit as printed: "1/nm" → "nm⁻¹"; an unknown spelling as it is.
 * @param {string} unit
 */
export function unitText(unit) {
  return Q_UNITS[unit] ?? unit;
}

/**
 * The radial axis title: "q (nm⁻¹)", "2θ (°)".
 * @param {string} unit
 */
export function radialLabel(unit) {
  const u = unitText(unit);
  return u === "°" || u === "rad" ? `2θ (${u})` : `q (${u || "?"})`;
}

/**
 * A number as short as it can be while keeping `digits` significant figures: 0.2, 18.3, 1e-3.
 * @param {number} v
 * @param {number} [digits]
 */
export function shortNumber(v, digits = 3) {
  if (!Number.isFinite(v)) return "–";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) {
    const [m, e] = v.toExponential(digits - 1).split("e");
    return `${String(Number(m))}e${Number(e)}`;
  }
  return String(Number(v.toPrecision(digits)));
}

/**
 * A band with its window: "S (q 0.2–1 nm⁻¹)". Without a window, the name alone.
 * @param {string} name
 * @param {readonly number[] | undefined} q the band's window [lo, hi] in the detector's unit
 * @param {string} unit the detector's radial unit ("1/nm")
 */
export function bandLabel(name, q, unit) {
  if (!q || q.length < 2) return name;
  const u = unitText(unit);
  const sym = u === "°" || u === "rad" ? "2θ" : "q";
  return `${name} (${sym} ${shortNumber(/** @type {number} */ (q[0]))}–${shortNumber(/** @type {number} */ (q[1]))}${u ? ` ${u}` : ""})`;
}
