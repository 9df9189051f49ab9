/**
 * The active-material mass a cycler file states in its header (issue 21: EC-Lab's
 * `Mass of active material : 0.150 mg` was ignored, so mAh/g needed the mass typed again).
 * EC-Lab writes the value with its unit (mg, g, µg) and the locale's decimal separator
 * (`7000,000 mg`). Its default for a mass never entered is 0.001 mg: that is not a mass, and
 * taking it would make every specific capacity a million times too large, so it is ignored.
 * (`Characteristic mass` is another setting — the mass for the electrode's normalisation of
 * techniques — not the active material's.)
 */

/** Header key → the mass it states. */
const KEYS = ["Mass of active material"];
const UNITS: Record<string, number> = { mg: 1, g: 1000, µg: 1e-3, ug: 1e-3, kg: 1e6 };
/** EC-Lab's value for a mass never entered [mg]. */
const ECLAB_UNSET_MG = 0.001;

/** The mass [mg] the header states, or null (none, unparsable, or EC-Lab's unset default). */
export function headerMassMg(metadata: Record<string, string | number>): number | null {
  for (const key of KEYS) {
    const v = metadata[key];
    if (v === undefined) continue;
    const m = /^\s*([0-9]+(?:[.,][0-9]+)?(?:[eE][-+]?[0-9]+)?)\s*(mg|g|µg|ug|kg)?\s*$/.exec(String(v));
    if (!m) continue;
    const mg = Number(m[1]!.replace(",", ".")) * UNITS[m[2] ?? "mg"]!;
    if (Number.isFinite(mg) && mg > ECLAB_UNSET_MG) return mg;
  }
  return null;
}
