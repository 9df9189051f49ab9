import { describe, expect, it } from "vitest";
import {
  coerce,
  isBookkeepingKey,
  parseNumber,
  parsePilatusHeader,
  parseWithUnit,
  pilatusHeaderLines,
  tidy,
} from "./metadata.js";

describe("numbers and units", () => {
  it("parseNumber takes whole decimal numbers only", () => {
    expect(parseNumber(" 1.5e-3 ")).toBe(0.0015);
    expect(parseNumber("-.5")).toBe(-0.5);
    expect(parseNumber("0x10")).toBeNull();
    expect(parseNumber("1.0 s")).toBeNull();
    expect(parseNumber("")).toBeNull();
    expect(coerce(" 42 ")).toBe(42);
    expect(coerce(" low gain ")).toBe("low gain");
  });

  it("parseWithUnit scales on the decimal string (no binary noise)", () => {
    expect(parseWithUnit("0.4066 A")).toBe(4.066e-11);
    expect(parseWithUnit("172e-6 m")).toBe(172e-6);
    expect(parseWithUnit("75 um")).toBe(75e-6);
    expect(parseWithUnit("200 mm")).toBe(0.2);
    expect(parseWithUnit("3.0000000 s")).toBe(3);
    expect(parseWithUnit("0.5", "s")).toBe(0.5);
    expect(parseWithUnit("12 keV")).toBe(12000);
    expect(parseWithUnit("0.0000 deg.")).toBeNull();
    expect(parseWithUnit("fast")).toBeNull();
    expect(tidy(4.066e-11 * 1e10)).toBe("0.4066");
  });
});

describe("Pilatus header", () => {
  const header = [
    "# Detector: PILATUS 1M, 1-0001",
    "# 2014-10-24T16:33:09.123",
    "# Pixel_size 75e-6 m x 172e-6 m",
    "# Silicon sensor, thickness 0.000450 m",
    "# Exposure_time 0.5 s",
    "# Tau = 124.0e-09 s",
    "# Wavelength 1.0332 A",
    "# Detector_distance 0.2 m",
    "# Beam_xy (498.18, 515.77) pixels",
    "# N_oscillations 1",
    "not a header line",
  ].join("\r\n");

  it("keeps raw values and adds SI keys (Pixel_size: x = fast = pixel2 first)", () => {
    expect(parsePilatusHeader(header)).toEqual({
      Detector: "PILATUS 1M, 1-0001",
      Date: "2014-10-24T16:33:09.123",
      Pixel_size: "75e-6 m x 172e-6 m",
      pixel2M: 75e-6,
      pixel1M: 172e-6,
      Sensor: "Silicon sensor, thickness 0.000450 m",
      sensorThicknessM: 0.00045,
      Exposure_time: "0.5 s",
      exposureTimeS: 0.5,
      Tau: "124.0e-09 s",
      Wavelength: "1.0332 A",
      wavelengthM: 1.0332e-10,
      Detector_distance: "0.2 m",
      distanceM: 0.2,
      Beam_xy: "(498.18, 515.77) pixels",
      beamXPx: 498.18,
      beamYPx: 515.77,
      N_oscillations: 1,
    });
  });

  it("writes back lines that parse to the same values", () => {
    const meta = parsePilatusHeader(header);
    const again = parsePilatusHeader(pilatusHeaderLines(meta).join("\n"));
    expect(again).toMatchObject({
      pixel1M: 172e-6,
      pixel2M: 75e-6,
      exposureTimeS: 0.5,
      wavelengthM: 1.0332e-10,
      distanceM: 0.2,
      beamXPx: 498.18,
      beamYPx: 515.77,
      Tau: "124.0e-09 s",
      Detector: "PILATUS 1M, 1-0001",
      Date: "2014-10-24T16:33:09.123",
      Sensor: "Silicon sensor, thickness 0.000450 m",
    });
    // every line has at least two words (fabio's parser indexes the second one)
    for (const line of pilatusHeaderLines(meta))
      expect(line.split(/[\s():=,#]+/).filter(Boolean).length).toBeGreaterThan(1);
  });

  it("leaves out bookkeeping and empty values", () => {
    const lines = pilatusHeaderLines({
      "X-Binary-Size": 3,
      "_array_data.data": "x",
      Dim_1: 4,
      Empty: " ",
      Ok: 1,
    });
    expect(lines).toEqual(["# Ok 1"]);
    expect(isBookkeepingKey("content-md5")).toBe(true);
    expect(isBookkeepingKey("Exposure_time")).toBe(false);
  });
});
