/**
 * The 1D scattering of the cell at one beam position and one moment, on a fine q grid, for the
 * WAXS and the SAXS detector. Static phase patterns are computed once per grid; what changes
 * (Li2S amount and crystallite size, sulfur, the Li–In anode, the pores' contrast) is scaled in.
 */

import {
  addPowderPattern,
  carbonPoreSaxs,
  liquidCellSaxs,
  type PhaseName,
  peekHalo,
  poreContrast,
  type Reflection,
  reflections,
} from "../physics/index.js";
import type { Cell, LayerMaterial } from "./cell.js";

/** What the cell holds at one position and moment, beyond its static layers. */
export interface LocalState {
  /** Li2S volume fraction in the cathode here (0 … ~0.2). */
  li2s: number;
  li2sSizeNm: number;
  /** Crystalline α-S8 volume fraction in the cathode here. */
  s8: number;
  /** Fraction of the anode's alloy that is In (the rest LiIn). */
  inFraction: number;
  /** Relative weight of the In(110) reflection (its planes are disrupted first on lithiation). */
  in110: number;
  /** Sulfur filling of the carbon's pores (0..1) and the part of it converted to Li2S (0..1). */
  poreSulfur: number;
  poreLi2s: number;
  /** Liquid cell: fraction of sulfur dissolved as polysulfides. */
  dissolved: number;
}

/** Instrumental FWHM in q [nm⁻¹] of the WAXS set-up (pixel size, beam size, bandwidth). */
export const WAXS_INSTRUMENT_FWHM_NM = 0.12;

/** The line-shape standard measured on the WAXS detector: NIST SRM 674b CeO2 (Fm-3m, a = 5.411651 Å). */
export const WAXS_CALIBRANT: PhaseName = "CeO2";

/**
 * A calibrant powder in a glass capillary on the WAXS set-up, relative to its strongest line (= 1).
 * Its crystallites (µm, as SRM 674b's) add no measurable size broadening, so every line has the
 * instrumental Gaussian width WAXS_INSTRUMENT_FWHM_NM only: what a pipeline measures on this frame
 * is the instrument. The capillary adds a weak amorphous halo (shaped like PEEK's) and air a flat floor.
 */
export function calibrantPattern(qNm: Float64Array, wavelengthM: number): Float64Array {
  const qMax = qNm[qNm.length - 1]! + 2;
  const qMin = Math.max(0.5, qNm[0]! - 2);
  const out = new Float64Array(qNm.length);
  addPowderPattern(out, qNm, reflections(WAXS_CALIBRANT, wavelengthM, qMax, qMin), {
    scale: 1,
    sizeNm: Number.POSITIVE_INFINITY,
    instrumentFwhmNm: WAXS_INSTRUMENT_FWHM_NM,
  });
  const peak = Math.max(...out);
  const halo = peekHalo(qNm);
  const haloMax = Math.max(...halo);
  for (let i = 0; i < out.length; i++) out[i] = out[i]! / peak + (0.03 * halo[i]!) / haloMax + 0.01;
  return out;
}

const STATIC_PHASES: Record<string, { phase: PhaseName; sizeNm: number }> = {
  lpscl: { phase: "Li6PS5Cl", sizeNm: 40 },
  steel: { phase: "steel", sizeNm: 60 },
  in: { phase: "In", sizeNm: 80 },
  liin: { phase: "LiIn", sizeNm: 30 },
  s8: { phase: "S8", sizeNm: 30 },
};

function isIn110(r: Reflection): boolean {
  const [h, k, l] = r.hkl.map(Math.abs) as [number, number, number];
  return l === 0 && h === 1 && k === 1;
}

export class WaxsModel {
  private readonly base = new Map<string, Float64Array>();
  private readonly li2s: Reflection[];

  constructor(
    readonly qNm: Float64Array,
    readonly wavelengthM: number,
  ) {
    const qMax = qNm[qNm.length - 1]! + 2;
    const qMin = Math.max(0.5, qNm[0]! - 2);
    for (const [key, { phase, sizeNm }] of Object.entries(STATIC_PHASES)) {
      const refl = reflections(phase, wavelengthM, qMax, qMin);
      const make = (weight?: (r: Reflection) => number) => {
        const out = new Float64Array(qNm.length);
        addPowderPattern(out, qNm, refl, {
          scale: 1,
          sizeNm,
          instrumentFwhmNm: WAXS_INSTRUMENT_FWHM_NM,
          weight,
        });
        return out;
      };
      if (key === "in") {
        this.base.set(
          "in110",
          make((r) => (isIn110(r) ? 1 : 0)),
        );
        this.base.set(
          "inOther",
          make((r) => (isIn110(r) ? 0 : 1)),
        );
      } else this.base.set(key, make());
    }
    this.base.set("peek", peekHalo(qNm));
    this.li2s = reflections("Li2S", wavelengthM, qMax, qMin);
  }

  private get(key: string): Float64Array {
    return this.base.get(key)!;
  }

  /**
   * Scattering of one layer material per unit path [arbitrary, consistent units] in state s.
   * Volume fractions: cathode Li6PS5Cl:S:C 50:30:20 wt ≈ 0.45 Li6PS5Cl by volume.
   */
  layer(material: LayerMaterial, s: LocalState, out: Float64Array, weight: number): void {
    if (weight <= 0) return;
    const add = (key: string, w: number) => {
      const b = this.get(key);
      for (let i = 0; i < out.length; i++) out[i]! += weight * w * b[i]!;
    };
    switch (material) {
      case "steel":
        add("steel", 1);
        break;
      case "separator-assb":
      case "anode-lpscl":
        add("lpscl", 0.85);
        break;
      case "cathode-assb":
      case "cathode-liquid": {
        if (material === "cathode-assb") add("lpscl", 0.45);
        add("s8", s.s8);
        if (s.li2s > 0) {
          const tmp = new Float64Array(out.length);
          addPowderPattern(tmp, this.qNm, this.li2s, {
            scale: 1,
            sizeNm: s.li2sSizeNm,
            instrumentFwhmNm: WAXS_INSTRUMENT_FWHM_NM,
          });
          for (let i = 0; i < out.length; i++) out[i]! += weight * s.li2s * tmp[i]!;
        }
        add("peek", 0.15); // amorphous carbon hump, shaped like the PEEK halo
        break;
      }
      case "anode-in":
        add("in110", s.inFraction * s.in110);
        add("inOther", s.inFraction);
        add("liin", 1 - s.inFraction);
        break;
      case "separator-liquid":
        add("peek", 0.6); // glass + liquid electrolyte: amorphous
        break;
      case "anode-li":
        add("peek", 0.05);
        break;
    }
  }

  windows(out: Float64Array, weight: number): void {
    const b = this.get("peek");
    for (let i = 0; i < out.length; i++) out[i]! += weight * b[i]!;
  }
}

export class SaxsModel {
  private readonly pores: Float64Array;
  private readonly porod: Float64Array;

  constructor(readonly qNm: Float64Array) {
    this.pores = carbonPoreSaxs(qNm, { contrast: 1 });
    // interfaces of grains and the windows: Porod law q⁻⁴ (relative units)
    this.porod = qNm.map((q) => 1e-3 / Math.max(q, 0.02) ** 4);
  }

  layer(cell: Cell, material: LayerMaterial, s: LocalState, out: Float64Array, weight: number): void {
    if (weight <= 0) return;
    let poreW = 0;
    let porodW = 0.2;
    if (material === "cathode-assb" || material === "cathode-liquid") {
      poreW = poreContrast({ sulfurFill: s.poreSulfur, li2sFraction: s.poreLi2s });
      porodW = 1;
    } else if (material === "steel" || material === "anode-in") porodW = 0.05;
    for (let i = 0; i < out.length; i++)
      out[i]! += weight * (poreW * this.pores[i]! + porodW * this.porod[i]!);
    if (cell.kind === "liquid" && (material === "cathode-liquid" || material === "separator-liquid")) {
      const l = liquidCellSaxs(this.qNm, s.dissolved);
      for (let i = 0; i < out.length; i++) out[i]! += weight * l[i]!;
    }
  }

  windows(out: Float64Array, weight: number): void {
    for (let i = 0; i < out.length; i++) out[i]! += weight * 0.1 * this.porod[i]!;
  }
}
