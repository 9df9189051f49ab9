/**
 * Growing inputs: a scan log and a cycler export written piece by piece, cut mid-line as a
 * writer leaves them between two flushes. The scan-log tail must give, poll by poll, exactly the
 * rows the reader gives for the finished file; the cycler tail must hold the records of the
 * complete lines only, counted and timed from the text itself (a plain split, not the parser).
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { readCycler } from "../echem/index.js";
import { readScanLog, SCAN_COLUMNS, type ScanLog } from "../scan/index.js";
import { CyclerTail } from "./cycler-tail.js";
import { ScanLogTail } from "./scanlog-tail.js";

const FIX = fileURLToPath(new URL("../../test/fixtures/", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "swaxs-live-tails-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function scanRows(n: number): string[] {
  const t0 = Date.UTC(2024, 2, 1, 12, 0, 0);
  return Array.from({ length: n }, (_, i) => {
    const det = i % 2 === 0 ? "saxs" : "waxs";
    const t = new Date(t0 + Math.floor(i / 2) * 2500).toISOString();
    return `${t},${det},frames/${det}_${String(i).padStart(5, "0")}.cbf,,${(i % 5) * 0.1},${Math.floor(i / 10) * 0.2},1,${1000 + i},${500 + i}`;
  });
}

function rowsOf(log: ScanLog) {
  return Array.from({ length: log.length }, (_, r) => ({
    t: log.timeS[r],
    det: log.detector[r],
    file: log.file[r],
    x: log.xMm[r],
    y: log.yMm[r],
    i0: log.i0[r],
    line: log.line[r],
  }));
}

describe("ScanLogTail", () => {
  it("reads only complete lines, and over all polls exactly what the reader reads from the finished log", async () => {
    const path = join(tmp, "scan.csv");
    const lines = ["# written by the beamline", SCAN_COLUMNS.join(","), ...scanRows(23)];
    const text = `${lines.join("\n")}\n`;
    writeFileSync(path, "");
    const tail = new ScanLogTail(path);
    const got: ReturnType<typeof rowsOf> = [];
    // cut points inside the header, inside rows, and at line ends
    const cuts = [10, 60, text.indexOf("\n", 200) + 1, 431, 700, 1299, text.length - 5, text.length];
    let written = 0;
    const counts: number[] = [];
    for (const cut of cuts) {
      appendFileSync(path, text.slice(written, cut));
      written = cut;
      const log = await tail.poll();
      if (log) got.push(...rowsOf(log));
      // rows ready = complete lines after the header (lines 1–2 are comment and header)
      const complete = text.slice(0, cut).split("\n").length - 1;
      counts.push(got.length);
      expect(got.length).toBe(Math.max(0, complete - 2));
    }
    expect(await tail.poll()).toBeNull();
    expect(tail.rows).toBe(23);
    expect(got).toEqual(rowsOf(await readScanLog(path)));
    expect(new Set(counts).size).toBeGreaterThan(4);
  });

  it("reports a bad row and a clock going backwards across polls by their line in the file", async () => {
    const path = join(tmp, "bad.csv");
    const rows = scanRows(6);
    writeFileSync(path, `${SCAN_COLUMNS.join(",")}\n${rows.slice(0, 4).join("\n")}\n`);
    const tail = new ScanLogTail(path);
    expect((await tail.poll())?.length).toBe(4);
    appendFileSync(path, `${rows[0]}\n`); // saxs at the first time again: line 6
    await expect(tail.poll()).rejects.toThrow(/clock goes backwards at line 6 \(detector saxs\)/);

    const bad = join(tmp, "bad2.csv");
    writeFileSync(bad, `${SCAN_COLUMNS.join(",")}\n${rows.slice(0, 2).join("\n")}\n`);
    const t2 = new ScanLogTail(bad);
    await t2.poll();
    appendFileSync(bad, `${rows[2]!.replace(",1,1002", ",-1,1002")}\n`);
    await expect(t2.poll()).rejects.toThrow(/line 4: exposure_s "-1" is not a positive number/);
  });
});

describe("CyclerTail", () => {
  const mpt = readFileSync(join(FIX, "echem/yadg_gcpl.issue_149.mpt"));
  const text = mpt.toString("latin1");
  const lines = text.split("\n");
  const headerLines = Number(/Nb header lines\s*:\s*(\d+)/.exec(text)![1]);
  const timeCol = lines[headerLines - 1]!.split("\t").indexOf("time/s");

  it("an EC-Lab .mpt growing mid-line: records of the complete lines only, and their time span", async () => {
    expect(timeCol).toBeGreaterThan(0);
    const path = join(tmp, "cell.mpt");
    const tail = new CyclerTail(path);
    expect(await tail.poll()).toBeNull(); // not there yet
    const headerEnd = lines.slice(0, headerLines).join("\n").length + 1;
    const cuts = [
      headerEnd - 7,
      headerEnd,
      headerEnd + 1000,
      Math.floor(mpt.length * 0.6),
      mpt.length - 33,
      mpt.length,
    ];
    let last = 0;
    for (const cut of cuts) {
      writeFileSync(path, mpt.subarray(0, cut));
      const snap = await tail.poll();
      const complete = text.slice(0, cut).split("\n").slice(0, -1);
      const data = complete.slice(headerLines).filter((l) => l.trim() !== "");
      if (data.length === 0) {
        expect(snap).toBeNull();
        continue;
      }
      expect(snap).not.toBeNull();
      const t = (l: string) => Number(l.split("\t")[timeCol]!.replace(",", "."));
      expect(snap!.records.n).toBe(data.length);
      expect(snap!.firstS).toBeCloseTo(t(data[0]!), 9);
      expect(snap!.lastS).toBeCloseTo(t(data[data.length - 1]!), 9);
      expect(snap!.lastS).toBeGreaterThanOrEqual(last);
      last = snap!.lastS;
    }
    expect(await tail.poll()).toBeNull(); // unchanged
    // the export ends without a line break: its last record waits for one, then matches the reader
    expect(text.endsWith("\n")).toBe(false);
    appendFileSync(path, "\n");
    const done = await tail.poll();
    const whole = await readCycler(path);
    expect(done!.records.n).toBe(whole.n);
    expect(done!.lastS).toBe(whole.timeS.at(-1));
  });
});
