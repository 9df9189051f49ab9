/**
 * The digital twin: simulate a whole operando scanning SAXS/WAXS experiment and write it exactly as
 * a beamline and a cycler would (frames, PONI files, masks, empty-cell frames, scan log, cycler
 * export), plus `experiment.yaml` for the pipeline and `truth.json` to score it against.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { writeMpt } from "../echem/mpt-write.js";
import { isoUtc, zoneOffsetS } from "../echem/timezone.js";
import { writeCbf, writeEdf } from "../formats/index.js";
import { createEigerStack } from "../formats/nexus-frames-write.js";
import type { Frame } from "../formats/types.js";
import { type Calibration, detectorMask, formatPoni, getDetector } from "../geometry/index.js";
import { MATERIALS, transmission } from "../physics/index.js";
import { beginOutput, checkOutputFolder, commitOutput, toYaml } from "../util/index.js";
import { beamFractions, type Cell, makeCell, roleAt } from "./cell.js";
import { cyclerLog, planCycler, stateAt, totalS } from "./cycler.js";
import { type DetectorSetup, type Preset, wavelengthM } from "./presets.js";
import { FrameRenderer } from "./render.js";
import { Rng } from "./rng.js";
import {
  calibrantPattern,
  type LocalState,
  SaxsModel,
  WAXS_CALIBRANT,
  WAXS_INSTRUMENT_FWHM_NM,
  WaxsModel,
} from "./spectra.js";

export interface SimulateOptions {
  seed?: number;
  onProgress?: (done: number, total: number) => void;
  /** What names the output folder, for messages (default `--out`). */
  namedBy?: string;
  key?: string;
}

/** Largest Li2S volume fraction reached in the cathode (full first discharge, heaviest spot). */
export const LI2S_MAX = 0.3;
/** Li2S crystallites at the end of the first discharge [nm] (the paper: ≤ 1.75 nm). */
export const LI2S_SIZE_END_NM = 1.75;
const SCAN_START_UTC_S = Date.UTC(2024, 4, 14, 8, 0, 0) / 1000;
/** The cycler is started this long before the first frame. */
const CYCLER_LEAD_S = 300;
const MONITOR_PER_S = 1e5;
/** The SAXS beam stop shadows q below this [nm⁻¹]: a few counts leak through it. */
const BEAMSTOP_Q_NM = 0.08;
/** Expected counts per pixel at the calibrant's strongest line, × the detector's countsScale. */
const CALIBRANT_PEAK_OVER_SCALE = 5;

const MATERIAL_FOR_T: Record<string, string> = {
  steel: "steel",
  "cathode-assb": "cathode",
  "separator-assb": "Li6PS5Cl",
  "anode-lpscl": "Li6PS5Cl",
  "anode-in": "In",
  "cathode-liquid": "cathode-liquid",
  "separator-liquid": "separator-liquid",
  "anode-li": "Li",
};

interface Det {
  name: "saxs" | "waxs";
  setup: DetectorSetup;
  cal: Calibration;
  shape: [number, number];
  renderer: FrameRenderer;
  qNm: Float64Array;
  mask: Uint8Array;
  scale: number;
}

function calibration(setup: DetectorSetup, lambda: number): Calibration {
  return { ...setup.geometry, wavelengthM: lambda, detector: getDetector(setup.detector), poniVersion: 2 };
}

function qGrid(lo: number, hi: number, n = 2048): Float64Array {
  const a = Math.max(1e-3, lo * 0.98);
  return Float64Array.from({ length: n }, (_, i) => a + ((hi * 1.02 - a) * i) / (n - 1));
}

/** Wall clock of a UTC instant in zone tz, as "YYYY-MM-DDTHH:MM:SS.sss" (what a cycler writes). */
function wallClock(utcS: number, tz: string): string {
  return isoUtc(utcS + zoneOffsetS(tz, utcS)).replace("Z", "");
}

export async function simulate(p: Preset, outDir: string, opts: SimulateOptions = {}): Promise<void> {
  const seed = opts.seed ?? 1;
  const rng = new Rng(seed);
  const cell = makeCell(p.cell);
  const plan = planCycler(p);
  const lambda = wavelengthM(p.energyKeV);
  // the folder is replaced only if swaxs made it, and never swallows the working folder
  const guard = { namedBy: opts.namedBy ?? "--out", key: opts.key ?? "--out", command: "swaxs simulate" };
  const out = checkOutputFolder(outDir, guard);
  const tmp = await beginOutput(out, guard.command);
  await mkdir(join(tmp, "frames"), { recursive: true });

  // --- positions and the cathode's uneven Li2S capacity ---
  const ys = Array.from({ length: p.rows }, (_, r) => cell.scanCentreMm + (r - (p.rows - 1) / 2) * p.stepYMm);
  const xs = Array.from({ length: p.cols }, (_, c) => (c - (p.cols - 1) / 2) * p.stepXMm);
  const colFactor = xs.map(() => 1 + 0.12 * rng.normal());
  const cathode = cell.layers.find((l) => l.role === "cathode")!;
  const li2sWeight = (y: number, c: number) => {
    const u = Math.min(1, Math.max(0, (y - cathode.y0Mm) / (cathode.y1Mm - cathode.y0Mm)));
    return (0.35 + 0.65 * Math.sin(Math.PI * u)) * colFactor[c]!; // more in the middle of the cathode
  };

  // --- what the beam crosses at each row: fractions, effective scattering paths, transmission ---
  const tWindows = transmission([{ material: "PEEK", thicknessMm: 2 * cell.windowMm }], p.energyKeV);
  const layerT = cell.layers.map((l) =>
    transmission([{ material: MATERIAL_FOR_T[l.material]!, thicknessMm: cell.pathMm }], p.energyKeV),
  );
  // a slab of thickness L scatters ∝ L·e^{−μL}; opaque metals still scatter from their edge and
  // surface, about half an absorption length (shared physics README §2.3)
  const layerPath = layerT.map((t) => {
    const mu = -Math.log(Math.max(t, 1e-300)) / cell.pathMm;
    return cell.pathMm * t + (mu > 0 ? (0.5 * (1 - t)) / mu : 0);
  });
  const rowInfo = ys.map((y) => {
    const f = beamFractions(cell, y, p.beamHeightMm);
    const T = beamTransmission(f, tWindows, layerT);
    return { f, T, role: roleAt(cell, y, p.beamHeightMm) };
  });

  // --- detectors ---
  const dets: Det[] = [];
  for (const name of ["saxs", "waxs"] as const) {
    const setup = p[name];
    const cal = calibration(setup, lambda);
    const shape = cal.detector.shape!;
    const eiger = setup.format === "nexus";
    const renderer = new FrameRenderer(cal, shape, {
      dtype: eiger ? "uint32" : "int32",
      polarizationFactor: 0.99,
      gapValue: eiger ? 4294967295 : -1,
      hotPixels: 4,
      seed: seed * 7919 + (name === "saxs" ? 1 : 2),
    });
    const [qlo, qhi] = renderer.qRange();
    // the mask file a beamline gives: module gaps, plus the beam stop's shadow on the SAXS detector
    const mask = detectorMask(cal.detector, shape);
    if (name === "saxs")
      for (let k = 0; k < mask.length; k++) if (renderer.qNm[k]! < BEAMSTOP_Q_NM) mask[k] = 1;
    dets.push({ name, setup, cal, shape, renderer, qNm: qGrid(qlo, qhi), mask, scale: 1 });
  }
  const [saxs, waxs] = dets as [Det, Det];
  const waxsModel = new WaxsModel(waxs.qNm, lambda);
  const saxsModel = new SaxsModel(saxs.qNm);

  const local = (r: number, c: number, tS: number): LocalState => {
    const st = stateAt(plan, tS);
    const w = li2sWeight(ys[r]!, c);
    const sizeGrowth = Math.sqrt(Math.min(1, st.sod));
    return {
      li2s: LI2S_MAX * w * st.sodc,
      li2sSizeNm: 0.7 + (LI2S_SIZE_END_NM - 0.7) * sizeGrowth,
      s8: 0.04 * (1 - st.sodc),
      inFraction: 0.62 + 0.25 * st.sodc,
      in110: 1 - 0.7 * Math.min(1, st.throughputMAh / (0.15 * plan.dischargeMAh)),
      poreSulfur: 0.25,
      poreLi2s: p.poreConversion === "outside" ? 0 : st.sodc,
      dissolved: st.sodc < 0.25 ? st.sodc / 0.25 : Math.max(0.2, 1 - (st.sodc - 0.25) * 1.1),
    };
  };

  const profiles = (r: number, c: number, tS: number, empty = false) => {
    const w = new Float64Array(waxs.qNm.length);
    const s = new Float64Array(saxs.qNm.length);
    const info = rowInfo[r]!;
    const st = local(r, c, tS);
    waxsModel.windows(w, 2 * cell.windowMm * 0.3);
    saxsModel.windows(s, 2 * cell.windowMm);
    if (!empty) {
      cell.layers.forEach((layer, i) => {
        const weight = info.f[i]! * layerPath[i]! * tWindows;
        waxsModel.layer(layer.material, st, w, weight);
        saxsModel.layer(cell, layer.material, st, s, weight);
      });
    }
    for (let i = 0; i < s.length && saxs.qNm[i]! < BEAMSTOP_Q_NM; i++) s[i] = s[i]! * 1e-5;
    return { waxs: w, saxs: s, T: empty ? tWindows : info.T };
  };

  // counts scale: the separator (or cathode) row at the start sets the strongest WAXS feature, the
  // cathode's SAXS at 0.5 nm⁻¹ the SAXS level
  const refRow = rowInfo.findIndex((x) => x.role === "separator");
  const ref = profiles(Math.max(0, refRow), 0, 0);
  waxs.scale = waxs.setup.countsScale / Math.max(...ref.waxs);
  const cathRow = Math.max(
    0,
    rowInfo.findIndex((x) => x.role === "cathode"),
  );
  const refS = profiles(cathRow, 0, 0).saxs;
  const i05 = saxs.qNm.findIndex((q) => q >= 0.5);
  saxs.scale = saxs.setup.countsScale / refS[Math.max(0, i05)]!;

  // --- static files: PONI, masks, empty-cell frames ---
  const ext = (d: Det) => (d.setup.format === "cbf" ? "cbf" : "h5");
  const empty = profiles(0, 0, 0, true);
  for (const d of dets) {
    await writeFile(join(tmp, `${d.name}.poni`), formatPoni(d.cal));
    await writeEdf(join(tmp, `${d.name}_mask.edf`), {
      data: d.mask,
      shape: d.shape,
      dtype: "uint8",
      metadata: {},
    });
    const frame = d.renderer.render(
      { qNm: d.qNm, intensity: d.name === "saxs" ? empty.saxs : empty.waxs },
      d.scale * p.dwellS,
      rng,
    );
    await writeFrames(join(tmp, `empty_${d.name}.${ext(d)}`), d, [frame], p);
  }

  // --- the calibrant frame of each WAXS detector (same geometry and instrument as the frames). Its
  // noise has a stream of its own, so that it changes none of the other files of a seed. ---
  const calibrantRng = new Rng(seed * 104729 + 17);
  for (const d of dets.filter((x) => x.name === "waxs")) {
    const frame = d.renderer.render(
      { qNm: d.qNm, intensity: calibrantPattern(d.qNm, lambda) },
      CALIBRANT_PEAK_OVER_SCALE * d.setup.countsScale,
      calibrantRng,
    );
    await writeFrames(join(tmp, calibrantFile(d)), d, [frame], p, { exposure_time_s: p.dwellS });
  }

  // --- the pristine carbon host alone (the paper's Fig. 3c): the cathode's carbon with empty pores
  // (contrast 1) and its grains' Porod scattering, as much of it as the cathode row holds, no cell
  // windows. Solid-state cells only; its noise has a stream of its own (no other file changes). ---
  if (cell.kind !== "liquid") {
    const k = cell.layers.findIndex((l) => l.role === "cathode");
    const carbon = new Float64Array(saxs.qNm.length);
    const weight = rowInfo[cathRow]!.f[k]! * layerPath[k]!;
    saxsModel.layer(
      cell,
      cell.layers[k]!.material,
      { ...local(cathRow, 0, 0), poreSulfur: 0, poreLi2s: 0 },
      carbon,
      weight,
    );
    for (let i = 0; i < carbon.length && saxs.qNm[i]! < BEAMSTOP_Q_NM; i++) carbon[i] = carbon[i]! * 1e-5;
    const frame = saxs.renderer.render(
      { qNm: saxs.qNm, intensity: carbon },
      saxs.scale * p.dwellS,
      new Rng(seed * 130363 + 29),
    );
    await writeFrames(join(tmp, `${PRISTINE_CARBON}_saxs.${ext(saxs)}`), saxs, [frame], p, {
      exposure_time_s: p.dwellS,
    });
  }

  // --- cycler export (local wall clock of its time zone) ---
  const cyclerStartUtc = SCAN_START_UTC_S - CYCLER_LEAD_S;
  const log = cyclerLog(plan, 30);
  writeMpt(
    join(tmp, "cycling.mpt"),
    { ...log, cycle: null },
    {
      startLocal: wallClock(cyclerStartUtc, p.cyclerTimezone),
      device: "VMP3 (simulated by operando-swaxs)",
      technique: "Galvanostatic Cycling with Potential Limitation",
      massMg: p.sulfurMg,
    },
  );

  // --- the scan ---
  const pointS = p.dwellS + p.overheadS;
  const sweepS = p.rows * p.cols * pointS;
  const sweepStart = sweepTimes(p.sweeps, sweepS, plan.ocvS, totalS(plan));
  // the end of the first charge is a map state only where the scan reaches it (within 1 % of the charge)
  const reachesChargeEnd = sweepStart.at(-1)! + sweepS >= totalS(plan) - 0.01 * plan.chargeS;
  const scanRows: string[] = ["time,detector,file,frame,x_mm,y_mm,exposure_s,i0,it"];
  const frameSod: number[] = [];
  const total = p.sweeps * p.rows * p.cols;
  let done = 0;
  for (let k = 0; k < p.sweeps; k++) {
    const stacks = new Map<string, Frame[]>();
    let point = 0;
    for (let r = 0; r < p.rows; r++) {
      for (let c = 0; c < p.cols; c++) {
        const tCycler = sweepStart[k]! + point * pointS;
        const utc = cyclerStartUtc + tCycler;
        const prof = profiles(r, c, tCycler);
        const i0 = Math.round(MONITOR_PER_S * p.dwellS * (1 + 0.01 * rng.normal()));
        const it = Math.max(0, Math.round(i0 * prof.T * (1 + 0.005 * rng.normal())));
        for (const d of dets) {
          const frame = d.renderer.render(
            { qNm: d.qNm, intensity: d.name === "saxs" ? prof.saxs : prof.waxs },
            (d.scale * p.dwellS * i0) / (MONITOR_PER_S * p.dwellS),
            rng,
          );
          let file: string;
          let index: number;
          if (d.setup.format === "cbf") {
            file = `frames/${d.name}/${d.name}_s${pad(k, 3)}_r${pad(r, 3)}_c${pad(c, 2)}.cbf`;
            index = 0;
            await writeFrames(join(tmp, file), d, [frame], p, { exposure_time_s: p.dwellS });
          } else {
            file = `frames/${d.name}/${d.name}_sweep${pad(k, 3)}.h5`;
            index = point;
            if (!stacks.has(d.name)) stacks.set(d.name, []);
            stacks.get(d.name)!.push(frame);
          }
          scanRows.push(
            [isoUtc(utc), d.name, file, index, xs[c]!.toFixed(4), ys[r]!.toFixed(4), p.dwellS, i0, it].join(
              ",",
            ),
          );
          if (d.name === "waxs") frameSod.push(stateAt(plan, tCycler).sod);
        }
        point++;
        opts.onProgress?.(++done, total);
      }
    }
    for (const d of dets) {
      const frames = stacks.get(d.name);
      if (frames)
        await writeFrames(join(tmp, `frames/${d.name}/${d.name}_sweep${pad(k, 3)}.h5`), d, frames, p);
    }
  }
  await writeFile(join(tmp, "scan.csv"), `${scanRows.join("\n")}\n`);
  await writeAlignment(tmp, cell, p, tWindows, layerT, rng);

  // --- experiment.yaml and truth.json ---
  await writeFile(
    join(tmp, "experiment.yaml"),
    experimentYaml(p, dets, tWindows, cell.kind !== "liquid", cell, reachesChargeEnd),
  );
  const sods = [0, 50, 100];
  const truth = {
    preset: p.name,
    seed,
    rows: p.rows,
    cols: p.cols,
    layers: rowInfo.map((x) => x.role),
    x_mm: xs,
    y_mm: ys,
    li2s_at_sod: Object.fromEntries(
      sods.map((s) => [
        String(s),
        ys.map((y, r) =>
          xs.map((_, c) => LI2S_MAX * li2sWeight(y, c) * (s / 100) * cathodeFraction(cell, rowInfo[r]!.f)),
        ),
      ]),
    ),
    li2s_size_nm_end_of_discharge: LI2S_SIZE_END_NM,
    // the Gaussian instrumental FWHM [nm⁻¹] every WAXS line (and the calibrant's) is drawn with
    instrument_fwhm_q: { waxs: WAXS_INSTRUMENT_FWHM_NM },
    calibrant: { waxs: { file: calibrantFile(waxs), phase: WAXS_CALIBRANT } },
    frame_sod: frameSod,
    transmission_by_row: rowInfo.map((x) => x.T),
    empty_it_over_i0: tWindows,
    cycler: {
      timezone: p.cyclerTimezone,
      start_utc: isoUtc(cyclerStartUtc),
      discharge_mah: plan.dischargeMAh,
      charge_return: plan.chargeReturn,
      ocv_s: plan.ocvS,
      discharge_s: plan.dischargeS,
    },
  };
  await writeFile(join(tmp, "truth.json"), `${JSON.stringify(truth, null, 1)}\n`);
  await commitOutput(tmp, out, guard);
}

/**
 * Start of each sweep on the cycler clock: two (or more) back to back during the OCV rest, so the
 * pipeline has an initial state to normalise by, the rest spread evenly until the end of the run.
 */
export function sweepTimes(sweeps: number, sweepS: number, ocvS: number, endS: number): number[] {
  const inOcv = Math.min(2, sweeps);
  const out = Array.from({ length: inOcv }, (_, k) => CYCLER_LEAD_S + k * sweepS);
  const rest = sweeps - inOcv;
  const from = Math.max(ocvS, CYCLER_LEAD_S + inOcv * sweepS);
  const step = rest > 1 ? Math.max(sweepS, (endS - sweepS - from) / (rest - 1)) : 0;
  for (let k = 0; k < rest; k++) out.push(from + k * step);
  return out;
}

/** it/i0 at a position: the windows' transmission times the beam-weighted layers' transmissions. */
function beamTransmission(fractions: number[], tWindows: number, layerT: number[]): number {
  return tWindows * fractions.reduce((s, fi, i) => s + fi * layerT[i]!, 0);
}

function cathodeFraction(cell: Cell, f: number[]): number {
  return cell.layers.reduce((s, l, i) => s + (l.role === "cathode" ? f[i]! : 0), 0);
}

function calibrantFile(d: Det): string {
  return `calibrant_${d.name}.${d.setup.format === "cbf" ? "cbf" : "h5"}`;
}

function pad(n: number, w: number): string {
  return String(n).padStart(w, "0");
}

async function writeFrames(
  path: string,
  d: Det,
  frames: Frame[],
  p: Preset,
  meta: Record<string, number> = {},
) {
  await mkdir(join(path, ".."), { recursive: true });
  if (d.setup.format === "cbf") {
    const f = frames[0]!;
    await writeCbf(path, {
      ...f,
      metadata: {
        ...f.metadata,
        ...meta,
        wavelengthM: d.cal.wavelengthM,
        distanceM: d.cal.distM,
        pixel1M: d.cal.detector.pixel1M,
        pixel2M: d.cal.detector.pixel2M,
      },
    });
    return;
  }
  const w = await createEigerStack(path, {
    shape: d.shape,
    frames: frames.length,
    dtype: "uint32",
    compression: "bslz4",
    pixelMask: d.mask,
    xPixelSizeM: d.cal.detector.pixel2M,
    yPixelSizeM: d.cal.detector.pixel1M,
    distanceM: d.cal.distM,
    wavelengthM: d.cal.wavelengthM,
    countTimeS: p.dwellS,
  });
  try {
    for (const [i, f] of frames.entries()) w.writeFrame(i, f.data);
    w.finish();
  } catch (e) {
    w.abort();
    throw e;
  }
}

/** Transmission line scans before the experiment (vertical and horizontal), for alignment. */
async function writeAlignment(dir: string, cell: Cell, p: Preset, tWin: number, layerT: number[], rng: Rng) {
  const lines = ["scan,x_mm,y_mm,i0,it"];
  const span = (p.rows - 1) * p.stepYMm + 2 * p.stepYMm;
  for (let i = 0; i <= 80; i++) {
    const y = cell.scanCentreMm - span / 2 + (span * i) / 80;
    const f = beamFractions(cell, y, p.beamHeightMm);
    const T = beamTransmission(f, tWin, layerT);
    const i0 = Math.round(MONITOR_PER_S * (1 + 0.01 * rng.normal()));
    lines.push(`vertical,0,${y.toFixed(4)},${i0},${Math.round(i0 * T)}`);
  }
  await writeFile(join(dir, "alignment.csv"), `${lines.join("\n")}\n`);
}

/** The name of the pristine-carbon measurement the simulator writes (config `extra:`). */
const PRISTINE_CARBON = "pristine_carbon";

/**
 * The paper's spring and stack (its Experimental section): a DIN 2098 spring of 28.42 N/mm holding
 * 25 MPa on the 1 × 5 mm stack, for the config's `design:` block (the report's "Cell design").
 */
const PAPER_SPRING = { spring_k_n_per_mm: 28.42, area_mm2: 5, pressure_mpa: 25 };

/**
 * `design:` of a solid-state cell: the paper's spring, and the beam's path through the cathode
 * (PEEK window, the cell's path through the composite, PEEK window) with the cell's thicknesses and
 * the materials' densities the simulator itself uses (physics MATERIALS).
 */
function designBlock(p: Preset, cell: Cell) {
  const layer = (material: string, thicknessMm: number) => ({
    material,
    density_g_cm3: MATERIALS[material]!.density,
    thickness_mm: thicknessMm,
  });
  const cathode = MATERIAL_FOR_T[cell.layers.find((l) => l.role === "cathode")!.material]!;
  return {
    ...PAPER_SPRING,
    energy_kev: p.energyKeV,
    stack: [layer("PEEK", cell.windowMm), layer(cathode, cell.pathMm), layer("PEEK", cell.windowMm)],
  };
}

function experimentYaml(
  p: Preset,
  dets: Det[],
  tWin: number,
  withCarbon: boolean,
  cell: Cell,
  reachesChargeEnd: boolean,
): string {
  const ext = (d: Det) => (d.setup.format === "cbf" ? "cbf" : "h5");
  const text = toYaml(
    {
      scan: "scan.csv",
      detectors: Object.fromEntries(
        dets.map((d) => [
          d.name,
          {
            poni: `${d.name}.poni`,
            mask: `${d.name}_mask.edf`,
            npt: d.setup.npt,
            unit: "q_nm^-1",
            monitor: "i0",
            polarization: 0.99,
          },
        ]),
      ),
      background: Object.fromEntries(dets.map((d) => [d.name, `empty_${d.name}.${ext(d)}`])),
      // the instrumental width comes from the calibrant (instrument_fwhm_q, if given, would override it)
      calibrant: Object.fromEntries(
        dets
          .filter((d) => d.name === "waxs")
          .map((d) => [d.name, { file: calibrantFile(d), phase: WAXS_CALIBRANT }]),
      ),
      transmission: { empty_it_over_i0: Number(tWin.toFixed(5)) },
      echem: { file: "cycling.mpt", timezone: p.cyclerTimezone, mass_mg: p.sulfurMg },
      normalize:
        p.cell === "liquid"
          ? { waxs: "ocv-mean", saxs: { reference: { sod: 30 } } }
          : { waxs: "ocv-mean", saxs: "none" },
      bands: [
        { name: "Li2S", detector: "waxs", q: [18.3, 20.8] },
        { name: "S", detector: "saxs", q: [0.2, 1.0] },
      ],
      peaks: [
        {
          name: "Li2S",
          phase: "Li2S",
          detector: "waxs",
          q: [17.0, 24.5],
          region: "cathode",
          scherrer_k: 0.9,
        },
      ],
      // the first discharge's states, the end of the first charge, and where Li2S went between them
      maps:
        withCarbon && reachesChargeEnd
          ? {
              at_sod: [0, 50, 100],
              at: [{ sodc: 0, after: "charge" }],
              differences: [["sod100", "charge1_sodc0"]],
            }
          : { at_sod: [0, 50, 100] },
      stack: ["other", "cathode", "separator", "anode", "other"],
      // the Porod quantities of the SAXS (the paper's stable-SAXS argument) and the pristine carbon (Fig. 3c)
      saxs: { detector: "saxs", invariant_q: [0.3, 3.5], porod_q: [3.5, 6.5], conversion: 1 },
      ...(withCarbon && {
        extra: [
          { name: PRISTINE_CARBON, detector: "saxs", file: `${PRISTINE_CARBON}_saxs.${ext(dets[0]!)}` },
        ],
        design: designBlock(p, cell),
      }),
      out: "results",
    },
    {
      scan: "canonical scan log: time,detector,file,frame,x_mm,y_mm,exposure_s,i0,it",
      stack: "layer order along y, lowest y first",
    },
  );
  // the saxs and maps maps on one line each, as the config's other short maps (toYaml writes a
  // map of several keys as a block): a line that names its detector goes with it when the detector
  // is taken out, and one line of maps is one to replace
  return text.replace(
    /^(saxs|maps):\n((?: {2}.*\n)+)/gm,
    (_, key: string, body: string) =>
      `${key}: {${body
        .trim()
        .split("\n")
        .map((l) => l.trim())
        .join(", ")}}\n`,
  );
}
