import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixturePath } from "../../test/support/fixtures.js";
import { InputError } from "../util/errors.js";
import { loadConfig, parseConfig } from "./config.js";

const BASIC = fixturePath("pipeline", "basic");
const MIN = "scan: s.csv\ndetectors:\n  waxs: {poni: w.poni}\nechem: {file: c.mpt}\n";

function problem(text: string): string {
  try {
    parseConfig(text, "experiment.yaml");
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error("no error");
}

describe("loadConfig", () => {
  it("reads every key, resolves paths against the config and fills defaults", async () => {
    const c = await loadConfig(join(BASIC, "experiment.yaml"));
    expect(c.file).toBe(join(BASIC, "experiment.yaml"));
    expect(c.scan).toBe(join(BASIC, "scan.csv"));
    expect(c.out).toBe(join(BASIC, "results"));
    expect(Object.keys(c.detectors)).toEqual(["waxs", "saxs"]);
    expect(c.detectors.waxs).toEqual({
      name: "waxs",
      kind: "waxs",
      poni: join(BASIC, "waxs.poni"),
      mask: join(BASIC, "waxs_mask.edf"),
      npt: 800,
      unit: "q_nm^-1",
      monitor: "i0",
      method: "full",
      polarization: 0.99,
      flipUd: false,
    });
    expect(c.detectors.saxs).toEqual({
      name: "saxs",
      kind: "saxs",
      poni: join(BASIC, "saxs.poni"),
      npt: 500,
      unit: "q_nm^-1",
      monitor: "i0",
      method: "bbox",
      flipUd: true,
      dataset: "/entry/data/data",
    });
    expect(c.background).toEqual({
      waxs: join(BASIC, "empty_waxs.cbf"),
      saxs: join(BASIC, "empty_saxs.cbf"),
    });
    expect(c.transmission).toEqual({ emptyItOverI0: 0.8 });
    expect(c.echem).toEqual({ file: join(BASIC, "cycling.mpt"), clock: { timezone: "+01:00" }, massMg: 1.2 });
    expect(c.normalize).toEqual({ waxs: { kind: "ocv-mean" }, saxs: { kind: "reference", sodPct: 30 } });
    expect(c.bands).toEqual([
      { name: "Li2S", detector: "waxs", q: [18.3, 20.8] },
      { name: "S", detector: "saxs", q: [0.2, 1] },
    ]);
    expect(c.peaks).toEqual([
      {
        name: "Li2S",
        phase: "Li2S",
        detector: "waxs",
        q: [15.5, 24.5],
        region: "cathode",
        scherrerK: 0.9,
        instrumentFwhmQ: 0.12,
        amplitudes: "auto",
        shape: "fitted",
        base: "ocv",
        background: "auto",
      },
      {
        name: "In",
        phase: "In",
        detector: "waxs",
        q: [22, 30],
        region: "anode",
        scherrerK: 0.9,
        instrumentFwhmQ: 0.05,
        amplitudes: "auto",
        shape: "fitted",
        base: "ocv",
        background: "auto",
      },
    ]);
    expect(c.maps).toEqual({ atSod: [0, 50, 100] });
    expect(c.stack).toEqual(["other", "cathode", "separator", "anode", "other"]);
    expect([...c.regions.byRow]).toEqual([
      [0, "other"],
      [3, "cathode"],
    ]);
    expect(c.instrumentFwhmQ).toBe(0.12);
    expect(c.caking).toEqual({ detector: "waxs", nptAzim: 72 });
    expect(c.workers).toBe(4);
  });

  it("names the key and the path of a missing file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "swaxs-config-"));
    const text = readFileSync(join(BASIC, "experiment.yaml"), "utf8").replace(
      "mask: waxs_mask.edf",
      "mask: nope.edf",
    );
    const file = join(dir, "experiment.yaml");
    writeFileSync(file, text);
    // the first file it checks (scan.csv) is missing too in this folder
    await expect(loadConfig(file)).rejects.toThrow(`${file}: scan: file not found: ${join(dir, "scan.csv")}`);
    const local = join(BASIC, "broken.yaml");
    const c = parseConfig(text, local);
    const { checkConfigFiles } = await import("./config.js");
    await expect(checkConfigFiles(c, "broken.yaml")).rejects.toThrow(
      `broken.yaml: detectors.waxs.mask: file not found: ${join(BASIC, "nope.edf")}`,
    );
    await expect(loadConfig(join(dir, "absent.yaml"))).rejects.toThrow("no such file");
  });
});

describe("calibrant", () => {
  it("resolves the frame against the config, keeps the phase, and requires the file to exist", async () => {
    const c = parseConfig(`${MIN}calibrant: {waxs: {file: cal/ceo2.cbf, phase: CeO2}}\n`, "/data/exp/e.yaml");
    expect(c.calibrant).toEqual({ waxs: { file: "/data/exp/cal/ceo2.cbf", phase: "CeO2" } });
    const { checkConfigFiles } = await import("./config.js");
    const text = readFileSync(join(BASIC, "experiment.yaml"), "utf8");
    const b = parseConfig(`${text}calibrant: {waxs: {file: lab6.cbf, phase: LaB6}}\n`, join(BASIC, "e.yaml"));
    await expect(checkConfigFiles(b, "e.yaml")).rejects.toThrow(
      `e.yaml: calibrant.waxs.file: file not found: ${join(BASIC, "lab6.cbf")}`,
    );
  });
});

describe("parseConfig", () => {
  it("reads a scan log made from a SPEC file: scan: {spec: …}, its paths resolved like the others", () => {
    const c = parseConfig(
      MIN.replace(
        "scan: s.csv",
        "scan: {spec: beam/align.spec, scans: [3, '5-7'], x: samx, y: samz, i0: mon, exposure: 0.5, frames: {waxs: 'raw/w_{scan:03d}_{point:05d}.cbf'}, y_scale: 1000, timezone: Europe/Paris}",
      ),
      "/data/exp/experiment.yaml",
    );
    expect(c.scan).toBe("/data/exp/beam/align.spec");
    expect(c.scanSource?.kind).toBe("spec");
    expect(c.scanSource?.options).toEqual({
      x: "samx",
      y: "samz",
      i0: "mon",
      exposure: "0.5",
      scans: "3,5-7",
      frames: ["waxs=/data/exp/raw/w_{scan:03d}_{point:05d}.cbf"],
      yScale: 1000,
      timezone: "Europe/Paris",
    });
    expect(parseConfig(MIN, "/data/exp/experiment.yaml").scanSource).toBeUndefined();
  });

  it("fills the defaults of a minimal config", () => {
    const c = parseConfig(MIN, "/data/exp/experiment.yaml");
    expect(c.detectors.waxs).toEqual({
      name: "waxs",
      kind: "waxs",
      poni: "/data/exp/w.poni",
      npt: 1000,
      unit: "q_nm^-1",
      monitor: "i0",
      method: "bbox",
      flipUd: false,
    });
    expect(c.echem.clock).toBeNull();
    expect(c.normalize).toEqual({ waxs: { kind: "ocv-mean" } });
    expect(c.bands).toEqual([]);
    expect(c.peaks).toEqual([]);
    expect(c.maps.atSod).toEqual([]);
    expect(c.background).toEqual({});
    expect(c.backgroundCounting).toEqual({});
    const counted = parseConfig(
      `${MIN}background: {waxs: {file: e.cbf, exposure_s: 10, i0: 2.5e6}}\n`,
      "/data/exp/e.yaml",
    );
    expect(counted.background).toEqual({ waxs: "/data/exp/e.cbf" });
    expect(counted.backgroundCounting).toEqual({ waxs: { exposureS: 10, i0: 2.5e6 } });
    expect(c.calibrant).toEqual({});
    expect(c.stack).toBeUndefined();
    expect(c.out).toBe("/data/exp/results");
    expect(parseConfig(`${MIN}out: /abs/out\n`, "/data/exp/experiment.yaml").out).toBe("/abs/out");
    expect(parseConfig(MIN.replace("}", ", monitor: none}"), "e.yaml").detectors.waxs!.monitor).toBeNull();
    expect(parseConfig(MIN.replace("c.mpt}", "c.mpt, clock_offset_s: -3600}"), "e.yaml").echem.clock).toEqual(
      {
        clockOffsetS: -3600,
      },
    );
  });

  it.each([
    [
      MIN.replace("}", ", npt: many}"),
      'detectors.waxs.npt: expected radial bins: an integer in 2..20000, got "many"',
    ],
    [
      MIN.replace("}", ", npt: 2.5}"),
      "detectors.waxs.npt: expected radial bins: an integer in 2..20000, got 2.5",
    ],
    [MIN.replace("}", ", nptt: 3}"), "detectors.waxs.nptt: unknown key (allowed: poni, mask, npt,"],
    [`${MIN}colour: red\n`, "colour: unknown key (allowed: scan, detectors,"],
    [MIN.replace("{poni: w.poni}", "{npt: 3}"), "detectors.waxs.poni: missing (expected a file path)"],
    [
      MIN.replace("scan: s.csv\n", ""),
      "scan: missing (expected a scan-log file, or {spec: file, x, y, frames, …})",
    ],
    [MIN.replace("}", ", method: split}"), 'detectors.waxs.method: expected no | bbox | full, got "split"'],
    [
      MIN.replace("}", ", unit: q}"),
      'detectors.waxs.unit: expected q_nm^-1 | q_A^-1 | 2th_deg | 2th_rad, got "q"',
    ],
    [MIN.replace("}", ", flip_ud: 1}"), "detectors.waxs.flip_ud: expected true or false, got 1"],
    ["scan: s.csv\ndetectors: {}\nechem: {file: c.mpt}\n", "detectors: expected at least one detector"],
    [
      "scan: s.csv\ndetectors: [waxs]\nechem: {file: c.mpt}\n",
      "detectors: expected a map of detectors, got a list",
    ],
    [
      `${MIN}bands: [{name: a, detector: saxs, q: [1, 2]}]\n`,
      'bands[0].detector: "saxs" is not one of the detectors (waxs)',
    ],
    [
      `${MIN}peaks: [{name: a, phase: a, detector: x, q: [1, 2], region: cathode}]\n`,
      'peaks[0].detector: "x" is not',
    ],
    [`${MIN}background: {saxs: e.cbf}\n`, 'background.saxs: "saxs" is not one of the detectors'],
    [
      `${MIN}background: {waxs: {file: e.cbf, exposure: 10}}\n`,
      "background.waxs.exposure: unknown key (allowed: file, exposure_s, i0)",
    ],
    [
      `${MIN}calibrant: {saxs: {file: c.cbf, phase: CeO2}}\n`,
      'calibrant.saxs: "saxs" is not one of the detectors (waxs)',
    ],
    [
      `${MIN}calibrant: {waxs: {file: c.cbf, phase: Si}}\n`,
      'calibrant.waxs.phase: expected a calibrant: CeO2 | LaB6, got "Si"',
    ],
    [`${MIN}calibrant: {waxs: {file: c.cbf}}\n`, "calibrant.waxs.phase: missing (expected a calibrant"],
    [
      `${MIN}calibrant: {waxs: {file: c.cbf, phase: CeO2, fwhm: 1}}\n`,
      "calibrant.waxs.fwhm: unknown key (allowed: file, phase)",
    ],
    [`${MIN}calibrant: {waxs: c.cbf}\n`, 'calibrant.waxs: expected a map (key: value), got "c.cbf"'],
    [
      `${MIN}peaks: [{name: a, phase: Li2O, detector: waxs, q: [1, 2], region: cathode}]\n`,
      'peaks[0].phase: unknown phase "Li2O" (known: Li2S, In,',
    ],
    [`${MIN}normalize: {saxs: none}\n`, 'normalize.saxs: "saxs" is not one of the detectors'],
    [`${MIN}caking: {detector: saxs}\n`, 'caking.detector: "saxs" is not one of the detectors'],
    [
      `${MIN}bands: [{name: a, detector: waxs, q: [3, 2]}]\n`,
      "bands[0].q: expected [low, high] with low < high",
    ],
    [`${MIN}bands: [{name: a, detector: waxs, q: [3]}]\n`, "bands[0].q: expected [low, high]"],
    [
      `${MIN}bands: [{name: a, detector: waxs, q: [1, 2]}, {name: a, detector: waxs, q: [3, 4]}]\n`,
      'bands[1].name: "a" is used twice',
    ],
    [
      `${MIN}normalize: {waxs: ocv}\n`,
      'normalize.waxs: expected ocv-mean | none | {reference: {sod: N}}, got "ocv"',
    ],
    [
      `${MIN}normalize: {waxs: {reference: {sod: 300}}}\n`,
      "normalize.waxs.reference.sod: expected a state of discharge",
    ],
    [
      `${MIN}stack: [cathode, foo]\n`,
      'stack[1]: expected anode | separator | cathode | other, or {region, phases: [...]}, got "foo"',
    ],
    [`${MIN}maps: {at_sod: [0, 50, 50]}\n`, "maps.at_sod[2]: 50 is listed twice"],
    [
      `${MIN}regions: {by_row: {a: cathode}}\n`,
      'regions.by_row.a: expected a row number (0 = lowest y), got "a"',
    ],
    [MIN.replace("waxs: {poni", "det1: {poni"), "detectors.det1.kind: missing (saxs or waxs)"],
    [
      MIN.replace("{poni: w.poni}", "{poni: w.poni, kind: xrd}"),
      'detectors.waxs.kind: expected saxs | waxs, got "xrd"',
    ],
    [
      `${MIN}bands: [{name: ../x, detector: waxs, q: [1, 2]}]\n`,
      "bands[0].name: expected a name of letters, digits",
    ],
    [
      `${MIN}bands: [{name: "a,b", detector: waxs, q: [1, 2]}]\n`,
      "bands[0].name: expected a name of letters, digits",
    ],
    [MIN.replace("waxs: {poni", "../w: {poni"), "detectors.../w: expected a name of letters, digits"],
    [`${MIN}stack: [other, {region: cathode, phases: [Li2O]}]\n`, 'stack[1].phases[0]: unknown phase "Li2O"'],
    [`${MIN}stack: [other, {region: cathode, phase: [S8]}]\n`, "stack[1]"],
    [`${MIN}workers: -1\n`, "workers: expected worker threads: an integer in 0..256, got -1"],
    [
      MIN.replace("c.mpt}", "c.mpt, timezone: Mars/Olympus}"),
      'echem.timezone: unknown time zone "Mars/Olympus"',
    ],
    [
      MIN.replace("c.mpt}", "c.mpt, timezone: UTC, clock_offset_s: 3}"),
      "echem: give timezone or clock_offset_s, not both",
    ],
    [
      "scan: 3\ndetectors: {waxs: {poni: w.poni}}\n",
      "scan: expected a scan-log file, or {spec: file, x, y, frames, …}, got 3 (and 1 more problem: swaxs config check lists them all)",
    ],
    ["- a\n- b\n", "(top level): expected a map (key: value), got a list"],
    [
      "scan: s.csv\ndetectors:\n  waxs: {poni: w.poni\n",
      "Flow map in block collection must be sufficiently indented and end with a }",
    ],
    [
      MIN.replace("scan: s.csv", "scan: {spec: a.spec, y: samz, frames: {waxs: 'w_{point}.cbf'}}"),
      "scan.x: missing (expected a name)",
    ],
  ])("refuses a bad config with one line naming the key (%#)", (text, msg) => {
    const m = problem(text).replace(/^experiment\.yaml: line \d+: /, "experiment.yaml: ");
    expect(m.startsWith(`experiment.yaml: ${msg}`), m).toBe(true);
    expect(m).not.toContain("\n");
  });

  it.each([
    [
      `${MIN}bands:\n  - {name: a, detector: waxs, q: [1, 2]}\n  - {name: b, detector: waxs, q: [3, 2]}\n`,
      "line 7: bands[1].q: expected [low, high] with low < high",
    ],
    [
      "scan: s.csv\ndetectors:\n  waxs:\n    poni: w.poni\n\n    npt: many\n",
      "line 6: detectors.waxs.npt: expected radial bins",
    ],
    ["scan: s.csv\ndetectors:\n  waxs:\n    npt: 10\n", "line 3: detectors.waxs.poni: missing"],
    [
      `${MIN}stack:\n  - anode\n  - {region: cathode, phases: [Li2O]}\n`,
      'line 7: stack[1].phases[0]: unknown phase "Li2O"',
    ],
    ["detectors:\n  waxs: {poni: w.poni}\n", "scan: missing"],
  ])("names the line of the key at fault (%#)", (text, msg) => {
    expect(problem(text)).toContain(`experiment.yaml: ${msg}`);
  });

  it("a peak's model: amplitudes, shape, base and reflections as stated; base follows the normalisation", () => {
    const both =
      "scan: s.csv\ndetectors:\n  waxs: {poni: w.poni}\n  saxs: {poni: s.poni}\nechem: {file: c.mpt}\n";
    const peak = "{name: a, phase: Li2S, detector: waxs, q: [17, 24], region: cathode";
    const c = parseConfig(
      `${both}normalize: {saxs: {reference: {sod: 30}}}\npeaks:\n  - ${peak}, amplitudes: free, shape: lorentzian, base: none, background: linear, reflections: [[1, 1, 1], [2, 0, 0]]}\n  - {name: b, phase: Li2S, detector: saxs, q: [17, 24], region: cathode}\n`,
      "experiment.yaml",
    );
    expect(c.peaks[0]).toMatchObject({
      amplitudes: "free",
      shape: "lorentzian",
      base: "none",
      background: "linear",
      reflections: [
        [1, 1, 1],
        [2, 0, 0],
      ],
    });
    expect(c.peaks[1]).toMatchObject({
      amplitudes: "auto",
      shape: "fitted",
      base: "reference",
      background: "auto",
    });
    expect(problem(`${MIN}peaks: [${peak}, base: reference}]\n`)).toMatch(
      /line 5: peaks\[0\]\.base: "reference" needs a reference state: set normalize\.waxs/,
    );
    expect(problem(`${MIN}peaks: [${peak}, amplitudes: tied}]\n`)).toMatch(
      /peaks\[0\]\.amplitudes: expected auto \| ratio \| free/,
    );
    expect(problem(`${MIN}peaks: [${peak}, background: cubic}]\n`)).toMatch(
      /peaks\[0\]\.background: expected auto \| quadratic \| linear/,
    );
  });
});
