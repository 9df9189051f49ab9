import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../util/errors.js";
import { logColumn, parseScanLog, readScanLog } from "./log.js";

const HEAD = "time,detector,file,frame,x_mm,y_mm,exposure_s,i0,it";

function problem(text: string): string {
  try {
    parseScanLog(text, "scan.csv");
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error("no error");
}

describe("parseScanLog", () => {
  it("reads an empty frame cell as a single-frame file's frame 0, with a BOM and CRLF line ends", () => {
    const text = `\uFEFF${HEAD}\r\n2024-05-14T08:00:00Z,saxs,a.cbf,,0,0,1,1000,900\r\n2024-05-14T08:00:01Z,saxs,b.cbf,2,0,0.5,1,1000,900\r\n`;
    const log = parseScanLog(text, "/data/scan.csv");
    expect([...log.frame]).toEqual([0, 2]);
    expect(log.detector).toEqual(["saxs", "saxs"]);
    expect(log.i0[1]).toBe(1000);
  });

  it("reads a log a decimal-comma spreadsheet saved (`;` or tabs between fields, commas in numbers) as the comma one", () => {
    const rows = [
      `${HEAD},mon`,
      "2024-05-14T08:00:00.250Z,saxs,a.cbf,0,-0.5,0.355,1.5,98284.5,12.25,7.5",
      "2024-05-14T08:00:01.500Z,saxs,b.cbf,1,0.5,-0.355,1.5,98000,0.5,8",
    ];
    const comma = parseScanLog(rows.join("\n"), "/data/scan.csv");
    for (const sep of [";", "\t"]) {
      // the numbers' points become commas, the fields' commas the separator, as Excel writes it
      const text = rows.map((r) => r.replace(/,/g, sep).replace(/(\d)\.(\d)/g, "$1,$2")).join("\r\n");
      const log = parseScanLog(text, "/data/scan.csv");
      for (const k of ["timeS", "xMm", "yMm", "exposureS", "i0", "it", "frame"] as const)
        expect([...log[k]], `${JSON.stringify(sep)} ${k}`).toEqual([...comma[k]]);
      expect([...logColumn(log, "mon")!]).toEqual([7.5, 8]);
    }
    // in a comma-separated log a decimal comma cannot be told from a separator: refused by the field count
    expect(problem(`${HEAD}\n2024-05-14T08:00:00Z,saxs,a.cbf,0,0,0,1,5,1000,900\n`)).toMatch(
      /10 fields where the header has 9/,
    );
  });

  it("reads the canonical columns in any order, keeps extra ones, resolves files", () => {
    const text = [
      "# written by the beamline",
      "y_mm,x_mm,file,detector,time,frame,exposure_s,i0,it,Temp_C",
      "0.5,-1,frames/w.h5,waxs,2024-05-14T10:00:00+02:00,3,0.5,1000,800,25.1",
      "",
      '0.5,-1,"frames/s 1.cbf",saxs,1715673600.25,0,1,1e3,0,25.2',
      "0.7,-1,frames/w.h5,waxs,2024-05-14T08:00:01.5Z,4,0.5,990,790,25.3",
    ].join("\r\n");
    const log = parseScanLog(text, "/data/exp/scan.csv");
    expect(log.length).toBe(3);
    expect([...log.timeS]).toEqual([1715673600, 1715673600.25, 1715673601.5]);
    expect(log.detector).toEqual(["waxs", "saxs", "waxs"]);
    expect(log.detectors()).toEqual(["waxs", "saxs"]);
    expect(log.file).toEqual(["/data/exp/frames/w.h5", "/data/exp/frames/s 1.cbf", "/data/exp/frames/w.h5"]);
    expect([...log.frame]).toEqual([3, 0, 4]);
    expect([...log.xMm]).toEqual([-1, -1, -1]);
    expect([...log.yMm]).toEqual([0.5, 0.5, 0.7]);
    expect([...log.exposureS]).toEqual([0.5, 1, 0.5]);
    expect([...log.i0]).toEqual([1000, 1000, 990]);
    expect([...log.it]).toEqual([800, 0, 790]);
    expect(log.extra).toEqual({ temp_c: ["25.1", "25.2", "25.3"] });
    expect([...log.line]).toEqual([3, 5, 6]);
  });

  it("lets detectors interleave but not go back in time", () => {
    const ok = `${HEAD}\n10,waxs,a,0,0,0,1,1,1\n5,saxs,b,0,0,0,1,1,1\n10,waxs,a,1,0,0,1,1,1\n`;
    expect(parseScanLog(ok, "scan.csv").length).toBe(3);
    expect(problem(`${ok}9,waxs,a,2,0,0,1,1,1\n`)).toBe(
      "scan.csv: clock goes backwards at line 5 (detector waxs)",
    );
  });

  it.each([
    ["time,detector,file,x_mm,y_mm,exposure_s,i0\n", "scan.csv: missing columns: frame, it"],
    ["time,detector,file,frame,x_mm,y_mm,exposure_s,i0\n", "scan.csv: missing column: it"],
    ["", "scan.csv: empty scan log"],
    [`${HEAD}\n`, "scan.csv: no frames"],
    [`${HEAD},x_mm\n`, 'scan.csv: column "x_mm" appears twice'],
    [
      `${HEAD}\n2024-05-14T08:00:00,waxs,a,0,0,0,1,1,1\n`,
      'scan.csv: line 2: time "2024-05-14T08:00:00" has no time zone',
    ],
    [`${HEAD}\nyesterday,waxs,a,0,0,0,1,1,1\n`, 'scan.csv: line 2: time "yesterday" has no time zone'],
    [
      `${HEAD}\n1,waxs,a,0,0,0,1,1,1\n2,waxs,a,1.5,0,0,1,1,1\n`,
      'scan.csv: line 3: frame "1.5" is not a frame index',
    ],
    [`${HEAD}\n1,waxs,a,0,abc,0,1,1,1\n`, 'scan.csv: line 2: x_mm "abc" is not a number'],
    [`${HEAD}\n1,waxs,a,0,0,,1,1,1\n`, 'scan.csv: line 2: y_mm "" is not a number'],
    [`${HEAD}\n1,waxs,a,0,0,0,0,1,1\n`, 'scan.csv: line 2: exposure_s "0" is not a positive number'],
    [`${HEAD}\n1,waxs,a,0,0,0,1,-1,1\n`, 'scan.csv: line 2: i0 "-1" is not a number ≥ 0'],
    [`${HEAD}\n1,waxs,a,0,0,0,1,1\n`, "scan.csv: line 2: 8 fields where the header has 9"],
    [`${HEAD}\n1,,a,0,0,0,1,1,1\n`, "scan.csv: line 2: empty detector"],
    [`${HEAD}\n1,waxs,,0,0,0,1,1,1\n`, "scan.csv: line 2: empty file"],
  ])("refuses bad input with the line (%#)", (text, msg) => {
    expect(problem(text).startsWith(msg)).toBe(true);
  });
});

describe("readScanLog", () => {
  it("reads a file and names it when missing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "swaxs-scan-"));
    const file = join(dir, "scan.csv");
    writeFileSync(file, `${HEAD}\n0,waxs,f.cbf,0,0,0,1,1,1\n`);
    const log = await readScanLog(file);
    expect(log.file).toEqual([join(dir, "f.cbf")]);
    await expect(readScanLog(join(dir, "none.csv"))).rejects.toThrow(
      `${join(dir, "none.csv")}: no such file`,
    );
  });
});
