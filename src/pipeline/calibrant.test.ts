import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { swaxs } from "../../test/support/cli.js";
import { readCsvCells, readFixture } from "../../test/support/fixtures.js";
import { fitPhasePeaks } from "../analysis/peaks.js";
import { crystalliteSize, reflections } from "../physics/index.js";
import { PRESETS, simulate } from "../simulate/index.js";
import { InputError } from "../util/errors.js";
import {
  type CalibrantCurve,
  calibrantWidth,
  reduceCalibrant,
  resolveInstrumentWidths,
} from "./calibrant.js";
import { type ExperimentConfig, loadConfig, parseConfig } from "./config.js";
import { DetectorReducer, type FrameRef } from "./reduce.js";
import { runExperiment } from "./run.js";

const dir = join(mkdtempSync(join(tmpdir(), "swaxs-calibrant-")), "twin");
const yaml = join(dir, "experiment.yaml");
const csv = readCsvCells;

let truth: {
  layers: string[];
  y_mm: number[];
  li2s_size_nm_end_of_discharge: number;
  instrument_fwhm_q: { waxs: number };
  calibrant: { waxs: { file: string; phase: string } };
};
let cfg: ExperimentConfig;
let curve: CalibrantCurve;

beforeAll(async () => {
  await simulate({ ...PRESETS.tiny, rows: 8, cols: 2, sweeps: 6 }, dir, { seed: 11 });
  truth = JSON.parse(readFileSync(join(dir, "truth.json"), "utf8"));
  cfg = await loadConfig(yaml);
  curve = await reduceCalibrant(cfg, "waxs");
}, 120_000);

describe("the twin's calibrant", () => {
  it("is a CeO2 frame per WAXS detector, named in experiment.yaml, which no longer states a width", () => {
    expect(truth.calibrant).toEqual({ waxs: { file: "calibrant_waxs.cbf", phase: "CeO2" } });
    expect(cfg.calibrant).toEqual({ waxs: { file: join(dir, "calibrant_waxs.cbf"), phase: "CeO2" } });
    expect(cfg.instrumentFwhmQ).toBeUndefined();
    expect(cfg.peaks.map((p) => p.instrumentFwhmQ)).toEqual([undefined]);
  });

  it("gives the instrumental FWHM within 10 % of the truth (CeO2 111 and 200 in the Li2S window)", () => {
    const w = calibrantWidth(curve, cfg.calibrant.waxs!, [15.5, 24.5]);
    expect(w.from).toBe("calibrant_waxs.cbf (CeO2 111, 200)");
    // bbox splitting spreads each ~0.1 nm⁻¹ wide pixel over its q extent: a few % above the
    // Gaussian the lines were drawn with, and the sample's lines are widened the same way
    expect(w.fwhmQ / truth.instrument_fwhm_q.waxs).toBeGreaterThan(1);
    expect(Math.abs(w.fwhmQ / truth.instrument_fwhm_q.waxs - 1)).toBeLessThan(0.1);
    expect(w.fwhmErr).toBeGreaterThan(0);
    expect(w.fwhmErr).toBeLessThan(0.01 * w.fwhmQ);
    // the other lines agree: one instrument width across the detector
    const w220 = calibrantWidth(curve, cfg.calibrant.waxs!, [31, 34.5]);
    expect(w220.from).toBe("calibrant_waxs.cbf (CeO2 220)");
    expect(Math.abs(w220.fwhmQ / w.fwhmQ - 1)).toBeLessThan(0.05);
  });

  it("a hot pixel in the window (no count cutoff caught it) does not change the width", () => {
    const clean = calibrantWidth(curve, cfg.calibrant.waxs!, [15.5, 24.5]).fwhmQ;
    // a 2³²−2-count pixel spread over the ~4 bins its q extent covers: between the lines, on 111's flank
    for (const q0 of [21.5, 20.2]) {
      const intensity = Float64Array.from(curve.intensity);
      const j = curve.radial.findIndex((q) => q >= q0);
      for (let k = j; k < j + 4; k++) intensity[k]! += 1e7;
      const w = calibrantWidth({ ...curve, intensity }, cfg.calibrant.waxs!, [15.5, 24.5]);
      expect(Math.abs(w.fwhmQ / clean - 1), `spike at ${q0}`).toBeLessThan(0.01);
    }
  });

  it("removes the instrument right: the separator's 40 nm Li6PS5Cl is sized within 2 %", async () => {
    // a sharp phase (Γ_L = 2π·0.9/40 nm ≈ 0.14 nm⁻¹, close to the instrument's width) is where the
    // instrumental width matters; the twin draws the separator's Li6PS5Cl at 40 nm (spectra.ts)
    const window: [number, number] = [17, 23.5];
    const g = calibrantWidth(curve, cfg.calibrant.waxs!, window).fwhmQ;
    const rows = csv(join(dir, "scan.csv")).slice(1);
    const ys = truth.layers.flatMap((l, r) => (l === "separator" ? [truth.y_mm[r]!.toFixed(4)] : []));
    const refs: FrameRef[] = rows
      .filter((r) => r[1] === "waxs" && ys.includes(r[5]!))
      .map((r) => ({
        file: join(dir, r[2]!),
        frame: Number(r[3]),
        exposureS: Number(r[6]),
        monitor: Number(r[7]),
        i0: Number(r[7]),
        it: Number(r[8]),
      }));
    const d = cfg.detectors.waxs!;
    const red = await DetectorReducer.create(
      {
        ...d,
        polarization: d.polarization ?? null,
        background: null,
        emptyItOverI0: 1,
        cake: null,
      },
      refs[0]!,
    );
    const n = red.radial.length;
    const y = new Float64Array(n);
    const v = new Float64Array(n);
    for (const ref of refs) {
      const c = await red.reduce(ref);
      for (let j = 0; j < n; j++) {
        y[j]! += c.intensity[j]! / refs.length;
        v[j]! += (c.sigma[j]! / refs.length) ** 2;
      }
    }
    await red.close();
    const fit = fitPhasePeaks(red.radial, y, v.map(Math.sqrt), {
      window,
      reflections: reflections("Li6PS5Cl", curve.wavelengthM, 27, 14),
      instrumentFwhmQ: g,
    });
    expect(fit.ok, fit.message).toBe(true);
    const L = crystalliteSize(fit.fwhmQ, fit.fwhmErr, { instrumentFwhmQ: g });
    expect(Math.abs(L.sizeNm / 40 - 1)).toBeLessThan(0.02);
  }, 60_000);
});

describe("a real calibrant", () => {
  it("CeO2 on a Pilatus 1M (Dioptas' test frame, pyFAI's curve): one width in every window, ±5 %", () => {
    // test/fixtures/ceo2: pyFAI 0.21.3 integrate1d of the real frame, 1000 bins over 0–83 nm⁻¹
    const rows = readFixture("ceo2", "CeO2_Pilatus1M.tif.pyfai_q_nm.csv")
      .toString("utf8")
      .trim()
      .split("\n")
      .filter((l) => !l.startsWith("#"))
      .map((l) => l.split(",").map(Number));
    const real: CalibrantCurve = {
      radial: Float64Array.from(rows, (r) => r[0]!),
      intensity: Float64Array.from(rows, (r) => r[1]!),
      sigma: Float64Array.from(rows, (r) => r[2]!),
      wavelengthM: 4.066e-11,
    };
    const cal = { file: "CeO2_Pilatus1M.tif", phase: "CeO2" as const };
    const windows: [number, number][] = [
      [15.5, 24.5],
      [30, 35],
      [36, 42],
      [44, 52],
    ];
    const w = windows.map((win) => calibrantWidth(real, cal, win));
    expect(w.map((x) => x.from)).toEqual([
      "CeO2_Pilatus1M.tif (CeO2 111, 200)",
      "CeO2_Pilatus1M.tif (CeO2 220)",
      "CeO2_Pilatus1M.tif (CeO2 311, 222)",
      "CeO2_Pilatus1M.tif (CeO2 400, 331, 420)",
    ]);
    const mean = w.reduce((a, x) => a + x.fwhmQ, 0) / w.length;
    for (const x of w) expect(Math.abs(x.fwhmQ / mean - 1), x.from).toBeLessThan(0.05);
    // 0.2 m, 172 µm pixels, 1000 bins of 0.083 nm⁻¹: about two bins wide
    expect(mean).toBeGreaterThan(0.1);
    expect(mean).toBeLessThan(0.3);
  });
});

describe("which width a peak gets", () => {
  const base = () => readFileSync(yaml, "utf8");
  const parse = (text: string) => parseConfig(text, yaml);

  it("a width given for the peak, or globally, overrides the calibrant; no calibrant and no width: none", async () => {
    const perPeak = await resolveInstrumentWidths(
      parse(base().replace("scherrer_k: 0.9", "instrument_fwhm_q: 0.2")),
    );
    expect(perPeak.peaks[0]).toMatchObject({ instrumentFwhmQ: 0.2, instrumentFwhmFrom: "config" });
    const global = await resolveInstrumentWidths(parse(`${base()}instrument_fwhm_q: 0.3\n`));
    expect(global.peaks[0]).toMatchObject({ instrumentFwhmQ: 0.3, instrumentFwhmFrom: "config" });
    const none = await resolveInstrumentWidths(parse(base().replace(/^calibrant: .*\n/m, "")));
    expect(none.peaks[0]!.instrumentFwhmQ).toBeUndefined();
    const measured = await resolveInstrumentWidths(parse(base()));
    expect(measured.peaks[0]).toMatchObject({ instrumentFwhmFrom: "calibrant_waxs.cbf (CeO2 111, 200)" });
    expect(Math.abs(measured.peaks[0]!.instrumentFwhmQ! / truth.instrument_fwhm_q.waxs - 1)).toBeLessThan(
      0.1,
    );
  });

  it("a calibrant that cannot be fitted in the window: one InputError naming the file and the window", () => {
    const cal = cfg.calibrant.waxs!;
    const fail = (phase: "CeO2" | "LaB6", window: [number, number]) => {
      try {
        calibrantWidth(curve, { ...cal, phase }, window);
      } catch (err) {
        expect(err).toBeInstanceOf(InputError);
        return (err as Error).message;
      }
      throw new Error("no error");
    };
    // LaB6's 110 line where the frame has none (the frame is CeO2)
    expect(fail("LaB6", [15.5, 24.5])).toMatch(
      new RegExp(
        `^${cal.file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: LaB6 fit in \\[15\\.5, 24\\.5\\] nm⁻¹ failed: `,
      ),
    );
    expect(fail("CeO2", [25, 30])).toBe(
      `${cal.file}: CeO2 fit in [25, 30] nm⁻¹: no CeO2 line in that window`,
    );
  });
});

describe("swaxs run with a calibrant", () => {
  it("a wrong calibrant phase stops the run with exit 2 and one line, before any frame is reduced", () => {
    const bad = join(dir, "bad-phase.yaml");
    writeFileSync(bad, readFileSync(yaml, "utf8").replace("phase: CeO2", "phase: LaB6"));
    const r = swaxs("run", bad);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/calibrant_waxs\.cbf: LaB6 fit in \[17, 24\.5\] nm⁻¹ failed: .*\n$/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("a stated width wins over the calibrant: run.json records it, and the size is still right", async () => {
    const given = join(dir, "given.yaml");
    writeFileSync(given, readFileSync(yaml, "utf8").replace("scherrer_k: 0.9", "instrument_fwhm_q: 0.12"));
    await runExperiment(given);
    const run = JSON.parse(readFileSync(join(dir, "results", "run.json"), "utf8"));
    expect(run.instrument_fwhm_q).toEqual({ Li2S: { value: 0.12, from: "config" } });
    const end = csv(join(dir, "results/crystallite/Li2S.csv"))
      .slice(1)
      .filter((r) => Number(r[3]) > 90 && r[4] !== "");
    expect(end.length).toBeGreaterThan(0);
    expect(Math.abs(Number(end[0]![4]) / truth.li2s_size_nm_end_of_discharge - 1)).toBeLessThan(0.15);
  }, 120_000);
});
