/**
 * The cell's electrochemistry, consistent with its chemistry (shared physics README §6): an OCV rest,
 * a galvanostatic discharge that converts S to Li2S (1672 mAh/g S theoretical; `utilisation` of it
 * reached), a rest, and a charge that returns `chargeReturn` of that charge (the paper: only ~37 % of
 * the Li2S converts back). Potentials vs Li–In (= vs Li⁺/Li − 0.62 V) for the solid-state cell, vs Li
 * for the liquid cell (two plateaus). Records are written as an EC-Lab export would hold them.
 */
import type { Preset } from "./presets.js";

export const THEORETICAL_MAH_PER_MG_S = 1.672;

export interface CyclerPlan {
  ocvS: number;
  dischargeS: number;
  restS: number;
  chargeS: number;
  /** Charge of the first discharge [mAh]. */
  dischargeMAh: number;
  dischargeCurrentMA: number;
  chargeCurrentMA: number;
  chargeReturn: number;
  liquid: boolean;
}

export function planCycler(p: Preset, utilisation = 0.75, chargeReturn = 0.37): CyclerPlan {
  const dischargeMAh = p.sulfurMg * THEORETICAL_MAH_PER_MG_S * utilisation;
  const chargeS = p.chargeH * 3600;
  return {
    ocvS: p.ocvH * 3600,
    dischargeS: p.dischargeH * 3600,
    restS: p.restH * 3600,
    chargeS,
    dischargeMAh,
    dischargeCurrentMA: dischargeMAh / p.dischargeH,
    chargeCurrentMA: chargeS > 0 ? (chargeReturn * dischargeMAh) / p.chargeH : 0,
    chargeReturn: chargeS > 0 ? chargeReturn : 0,
    liquid: p.cell === "liquid",
  };
}

export function totalS(c: CyclerPlan): number {
  return c.ocvS + c.dischargeS + c.restS + c.chargeS;
}

export type StepName = "ocv" | "discharge" | "rest" | "charge" | "end";

export interface CellState {
  step: StepName;
  /** Progress of the first discharge, 0..1 (1 after it ends): the truth's frame_sod. */
  sod: number;
  /** SODC as the paper defines it, 0..1: 1 at the end of discharge, falling through the charge. */
  sodc: number;
  /** |charge passed| since the start [mAh]. */
  throughputMAh: number;
  /** Signed current [mA], negative on discharge. */
  currentMA: number;
}

export function stateAt(c: CyclerPlan, tS: number): CellState {
  const t1 = c.ocvS;
  const t2 = t1 + c.dischargeS;
  const t3 = t2 + c.restS;
  const t4 = t3 + c.chargeS;
  if (tS < t1) return { step: "ocv", sod: 0, sodc: 0, throughputMAh: 0, currentMA: 0 };
  if (tS < t2) {
    const f = (tS - t1) / c.dischargeS;
    return {
      step: "discharge",
      sod: f,
      sodc: f,
      throughputMAh: f * c.dischargeMAh,
      currentMA: -c.dischargeCurrentMA,
    };
  }
  if (tS < t3) return { step: "rest", sod: 1, sodc: 1, throughputMAh: c.dischargeMAh, currentMA: 0 };
  const f = Math.min(1, (tS - t3) / Math.max(c.chargeS, 1e-9));
  const back = f * c.chargeReturn;
  return {
    step: tS < t4 ? "charge" : "end",
    sod: 1,
    sodc: 1 - back,
    throughputMAh: c.dischargeMAh * (1 + back),
    currentMA: tS < t4 ? c.chargeCurrentMA : 0,
  };
}

/** Potential [V] (vs Li–In for the solid-state cell, vs Li for the liquid one) in state s. */
export function potentialV(c: CyclerPlan, s: CellState, restRelaxS = 0): number {
  const tail = (x: number) => 0.08 * Math.exp(-x / 0.03) - 0.25 * Math.exp(-(1 - x) / 0.04);
  if (c.liquid) {
    // upper plateau (S8 → Li2S4, first quarter), lower plateau (→ Li2S)
    if (s.step === "ocv") return 2.4;
    const x = s.sodc;
    const v = x < 0.25 ? 2.38 - 0.12 * (x / 0.25) : 2.09 - 0.06 * (x - 0.25);
    return v + tail(x) - 0.01 * (s.currentMA < 0 ? 1 : 0);
  }
  const vsLi = (x: number) => 2.08 - 0.15 * (x - 0.5) + tail(x);
  const ir = 0.05; // I·R of a pressed ASSB [V] at these currents
  switch (s.step) {
    case "ocv":
      return 2.35 - 0.62 - 0.05 * Math.exp(-restRelaxS / 1800);
    case "discharge":
      return vsLi(s.sodc) - 0.62 - ir;
    case "rest":
      return vsLi(1) - 0.62 + 0.1 * (1 - Math.exp(-restRelaxS / 600));
    default:
      // charge plateau ≈2.2–2.4 V vs Li with large hysteresis
      return 2.25 + 0.12 * (1 - s.sodc) - 0.62 + ir;
  }
}

export interface CyclerLog {
  timeS: Float64Array;
  eweV: Float64Array;
  currentMA: Float64Array;
  chargeMAh: Float64Array;
  step: Int32Array;
  mode: Uint8Array;
}

/** Records every `dtS` seconds and at every step change, as a cycler logs them. */
export function cyclerLog(c: CyclerPlan, dtS: number): CyclerLog {
  const bounds = [0, c.ocvS, c.ocvS + c.dischargeS, c.ocvS + c.dischargeS + c.restS, totalS(c)];
  const times: number[] = [];
  const stepOf: number[] = [];
  for (let s = 0; s < 4; s++) {
    const a = bounds[s]!;
    const b = bounds[s + 1]!;
    if (b <= a) continue;
    for (let t = a; t < b - 1e-9; t += dtS) {
      times.push(t);
      stepOf.push(s);
    }
  }
  times.push(totalS(c));
  stepOf.push(stepOf[stepOf.length - 1] ?? 0);
  const n = times.length;
  const log: CyclerLog = {
    timeS: Float64Array.from(times),
    eweV: new Float64Array(n),
    currentMA: new Float64Array(n),
    chargeMAh: new Float64Array(n),
    step: Int32Array.from(stepOf),
    mode: new Uint8Array(n),
  };
  for (let k = 0; k < n; k++) {
    const t = times[k]!;
    const st = stateAt(c, k === n - 1 ? t + 1 : t);
    const s = stepOf[k]!;
    log.currentMA[k] = k === n - 1 ? 0 : st.currentMA;
    log.mode[k] = log.currentMA[k] === 0 ? 3 : 1;
    log.eweV[k] = potentialV(c, st, t - bounds[s]!);
    // (Q−Qo): signed charge since start, negative on discharge
    const q = stateAt(c, t);
    log.chargeMAh[k] = q.step === "ocv" ? 0 : -c.dischargeMAh * q.sodc;
  }
  return log;
}
