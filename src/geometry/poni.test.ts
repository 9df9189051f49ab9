import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pythonWith, runPython, toolAvailable } from "../../test/support/tools.js";
import { InputError } from "../util/errors.js";
import { detectorNames, genericDetector, getDetector, withOrientation, withPixelSize } from "./detectors.js";
import {
  beamCentre,
  detectorConfigJson,
  fit2dGeometry,
  formatPoni,
  parsePoni,
  poniKeyValues,
  pyFloatRepr,
  readPoni,
} from "./poni.js";
import type { Calibration, Detector } from "./types.js";

const FIXTURES = fileURLToPath(new URL("../../test/fixtures/poni/", import.meta.url));
const fixture = (name: string): string => join(FIXTURES, name);
const load = (name: string): Calibration => parsePoni(readFileSync(fixture(name), "utf8"), name);

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error("expected an InputError");
}

/** A PONI text from key/value lines (a v2 Pilatus1M by default), for the rule tests. */
function poni(lines: string[]): string {
  return lines.join("\n");
}
const GEOMETRY = [
  "Distance: 1.8",
  "Poni1: 0.09",
  "Poni2: 0.08",
  "Rot1: 0.001",
  "Rot2: -0.002",
  "Rot3: 0.003",
  "Wavelength: 1e-10",
];
const V2_HEAD = ["poni_version: 2", "Detector: Pilatus1M", "Detector_config: {}"];

const nonComment = (text: string): string[] => text.split("\n").filter((l) => l !== "" && !l.startsWith("#"));

describe("parsePoni on real files", () => {
  it("reads ref_saxs.poni (v2, written by pyFAI 0.21.3)", () => {
    const cal = load("ref_saxs.poni");
    expect(cal).toMatchObject({
      distM: 1.8,
      poni1M: 0.09119440000000001,
      poni2M: 0.0809604,
      rot1Rad: 0.0012,
      rot2Rad: -0.0008,
      rot3Rad: 0,
      wavelengthM: 7.749012402075016e-11,
      poniVersion: 2,
    });
    expect(cal.detector).toEqual(getDetector("Pilatus1M"));
    expect(cal.detector.shape).toEqual([1043, 981]);
    expect(cal.detector.orientation).toBe(3);
  });

  it("reads ref_waxs.poni (Pilatus100k)", () => {
    const cal = load("ref_waxs.poni");
    expect(cal).toMatchObject({ distM: 0.114, poni1M: 0.01677, poni2M: -0.13691, rot1Rad: -0.66764 });
    expect(cal).toMatchObject({ rot2Rad: 0.0035, rot3Rad: -0.0021, wavelengthM: 7.749012402075016e-11 });
    expect(cal.detector.name).toBe("Pilatus100k");
    expect(cal.detector.shape).toEqual([195, 487]);
  });

  it("reads Dioptas' CeO2 PONI v1 (pixel sizes only → generic detector, shape from the frame)", () => {
    const cal = load("dioptas_CeO2_Pilatus1M.poni");
    expect(cal.poniVersion).toBe(1);
    expect(cal).toMatchObject({
      distM: 0.208651380603,
      poni1M: 0.0872948482846,
      poni2M: 0.0799601126306,
      rot1Rad: -0.0184422457059,
      rot2Rad: 0.00413760084465,
      rot3Rad: -2.77645988275e-8,
      wavelengthM: 4.066e-11,
    });
    expect(cal.detector).toEqual(genericDetector(0.000172, 0.000172));
    expect(cal.detector.shape).toBeNull();
  });
});

describe("parsePoni on hand-made variants", () => {
  it("v1 with a named detector takes its shape and the file's pixel sizes", () => {
    const cal = load("v1_pilatus2m.poni");
    expect(cal.poniVersion).toBe(1);
    expect(cal.detector.name).toBe("Pilatus2M");
    expect(cal.detector.shape).toEqual([1679, 1475]);
    expect(cal.detector.maskedRowRuns.length).toBe(7);
    expect(cal.distM).toBe(Number("0.31234567890123456")); // 17 digits in the file
    expect(cal.rot3Rad).toBe(1.2e-7);
  });

  it("v1 with a detector alias and no pixel sizes, `dist`, odd spacing and case", () => {
    const cal = load("v1_pilatus300kw_alias.poni");
    expect(cal.detector).toEqual(getDetector("Pilatus300kw"));
    expect(cal).toMatchObject({ distM: 0.25, poni1M: 0.0168, poni2M: 0.1269, wavelengthM: 1e-10 });
  });

  it("v1 with CRLF line ends", () => {
    const cal = load("v1_crlf.poni");
    expect(cal.detector).toEqual(genericDetector(1e-4, 1e-4));
    expect(cal.wavelengthM).toBe(1e-10);
  });

  it("v2 with a generic Detector and its config", () => {
    const cal = load("v2_generic.poni");
    expect(cal.detector).toEqual(genericDetector(7.5e-5, 1e-4, [512, 1024]));
    expect(cal).toMatchObject({ rot1Rad: 0.01, rot2Rad: 0.02, rot3Rad: 0.03, wavelengthM: 1.54e-10 });
  });

  it("v2.1 with an orientation", () => {
    const cal = load("v21_eiger2_orientation.poni");
    expect(cal.poniVersion).toBe(2.1);
    expect(cal.detector).toEqual(withOrientation(getDetector("Eiger2_500k"), 2));
  });

  it("a file of three concatenated blocks: the last value of each key wins", () => {
    const cal = load("multiblock.poni");
    const ref = load("ref_saxs.poni");
    expect(cal).toEqual(ref);
  });

  it.each([
    ["broken_missing_rot2.poni", "Rot2"],
    ["broken_decimal_comma.poni", "Poni1"],
    ["broken_bad_json.poni", "Detector_config"],
    ["broken_version3.poni", "poni_version"],
    ["broken_unknown_detector.poni", "Pilatus 1K"],
  ])("%s → InputError naming the file and %s", (name, key) => {
    const err = inputError(() => load(name));
    expect(err.file).toBe(name);
    expect(err.message.startsWith(`${name}: `)).toBe(true);
    expect(err.message).toContain(key);
  });
});

describe("parsePoni rules (pyFAI's read_from_file)", () => {
  it("skips # lines and lines without ':', splits at the first ':', lower-cases and strips keys", () => {
    const kv = poniKeyValues(
      [
        "# Comment: with a colon",
        "no colon here",
        "",
        '  Detector_Config  :  {"a": "b:c"}  ',
        "KEY:value:with:colons",
        " # not a comment: x",
      ].join("\n"),
    );
    expect([...kv.entries()]).toEqual([
      ["detector_config", '{"a": "b:c"}'],
      ["key", "value:with:colons"],
      ["# not a comment", "x"],
    ]);
  });

  it("lets the last value of a key win and prefers Distance over dist", () => {
    const cal = parsePoni(poni([...V2_HEAD, ...GEOMETRY, "Poni1: 0.5", "dist: 7", "ROT3: 0.25"]), "x.poni");
    expect(cal).toMatchObject({ distM: 1.8, poni1M: 0.5, rot3Rad: 0.25 });
    const noDistance = GEOMETRY.filter((l) => !l.startsWith("Distance"));
    expect(parsePoni(poni([...V2_HEAD, "dist: 7", ...noDistance]), "x.poni").distM).toBe(7);
  });

  it("accepts poni_version 1, 2, 2.0 and 2.1; rejects 3 and garbage", () => {
    const v1 = poni(["poni_version: 1", "PixelSize1: 1e-4", "PixelSize2: 1e-4", ...GEOMETRY]);
    expect(parsePoni(v1, "a").poniVersion).toBe(1);
    expect(parsePoni(poni([...V2_HEAD, ...GEOMETRY]).replace(": 2\n", ": 2.0\n"), "a").poniVersion).toBe(2);
    const v21 = poni(["poni_version: 2.1", "Detector: Pilatus1M", 'Detector_config: {"orientation": 3}']);
    const cal21 = parsePoni(poni([v21, ...GEOMETRY]), "a");
    expect(cal21.poniVersion).toBe(2.1);
    expect(cal21.detector.orientation).toBe(3);
    expect(
      inputError(() => parsePoni(poni([...V2_HEAD, ...GEOMETRY]).replace(": 2\n", ": 3\n"), "f")).message,
    ).toBe("f: poni_version 3 is not supported (known: 1, 2, 2.1)");
    expect(() => parsePoni(poni([...V2_HEAD, ...GEOMETRY]).replace(": 2\n", ": two\n"), "f")).toThrow(
      InputError,
    );
  });

  it("treats an orientation in a v2 Detector_config as v2.1 and a Detector_config without version as v2 (pyFAI ≥2023)", () => {
    const text = poni([
      "poni_version: 2",
      "Detector: Pilatus1M",
      'Detector_config: {"orientation": 1}',
      ...GEOMETRY,
    ]);
    expect(parsePoni(text, "a").poniVersion).toBe(2.1);
    expect(parsePoni(text, "a").detector.orientation).toBe(1);
    const noVersion = poni(["Detector: Pilatus1M", "Detector_config: {}", ...GEOMETRY]);
    expect(parsePoni(noVersion, "a").poniVersion).toBe(2);
  });

  it("parses numbers as Python's float() does, finite only", () => {
    const with_ = (line: string) => parsePoni(poni([...V2_HEAD, ...GEOMETRY, line]), "f");
    expect(with_("Poni1: 1_000.5").poni1M).toBe(1000.5);
    expect(with_("Poni1: .5").poni1M).toBe(0.5);
    expect(with_("Poni1: 5.").poni1M).toBe(5);
    expect(with_("Poni1: -1E-3").poni1M).toBe(-0.001);
    expect(with_("Poni1: +2e+2").poni1M).toBe(200);
    for (const bad of ["nan", "inf", "", "0x10", "1e", "1,5", "1__0", "1e400"]) {
      const err = inputError(() => with_(`Poni1: ${bad}`));
      expect(err.message).toContain("Poni1");
    }
  });

  it("requires the geometry keys and Wavelength", () => {
    for (const key of ["Distance", "Poni1", "Poni2", "Rot1", "Rot2", "Rot3", "Wavelength"]) {
      const lines = GEOMETRY.filter((l) => !l.startsWith(`${key}:`));
      expect(inputError(() => parsePoni(poni([...V2_HEAD, ...lines]), "g.poni")).message).toBe(
        `g.poni: missing key ${key}`,
      );
    }
  });

  it("v1: needs both pixel sizes (or a detector name); rejects spline files", () => {
    expect(inputError(() => parsePoni(poni(GEOMETRY), "v1")).message).toBe("v1: missing key PixelSize1");
    expect(inputError(() => parsePoni(poni(["PixelSize1: 1e-4", ...GEOMETRY]), "v1")).message).toBe(
      "v1: missing key PixelSize2",
    );
    expect(
      inputError(() => parsePoni(poni(["PixelSize1: 1e-4", "PixelSize2: 0", ...GEOMETRY]), "v1")).message,
    ).toContain("PixelSize2");
    const spline = poni([
      "PixelSize1: 1e-4",
      "PixelSize2: 1e-4",
      "SplineFile: /data/frelon.spline",
      ...GEOMETRY,
    ]);
    expect(inputError(() => parsePoni(spline, "v1")).message).toContain("SplineFile");
    const none = poni(["PixelSize1: 1e-4", "PixelSize2: 1e-4", "SplineFile: NONE", ...GEOMETRY]);
    expect(parsePoni(none, "v1").detector.name).toBe("Detector");
    const named = poni(["Detector: Pilatus1M", "PixelSize1: 1.75e-4", "PixelSize2: 1.72e-4", ...GEOMETRY]);
    const det = parsePoni(named, "v1").detector;
    expect([det.name, det.pixel1M, det.pixel2M, det.shape]).toEqual([
      "Pilatus1M",
      1.75e-4,
      1.72e-4,
      [1043, 981],
    ]);
    const binned = poni(["Detector: MAR345", "PixelSize1: 0.00015", "PixelSize2: 0.00015", ...GEOMETRY]);
    const mar = parsePoni(binned, "v1").detector;
    expect([mar.name, mar.pixel1M, mar.shape]).toEqual(["Mar345", 1.5e-4, null]);
    expect(
      parsePoni(poni(["Detector: Detector", "PixelSize1: 1e-4", "PixelSize2: 2e-4", ...GEOMETRY]), "v1")
        .detector,
    ).toEqual(genericDetector(1e-4, 2e-4));
  });

  it("v2: validates Detector and Detector_config", () => {
    const v2 = (det: string, config: string) =>
      parsePoni(
        poni(["poni_version: 2", `Detector: ${det}`, `Detector_config: ${config}`, ...GEOMETRY]),
        "c.poni",
      );
    const msg = (det: string, config: string) => inputError(() => v2(det, config)).message;
    expect(msg("Pilatus1M", "[]")).toContain("Detector_config");
    expect(msg("Pilatus1M", "null")).toContain("Detector_config");
    expect(msg("Pilatus1M", '{"x_offset_file": "dx.edf", "y_offset_file": "dy.edf"}')).toContain(
      "x_offset_file",
    );
    expect(msg("Pilatus1M", '{"colour": 1}')).toContain("colour");
    expect(msg("Pilatus1M", '{"max_shape": [1000, 981]}')).toContain("max_shape");
    expect(msg("Pilatus1M", '{"module_size": [100, 487]}')).toContain("module_size");
    expect(msg("Pilatus1M", '{"orientation": 7}')).toContain("orientation");
    expect(msg("Detector", '{"pixel2": 1e-4}')).toContain("pixel1");
    expect(msg("Detector", '{"pixel1": 1e-4, "pixel2": -1}')).toContain("pixel2");
    expect(msg("Detector", '{"pixel1": 1e-4, "pixel2": 1e-4, "max_shape": [10]}')).toContain("max_shape");
    expect(msg("Detector", '{"pixel1": 1e-4, "pixel2": 1e-4, "splineFile": "a.spline"}')).toContain(
      "splineFile",
    );
    expect(
      inputError(() => parsePoni(poni(["poni_version: 2", "Detector_config: {}", ...GEOMETRY]), "c")).message,
    ).toBe("c: missing key Detector");
    expect(
      inputError(() => parsePoni(poni(["poni_version: 2", "Detector: Pilatus1M", ...GEOMETRY]), "c")).message,
    ).toBe("c: missing key Detector_config");
    // What pyFAI 0.21.3 writes for detectors whose get_config is not empty, and null distortion files.
    expect(
      v2("Jungfrau", '{"pixel1": 7.5e-05, "pixel2": 7.5e-05, "max_shape": [512, 1024]}').detector,
    ).toEqual(getDetector("Jungfrau"));
    expect(
      v2("Pilatus1M", '{"x_offset_file": null, "y_offset_file": null, "sensor": null}').detector,
    ).toEqual(getDetector("Pilatus1M"));
    expect(v2("Detector", '{"pixel1": 1e-4, "pixel2": 2e-4, "max_shape": null}').detector).toEqual(
      genericDetector(1e-4, 2e-4),
    );
  });

  it("readPoni reads a file and reports unreadable ones as InputError", async () => {
    expect(await readPoni(fixture("ref_saxs.poni"))).toEqual(load("ref_saxs.poni"));
    const err = await readPoni(fixture("does-not-exist.poni")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).file).toBe(fixture("does-not-exist.poni"));
  });
});

describe("pyFloatRepr", () => {
  it("formats like Python's repr", () => {
    const cases: [number, string][] = [
      [0, "0.0"],
      [-0, "-0.0"],
      [1.8, "1.8"],
      [1, "1.0"],
      [-3, "-3.0"],
      [0.09119440000000001, "0.09119440000000001"],
      [7.749012402075016e-11, "7.749012402075016e-11"],
      [1e-5, "1e-05"],
      [1.5e-5, "1.5e-05"],
      [0.0001, "0.0001"],
      [0.00012345, "0.00012345"],
      [0.000172, "0.000172"],
      [7.5e-5, "7.5e-05"],
      [123456.789, "123456.789"],
      [1e15, "1000000000000000.0"],
      [1e16, "1e+16"],
      [1.2345e16, "1.2345e+16"],
      [2 ** 53 + 2, "9007199254740994.0"],
      [9999999999999998, "9999999999999998.0"],
      [1e100, "1e+100"],
      [-2.5e-300, "-2.5e-300"],
      [5e-324, "5e-324"],
      [Number.MAX_VALUE, "1.7976931348623157e+308"],
      [Number.NaN, "nan"],
      [Number.POSITIVE_INFINITY, "inf"],
    ];
    for (const [x, s] of cases) expect([x, pyFloatRepr(x)]).toEqual([x, s]);
  });

  it("round-trips every finite double", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(Object.is(Number(pyFloatRepr(x)), x)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });
});

describe("formatPoni", () => {
  it("writes what pyFAI 0.21.3 wrote for the reference files (comments aside)", () => {
    for (const name of ["ref_saxs.poni", "ref_waxs.poni"]) {
      const text = readFileSync(fixture(name), "utf8");
      expect(nonComment(formatPoni(parsePoni(text, name)))).toEqual(nonComment(text));
    }
  });

  it("writes a generic Detector's config, v2.1 orientations, and non-default pixel sizes", () => {
    expect(detectorConfigJson(genericDetector(7.5e-5, 1e-4, [512, 1024]), false)).toBe(
      '{"pixel1": 7.5e-05, "pixel2": 0.0001, "max_shape": [512, 1024]}',
    );
    expect(detectorConfigJson(genericDetector(1e-4, 1e-4), false)).toBe(
      '{"pixel1": 0.0001, "pixel2": 0.0001, "max_shape": null}',
    );
    const cal = load("v21_eiger2_orientation.poni");
    const text = formatPoni(cal, { comments: ["hello"] });
    expect(text).toContain("# hello\n");
    expect(nonComment(text).slice(0, 3)).toEqual([
      "poni_version: 2.1",
      "Detector: Eiger2_500k",
      'Detector_config: {"orientation": 2}',
    ]);
    const odd = { ...getDetector("Pilatus1M"), pixel1M: 1.75e-4 };
    expect(detectorConfigJson(odd, false)).toBe('{"pixel1": 0.000175, "pixel2": 0.000172}');
    const legacy0 = formatPoni({ ...cal, detector: withOrientation(cal.detector, 0) });
    expect(nonComment(legacy0).slice(0, 3)).toEqual([
      "poni_version: 2",
      "Detector: Eiger2_500k",
      "Detector_config: {}",
    ]);
    expect(() => formatPoni({ ...cal, distM: Number.NaN })).toThrow(InputError);
  });

  it("round-trips exactly through parsePoni (property)", () => {
    fc.assert(
      fc.property(arbCalibration(), (cal) => {
        expect(parsePoni(formatPoni(cal), "rt.poni")).toEqual(expectedAfterRoundTrip(cal));
      }),
      { numRuns: 500 },
    );
  });
});

describe("fit2dGeometry / beamCentre", () => {
  it("gives the SAXS reference beam centre (pyfai.md §1.3)", () => {
    const f = beamCentre(load("ref_saxs.poni"));
    expect(f.centerXPx).toBeCloseTo(458.14, 2);
    expect(f.centerYPx).toBeCloseTo(521.83, 2);
    const rot1 = 0.0012;
    const rot2 = -0.0008;
    expect(f.tiltDeg).toBeCloseTo((Math.acos(Math.cos(rot1) * Math.cos(rot2)) * 180) / Math.PI, 12);
    expect(f.centerXPx).toBeCloseTo((0.0809604 - 1.8 * Math.tan(rot1)) / 0.000172, 9);
    expect(f.centerYPx).toBeCloseTo(
      (0.09119440000000001 + (1.8 * Math.tan(rot2)) / Math.cos(rot1)) / 0.000172,
      9,
    );
    expect(f.directDistMm).toBeCloseTo(1800 / (Math.cos(rot1) * Math.cos(rot2)), 9);
  });

  it("is the PONI itself without tilt", () => {
    const g = {
      distM: 0.2,
      poni1M: 0.01,
      poni2M: 0.02,
      rot1Rad: 0,
      rot2Rad: 0,
      rot3Rad: 0.3,
      wavelengthM: 1e-10,
    };
    expect(fit2dGeometry(g, 1e-4, 2e-4)).toEqual({
      directDistMm: 200,
      centerXPx: 100,
      centerYPx: 100,
      tiltDeg: 0,
      tiltPlanRotationDeg: 0,
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Generators for the property tests

const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
const positive = fc.double({ min: Number.MIN_VALUE, max: 1e10, noNaN: true });
const orientation = fc.constantFrom<Detector["orientation"]>(0, 1, 2, 3, 4);

/**
 * `binnable = false` leaves out odd pixel sizes for the detectors whose shape pyFAI derives from the
 * pixel size (binning: Rayonix*, Mar345, Perkin): we take their shape from the frame instead.
 */
function arbDetector(binnable = true): fc.Arbitrary<Detector> {
  const catalogue = fc
    .tuple(fc.constantFrom(...detectorNames()), orientation, fc.option(fc.tuple(positive, positive)))
    .filter(([name, , pixels]) => binnable || pixels === null || !/^(Rayonix|Perkin|Mar345)/.test(name))
    .map(([name, o, pixels]) => {
      const det = withOrientation(getDetector(name), o);
      return pixels ? withPixelSize(det, pixels[0], pixels[1]) : det;
    });
  const generic = fc
    .tuple(
      positive,
      positive,
      fc.option(fc.tuple(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 100_000 }))),
      orientation,
    )
    .map(([p1, p2, shape, o]) => withOrientation(genericDetector(p1, p2, shape ?? undefined), o));
  return fc.oneof(catalogue, generic);
}

function arbCalibration(geometry = finite, binnable = true): fc.Arbitrary<Calibration> {
  return fc
    .record({
      distM: geometry,
      poni1M: geometry,
      poni2M: geometry,
      rot1Rad: geometry,
      rot2Rad: geometry,
      rot3Rad: geometry,
      wavelengthM: geometry,
      detector: arbDetector(binnable),
    })
    .map((r) => ({ ...r, poniVersion: r.detector.orientation % 3 === 0 ? 2 : 2.1 }));
}

/** What parsePoni(formatPoni(cal)) must give: the same, with orientation 0 read back as 3 (both legacy). */
function expectedAfterRoundTrip(cal: Calibration): Calibration {
  const o = cal.detector.orientation === 0 ? 3 : cal.detector.orientation;
  return { ...cal, detector: { ...cal.detector, orientation: o } };
}

// ---------------------------------------------------------------------------------------------
// Cross-checks against pyFAI 0.21.3 (Debian python3-pyfai); it cannot read v2.1.

const PY = pythonWith(["pyFAI"]);
const PY_LOAD = `
import sys, json, logging, math
logging.disable(logging.CRITICAL)
import pyFAI
out = []
for path in sys.argv[1:]:
    try:
        ai = pyFAI.load(path)
    except Exception as err:
        out.append({"error": type(err).__name__})
        continue
    d = ai.detector
    f = ai.getFit2D()
    out.append({
        "geom": [repr(float(v)) for v in (ai.dist, ai.poni1, ai.poni2, ai.rot1, ai.rot2, ai.rot3, ai.wavelength)],
        "pixel": [repr(float(d.pixel1)), repr(float(d.pixel2))],
        "name": type(d).__name__,
        "shape": list(d.shape) if d.shape is not None else None,
        "fit2d": [v if math.isfinite(v) else None for v in
                  (f["directDist"], f["centerX"], f["centerY"], f["tilt"], f["tiltPlanRotation"])],
    })
print(json.dumps(out))
`;

interface PyLoaded {
  error?: string;
  geom: string[];
  pixel: string[];
  name: string;
  shape: [number, number] | null;
  fit2d: (number | null)[];
}

function pyLoad(paths: string[]): PyLoaded[] {
  return JSON.parse(runPython(PY!, PY_LOAD, paths)) as PyLoaded[];
}

function ours(cal: Calibration) {
  const det = cal.detector;
  const geom = [cal.distM, cal.poni1M, cal.poni2M, cal.rot1Rad, cal.rot2Rad, cal.rot3Rad, cal.wavelengthM];
  return {
    geom: geom.map(pyFloatRepr),
    pixel: [pyFloatRepr(det.pixel1M), pyFloatRepr(det.pixel2M)],
    name: det.name,
    shape: det.shape,
  };
}

function expectFit2dClose(a: (number | null)[], cal: Calibration): void {
  const f = beamCentre(cal);
  const b = [f.directDistMm, f.centerXPx, f.centerYPx, f.tiltDeg, f.tiltPlanRotationDeg];
  for (let i = 0; i < 5; i++) {
    const ai = a[i];
    expect(ai, "pyFAI's getFit2D is finite").not.toBeNull();
    expect(Math.abs(ai! - b[i]!)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(ai!)));
  }
}

describe.skipIf(!toolAvailable("pyFAI (python3-pyfai)", PY !== null))("cross-check with pyFAI", () => {
  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "poni-xcheck-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("our parse of the v1/v2 fixtures equals pyFAI's", () => {
    const names = [
      "ref_saxs.poni",
      "ref_waxs.poni",
      "dioptas_CeO2_Pilatus1M.poni",
      "v1_pilatus2m.poni",
      "v1_pilatus300kw_alias.poni",
      "v1_crlf.poni",
      "v2_generic.poni",
      "multiblock.poni",
    ];
    const py = pyLoad(names.map(fixture));
    names.forEach((name, i) => {
      const cal = load(name);
      const { error, fit2d, ...rest } = py[i]!;
      expect(error, name).toBeUndefined();
      expect(rest, name).toEqual(ours(cal));
      expectFit2dClose(fit2d, cal);
    });
  });

  it("pyFAI also rejects the broken fixtures we reject (except a missing key, which it sets to 0)", () => {
    const names = ["broken_decimal_comma.poni", "broken_bad_json.poni", "broken_version3.poni"];
    const py = pyLoad([...names, "broken_unknown_detector.poni"].map(fixture));
    for (const r of py) expect(r.error).toBeDefined();
  });

  it("pyFAI.load of PONI files we wrote gives the same geometry, pixel sizes and detector", () => {
    const sane = fc.double({ min: -10, max: 10, noNaN: true });
    const cals = fc
      .sample(arbCalibration(sane, false), { numRuns: 100, seed: 20_260_129 })
      .map((c) => ({ ...c, detector: withOrientation(c.detector, 3), poniVersion: 2 }));
    cals.push(load("ref_saxs.poni"), load("dioptas_CeO2_Pilatus1M.poni"), load("v2_generic.poni"));
    const paths = cals.map((cal, i) => {
      const path = join(dir, `w${i}.poni`);
      writeFileSync(path, formatPoni(cal));
      return path;
    });
    const py = pyLoad(paths);
    cals.forEach((cal, i) => {
      const { error, fit2d: _fit2d, ...rest } = py[i]!;
      expect(error, paths[i]).toBeUndefined();
      const expected = ours(cal);
      expect(rest, readFileSync(paths[i]!, "utf8")).toEqual(expected);
    });
  });

  it("pyFloatRepr equals Python's repr", () => {
    const xs = fc.sample(fc.double({ noNaN: true, noDefaultInfinity: true }), { numRuns: 3000, seed: 7 });
    xs.push(1e16, 1e-5, 1e-4, 9999999999999998, 0.1 + 0.2, -0);
    const path = join(dir, "floats.json");
    writeFileSync(path, JSON.stringify(xs.map((x) => (Object.is(x, -0) ? "-0.0" : String(x)))));
    const py = JSON.parse(
      runPython(
        PY!,
        "import sys, json\nprint(json.dumps([repr(float(s)) for s in json.load(open(sys.argv[1]))]))",
        [path],
      ),
    ) as string[];
    expect(xs.map(pyFloatRepr)).toEqual(py);
  });
});
