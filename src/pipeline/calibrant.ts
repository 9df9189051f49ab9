/**
 * The instrumental peak width from a calibrant (config `calibrant: {<detector>: {file, phase}}`).
 *
 * A line-shape standard (NIST SRM 674b CeO2, SRM 660c LaB6) has crystallites of micrometres and no
 * strain, so the width of its lines is the instrument's: beam size and divergence, bandwidth, pixel
 * size and the binning of the reduction. Its frame is integrated exactly like the detector's frames
 * (same PONI, mask, bins, splitting, polarisation; no background, no monitor), and the calibrant's
 * reflections inside each peak's q window are fitted with one shared pseudo-Voigt width and free η
 * (`fitPhasePeaks`, no instrument to remove). That FWHM and η are the instrument the peak's Scherrer
 * analysis removes: with the fitted size shape (size-fit.ts, rule "voigt") η splits it into its
 * Gaussian and Lorentzian parts by Thompson–Cox–Hastings; with `shape: lorentzian` the whole FWHM
 * is taken as a Gaussian instrument.
 *
 * A width given in the config (`instrument_fwhm_q`, per peak or global) overrides the calibrant.
 */
import { basename } from "node:path";
import { fitPhasePeaks } from "../analysis/peaks.js";
import { readPoni } from "../geometry/index.js";
import { reflections } from "../physics/index.js";
import { InputError } from "../util/errors.js";
import type { CalibrantConfig, ExperimentConfig, PeakConfig } from "./config.js";
import { type FrameRef, reduceOne } from "./reduce.js";

export interface CalibrantCurve {
  radial: Float64Array;
  intensity: Float64Array;
  sigma: Float64Array;
  wavelengthM: number;
}

export interface InstrumentWidth {
  /** FWHM in q [nm⁻¹]. */
  fwhmQ: number;
  fwhmErr: number;
  /** The calibrant lines' pseudo-Voigt η (the instrument's shape). */
  eta: number;
  /** `calibrant_waxs.cbf (CeO2 111, 200)`: the file and the lines it was measured on. */
  from: string;
}

/** The calibrant's first frame reduced as the detector's frames are (without background or monitor). */
export async function reduceCalibrant(cfg: ExperimentConfig, detector: string): Promise<CalibrantCurve> {
  const d = cfg.detectors[detector]!;
  const c = cfg.calibrant[detector]!;
  const ref: FrameRef = { file: c.file, frame: 0, exposureS: 1, monitor: 1, i0: 1, it: 1 };
  return { ...(await reduceOne(d, ref)), wavelengthM: (await readPoni(d.poni)).wavelengthM };
}

/** The calibrant's lines inside `window` [nm⁻¹] fitted with one width; InputError when that fails. */
export function calibrantWidth(
  curve: CalibrantCurve,
  calibrant: CalibrantConfig,
  window: [number, number],
): InstrumentWidth {
  const refl = reflections(calibrant.phase, curve.wavelengthM, window[1] + 3, Math.max(0.1, window[0] - 3));
  const inside = refl.filter((r) => r.qNm >= window[0] && r.qNm <= window[1]);
  const where = `${calibrant.phase} fit in [${window[0]}, ${window[1]}] nm⁻¹`;
  if (inside.length === 0)
    throw new InputError(calibrant.file, `${where}: no ${calibrant.phase} line in that window`);
  // free areas: texture or absorption in the capillary may change the calibrant's line ratios
  const fitWith = (sigma: Float64Array) =>
    fitPhasePeaks(curve.radial, curve.intensity, sigma, {
      window,
      reflections: refl,
      instrumentFwhmQ: 0,
      eta: "free",
      amplitudes: "free",
    });
  let sigma = curve.sigma;
  let fit = fitWith(sigma);
  // A hot pixel or a zinger that no count cutoff caught (an Eiger frame has none in its header)
  // puts bins thousands of σ above any line: drop the bins far outside the residuals' robust spread
  // (10× the MAD-based σ, at least 10σ) and fit again. A bin without σ is skipped by the fit.
  for (let pass = 0; pass < 3 && fit.iterations > 0; pass++) {
    const r: number[] = [];
    const at: number[] = [];
    for (let i = 0; i < curve.radial.length; i++) {
      const q = curve.radial[i]!;
      const s = sigma[i]!;
      if (q < window[0] || q > window[1] || !(s > 0) || !Number.isFinite(curve.intensity[i]!)) continue;
      r.push(Math.abs(curve.intensity[i]! - fit.model[i]!) / s);
      at.push(i);
    }
    const sorted = [...r].sort((x, y) => x - y);
    const limit = Math.max(10, 10 * 1.4826 * (sorted[sorted.length >> 1] ?? 0));
    const spikes = at.filter((_, k) => r[k]! > limit);
    if (spikes.length === 0) break;
    sigma = Float64Array.from(sigma);
    for (const i of spikes) sigma[i] = Number.NaN;
    fit = fitWith(sigma);
  }
  if (!fit.ok) throw new InputError(calibrant.file, `${where} failed: ${fit.message}`);
  return {
    fwhmQ: fit.fwhmQ,
    fwhmErr: fit.fwhmErr,
    eta: fit.eta,
    from: `${basename(calibrant.file)} (${calibrant.phase} ${inside.map((r) => r.hkl.join("")).join(", ")})`,
  };
}

/**
 * The config with every peak's instrumental width settled: the width the config gives ("config"),
 * else the one measured on its detector's calibrant (each calibrant frame reduced once), else none.
 */
export async function resolveInstrumentWidths(cfg: ExperimentConfig): Promise<ExperimentConfig> {
  const curves = new Map<string, Promise<CalibrantCurve>>();
  const peaks: PeakConfig[] = [];
  for (const pk of cfg.peaks) {
    const cal = cfg.calibrant[pk.detector];
    if (pk.instrumentFwhmQ !== undefined) peaks.push({ ...pk, instrumentFwhmFrom: "config" });
    else if (!cal) peaks.push(pk);
    else {
      if (!curves.has(pk.detector)) curves.set(pk.detector, reduceCalibrant(cfg, pk.detector));
      const w = calibrantWidth(await curves.get(pk.detector)!, cal, pk.q);
      peaks.push({
        ...pk,
        instrumentFwhmQ: w.fwhmQ,
        instrumentFwhmErr: w.fwhmErr,
        instrumentEta: w.eta,
        instrumentFwhmFrom: w.from,
      });
    }
  }
  return { ...cfg, peaks };
}
