import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fixturePath } from "../../test/support/fixtures.js";
import { InputError } from "../util/errors.js";
import { parseScanLog } from "./log.js";
import { type SpecScanLogOptions, specScanLog } from "./scanlog-spec.js";
import { parseSpec, readSpecFile } from "./spec.js";

const OPERANDO = fixturePath("spec", "operando.spec");
const operando = parseSpec(readFileSync(OPERANDO, "utf8"), OPERANDO);
const BASE: SpecScanLogOptions = {
  x: "samx",
  y: "samy",
  i0: "Monitor",
  frames: ["saxs=saxs/s{scan:03d}_{point:05d}.cbf"],
};

/** The one-line message of the InputError `f` raises. */
function problem(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).not.toContain("\n");
    return (err as Error).message;
  }
  throw new Error("no error");
}

/** A SPEC file without an Epoch column: times from #D and the counting time. */
const NO_EPOCH = `#F lab.spec
#O0 samx  samy
#S 1  ascan  samx 0 1 2 1
#D Sun Mar 31 01:59:58 2024
#T 1  (Seconds)
#P0 0 5
#L samx  Seconds  Detector
0 1.5 10
0.5 1.5 11
1 1.5 12

#S 2  ascan  samx 0 1 1 2
#D Sun Mar 31 03:00:10 2024
#T 2  (Seconds)
#P0 0 5
#L samx  Detector
0 13
1 14
`;

describe("specScanLog", () => {
  it("writes one row per point and detector that parseScanLog reads back with the same values", () => {
    const log = specScanLog(operando, {
      ...BASE,
      it: "Detector",
      scans: "1,3.1",
      frames: ["saxs=saxs/s{scan:03d}_{point:05d}.cbf", "waxs=waxs/i{index:04d}.tif"],
    });
    expect(log.scans).toEqual(["1.1", "3.1"]);
    expect(log.rows).toBe(2 * 5);
    const back = parseScanLog(log.csv, "/exp/scan.csv");
    expect(back.length).toBe(10);
    const E = 1710406800;
    const times = [123.5, 125.01, 126.52, 300, 301.5].flatMap((t) => [E + t, E + t]);
    expect([...back.timeS]).toEqual(times.map((t) => Math.round(t * 1000) / 1000));
    expect(log.csv.split("\n")[1]).toBe(
      "2024-03-14T09:02:03.500Z,saxs,saxs/s001_00000.cbf,0,-0.5,-3.25,1,1000,50",
    );
    expect(back.file.slice(0, 4)).toEqual([
      "/exp/saxs/s001_00000.cbf",
      "/exp/waxs/i0000.tif",
      "/exp/saxs/s001_00001.cbf",
      "/exp/waxs/i0001.tif",
    ]);
    expect(back.file[9]).toBe("/exp/waxs/i0004.tif");
    // x: the scanned column in 1.1, the #P motor (held) in 3.x; y the other way round
    expect([...back.xMm].filter((_, i) => i % 2 === 0)).toEqual([-0.5, 0, 0.5, 0.25, 0.25]);
    expect([...back.yMm].filter((_, i) => i % 2 === 0)).toEqual([-3.25, -3.25, -3.25, -3.5, -3.45]);
    expect([...back.i0].filter((_, i) => i % 2 === 0)).toEqual([1000, 1010, 990, 1000, 1000]);
    expect([...back.exposureS].every((e) => e === 1)).toBe(true);
    expect(back.detectors()).toEqual(["saxs", "waxs"]);
  });

  it("skips scans without data, numbers frames within one file per scan, scales positions", () => {
    const log = specScanLog(operando, {
      ...BASE,
      x: "sx", // a mnemonic: the #P position, as it is not a column
      scans: "2,4",
      frames: ["eiger=eiger/scan{scan}.h5"],
      xScale: 1000,
      exposure: "Seconds",
    });
    expect(log.scans).toEqual(["2.1"]);
    expect(log.empty).toEqual(["4.1"]);
    const back = parseScanLog(log.csv, "/exp/scan.csv");
    expect([...back.frame]).toEqual([0, 1, 2]);
    expect(new Set(back.file)).toEqual(new Set(["/exp/eiger/scan2.h5"]));
    expect([...back.xMm]).toEqual([250, 250, 250]);
    expect([...back.exposureS]).toEqual([0.5, 0.5, 0.5]);
    expect([...back.it]).toEqual([0, 0, 0]); // no --it
  });

  it("without an Epoch column: #D in the stated zone (across a DST change) plus the counting times", () => {
    const spec = parseSpec(NO_EPOCH, "lab.spec");
    const o = { x: "samx", y: "samy", frames: ["d=f{index}.cbf"], timezone: "Europe/Paris" };
    const back = parseScanLog(specScanLog(spec, o).csv, "/x/scan.csv");
    const t1 = Date.UTC(2024, 2, 31, 0, 59, 58) / 1000; // CET, +01:00
    const t2 = Date.UTC(2024, 2, 31, 1, 0, 10) / 1000; // CEST, +02:00
    // scan 1: the Seconds column; scan 2: #T
    expect([...back.timeS]).toEqual([t1, t1 + 1.5, t1 + 3, t2, t2 + 2]);
    expect([...back.exposureS]).toEqual([1, 1, 1, 2, 2]);
    const fixed = parseScanLog(specScanLog(spec, { ...o, timezone: "+01:00" }).csv, "/x/scan.csv");
    expect(fixed.timeS[3]).toBe(t2 + 3600);
    expect(problem(() => specScanLog(spec, { ...o, timezone: undefined }))).toMatch(
      /^lab\.spec: scan 1\.1 has no Epoch column: .*--timezone/,
    );
    expect(problem(() => specScanLog(spec, { ...o, timezone: "Mars/Olympus" }))).toMatch(
      /^lab\.spec: .*unknown time zone "Mars\/Olympus"/,
    );
  });

  it("on a real file (twoc.dat): times from #E + Epoch agree with #D in Europe/Paris", async () => {
    const spec = await readSpecFile(fixturePath("spec", "twoc.dat"));
    const o = { x: "igrec", y: "zet", i0: "ringc", frames: ["d=twoc_{index:03d}.edf"] };
    const log = specScanLog(spec, { ...o, scans: "1,2.1" });
    expect(log.rows).toBe(21 + 33);
    const back = parseScanLog(log.csv, "/x/scan.csv");
    expect(back.timeS[0]).toBeCloseTo(1632386243 + 615.563, 3);
    // #D of scan 1 is 10:47:02 CEST; the first point counted 36.6 s later (after the first move)
    const dUtc = Date.UTC(2021, 8, 23, 8, 47, 2) / 1000;
    expect(back.timeS[0]! - dUtc).toBeGreaterThan(0);
    expect(back.timeS[0]! - dUtc).toBeLessThan(60);
    expect(back.exposureS[0]).toBe(2);
    // scan 2.2 repeats 2.1's times: refused, since a scan log cannot go back
    expect(problem(() => specScanLog(spec, o))).toMatch(
      /scan 2\.2 point 0 \(2021-09-23T08:49:59\.587Z\) is earlier than scan 2\.1 point 32 .*--scan/,
    );
  });

  it("refuses bad names, scans and patterns in one line naming the SPEC file", () => {
    const run = (o: Partial<SpecScanLogOptions>) => () => specScanLog(operando, { ...BASE, ...o });
    const f = OPERANDO;
    expect(problem(run({ x: "samz" }))).toBe(
      `${f}: --x "samz": scan 1.1 has no such column or motor (columns: samx, Epoch, Seconds, Two Theta, Monitor, Detector; motors: Two Theta, samx, samy, Sample Rot, slit gap, att)`,
    );
    expect(problem(run({ it: "Detector" }))).toMatch(
      /--it "Detector": scan 2\.1 has no such column \(columns: Time,/,
    );
    expect(problem(run({ scans: "9" }))).toBe(
      `${f}: --scan: no scan 9 in the file (it has 1.1, 2.1, 3.1, 4.1, 3.2)`,
    );
    expect(problem(run({ scans: "3.3" }))).toMatch(/--scan: no scan 3\.3/);
    expect(problem(run({ scans: "4" }))).toBe(`${f}: no data points in scan 4.1`);
    expect(problem(run({ scans: "1;2" }))).toMatch(/--scan: cannot read "1;2"/);
    expect(problem(run({ frames: ["saxs=s{pont}.cbf"] }))).toBe(
      `${f}: --frames "saxs=s{pont}.cbf": unknown placeholder {pont} (use {scan}, {point}, {index})`,
    );
    expect(problem(run({ frames: ["saxs=s{point:x}.cbf"] }))).toMatch(
      /unsupported format "x" in \{point:x\}/,
    );
    expect(problem(run({ frames: ["saxs=s{point.cbf"] }))).toMatch(/"\{" at character 2 is not closed/);
    expect(problem(run({ frames: ["s}.cbf"] }))).toMatch(/expected DET=PATTERN/);
    expect(problem(run({ frames: ["a=x{index}", "a=y{index}"] }))).toMatch(/detector a is given twice/);
    expect(problem(run({ frames: ["a=x,{index}"] }))).toMatch(/cannot hold a comma/);
    expect(problem(run({ frames: [] }))).toMatch(/no --frames/);
    // {point} without {scan}: the second scan would name the first one's files again
    expect(problem(run({ frames: ["saxs=p{point}.cbf"] }))).toMatch(
      /--frames saxs: the pattern names "p0.cbf" for scan 1\.1 point 0 and for scan 2\.1 point 0/,
    );
    // a repeated scan number: {scan} alone does not tell 3.1 from 3.2
    expect(problem(run({ scans: "3" }))).toMatch(
      /names "saxs\/s003_00000\.cbf" for scan 3\.1 point 0 and for scan 3\.2/,
    );
    expect(problem(run({ exposure: "0" }))).toMatch(/--exposure 0: seconds must be > 0/);
    expect(problem(run({ i0: "Two Theta", it: "samx", scans: "1" }))).toBe(
      `${f}: scan 1.1 point 0: it (samx) is -0.5, not a count ≥ 0`,
    );
  });

  it("formats placeholders as Python does: zero or space padding, literal braces", () => {
    const log = specScanLog(operando, {
      ...BASE,
      scans: "1",
      frames: ["d={{x}}_{scan:4}_{point:03}_{index:d}"],
    });
    expect(parseScanLog(log.csv, "/x/s.csv").file[2]).toBe("/x/{x}_   1_002_2");
  });
});
