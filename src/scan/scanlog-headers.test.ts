/**
 * The scan log from frame headers, on EDF files written by fabio with SPEC-style motor and
 * counter headers and on Pilatus miniCBF files (test/fixtures/frame-headers, make_headers.py),
 * and the header values against fabio's reading of the same files.
 */
import { describe, expect, it } from "vitest";
import { fixturePath } from "../../test/support/fixtures.js";
import { pythonWith, runPython, toolAvailable } from "../../test/support/tools.js";
import { InputError } from "../util/errors.js";
import { headerTime, headerValue, readFrameHeaders } from "./frame-headers.js";
import { expandGlob } from "./glob.js";
import { parseScanLog } from "./log.js";
import { type HeaderScanLogOptions, headerScanLog } from "./scanlog-headers.js";

const DIR = fixturePath("frame-headers");
const T0 = 1715673723.5; // make_headers.py
const O: HeaderScanLogOptions = { x: "samy", y: "samz", i0: "mon", it: "diode", cwd: DIR, relativeTo: DIR };

async function problem(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  expect((err as Error).message).not.toContain("\n");
  return (err as Error).message;
}

describe("headerScanLog", () => {
  it("EDF: one row per frame, in time order, positions and counters from motor_mne/counter_mne, time from time_of_day", async () => {
    const log = await headerScanLog([{ detector: "saxs", files: ["saxs_*.edf"] }], O);
    expect(log.timeFrom).toEqual(["time_of_day"]);
    const back = parseScanLog(log.csv, fixturePath("frame-headers", "scan.csv"));
    // saxs_0003 was taken before saxs_0002
    expect(back.file.map((f) => f.slice(DIR.length + 1))).toEqual([
      "saxs_0001.edf",
      "saxs_0003.edf",
      "saxs_0002.edf",
      "saxs_0004.edf",
    ]);
    expect([...back.timeS]).toEqual([0, 0.6, 1.25, 1.9].map((t) => T0 + t));
    expect([...back.xMm]).toEqual([-0.25, 0, 0.25, 0.5]);
    expect([...back.yMm]).toEqual([1, 1, 1.5, 1.5]);
    expect([...back.i0]).toEqual([1000, 1010, 1020, 1030]);
    expect([...back.it]).toEqual([50.5, 51.5, 52.5, 53.5]);
    expect([...back.exposureS]).toEqual([0.5, 0.5, 0.5, 0.5]);
  });

  it("Pilatus CBF: the date line in the given zone, Exposure_time, plain keys (a unit after the number)", async () => {
    const o = { x: "Start_angle", y: "Flux", cwd: DIR, timezone: "Europe/Paris" };
    const log = await headerScanLog([{ detector: "waxs", files: ["waxs_0000[0-2].cbf"] }], o);
    const back = parseScanLog(log.csv, "/x/scan.csv");
    // 10:11:12.123 CEST
    const at = (s: string) => Date.parse(`2019-05-12T08:11:${s}Z`) / 1000;
    expect([...back.timeS]).toEqual([at("12.123"), at("14.123"), at("16.123")]);
    expect([...back.xMm]).toEqual([0, 0.5, 1]);
    expect([...back.yMm]).toEqual([1.5e12, 1.51e12, 1.52e12]);
    expect([...back.exposureS]).toEqual([1, 1, 1]);
    expect(back.file[0]).toBe(`${DIR}/waxs_00000.cbf`);
  });

  it("bad input: one line naming the frame file", async () => {
    const saxs = [{ detector: "saxs", files: ["saxs_0001.edf"] }];
    expect(await problem(headerScanLog(saxs, { ...O, x: "samq" }))).toMatch(
      /saxs_0001\.edf: --x "samq": its header has no such motor, counter or key \(motors: samx, samy, samz, phi; counters: sec, mon, diode; keys: time_of_day, time, ExposureTime, Title/,
    );
    expect(await problem(headerScanLog(saxs, { ...O, exposure: "Title" }))).toMatch(
      /saxs_0001\.edf: its header: exposure \(Title\) is NaN, not a time > 0/,
    );
    const waxs = [{ detector: "waxs", files: ["waxs_00000.cbf"] }];
    expect(await problem(headerScanLog(waxs, { x: "Flux", y: "Flux", cwd: DIR }))).toMatch(
      /waxs_00000\.cbf: header Date "2019-05-12T10:11:12\.123" is the beamline's local time: give its time zone/,
    );
    expect(await problem(headerScanLog([{ detector: "w", files: ["nope_*.cbf"] }], O))).toBe(
      "nope_*.cbf: matches no file",
    );
    expect(await problem(headerScanLog([{ detector: "a/b", files: ["x"] }], O))).toMatch(
      /detector "a\/b": a detector's name/,
    );
  });

  it("expands globs as a shell does: *, ?, [..] within a component, sorted", () => {
    expect(expandGlob("waxs_0000?.cbf", DIR).map((f) => f.slice(DIR.length + 1))).toEqual([
      "waxs_00000.cbf",
      "waxs_00001.cbf",
      "waxs_00002.cbf",
    ]);
    expect(expandGlob("saxs_000[!13].edf", DIR).map((f) => f.slice(DIR.length + 1))).toEqual([
      "saxs_0002.edf",
      "saxs_0004.edf",
    ]);
  });
});

const py = pythonWith(["fabio"]);

/** fabio's headers of each file, as written. */
const DUMP = `
import json, sys, fabio
out = {}
for path in sys.argv[1:]:
    img = fabio.open(path)
    out[path] = {k: str(v) for k, v in img.header.items()}
print(json.dumps(out))
`;

describe.skipIf(!toolAvailable("python3-fabio", py !== null))("frame headers = fabio", () => {
  it("every motor, counter and time_of_day of the EDF headers; the CBF header lines", async () => {
    const files = [...expandGlob("saxs_*.edf", DIR), ...expandGlob("waxs_*.cbf", DIR)];
    const ref = JSON.parse(runPython(py!, DUMP, files)) as Record<string, Record<string, string>>;
    for (const f of files) {
      const [h] = await readFrameHeaders(f);
      const r = ref[f]!;
      if (f.endsWith(".edf")) {
        const names = [...r["motor_mne"]!.split(" "), ...r["counter_mne"]!.split(" ")];
        const values = [...r["motor_pos"]!.split(" "), ...r["counter_pos"]!.split(" ")].map(Number);
        expect(
          names.map((n) => headerValue(h!.meta, n)),
          f,
        ).toEqual(values);
        expect(headerTime(h!.meta, undefined, f), f).toEqual({
          timeS: Number(r["time_of_day"]),
          from: "time_of_day",
        });
        expect(headerValue(h!.meta, "ExposureTime"), f).toBe(Number(r["ExposureTime"]));
      } else {
        // fabio keeps the miniCBF lines in _array_data.header_contents
        const lines = r["_array_data.header_contents"]!.split(/\r?\n/);
        const flux = lines.find((l) => l.startsWith("# Flux"))!.split(/\s+/)[2]!;
        expect(headerValue(h!.meta, "Flux"), f).toBe(Number(flux));
        expect(h!.meta["Date"], f).toBe(lines[1]!.slice(2));
      }
    }
  });
});
