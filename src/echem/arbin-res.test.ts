/**
 * Arbin .res reader (mdb-reader), checked row by row against Debian's mdbtools (`mdb-export`), an
 * independent reader of Access databases, on cellpy's 20210210_FC_01_cc_01.res (see
 * test/fixtures/README.md). Skipped with a message where mdbtools is missing; a failure under CI=true.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectInputErrorSync as expectInputError } from "../../test/support/errors.js";
import { readFixture } from "../../test/support/fixtures.js";
import { toolAvailable } from "../../test/support/tools.js";
import { loadArbinRes, parseArbinRes } from "./arbin-res.js";
import { counterIncrements, cumulative, intervalCharge } from "./csv-text.js";
import { parseCycler } from "./read.js";
import { sniffCyclerFormat } from "./sniff.js";

const NAME = "cellpy_20210210_FC_01_cc_01.res.gz";
const res = new Uint8Array(readFixture("echem", NAME));
const dir = mkdtempSync(join(tmpdir(), "swaxs-res-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// mdb-reader is loaded on first need (readCycler does it); the parser alone says so when it was not
beforeAll(() => loadArbinRes());

const hasMdbtools = spawnSync("mdb-export", ["--version"]).status === 0;

/** mdb-export's CSV of one table (no quoted commas in the numeric tables read here). */
function mdbExport(table: string): Record<string, string>[] {
  const path = join(dir, "file.res");
  writeFileSync(path, res);
  const r = spawnSync("mdb-export", [path, table], { encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`mdb-export failed: ${r.stderr}`);
  const lines = r.stdout.trim().split("\n");
  const header = lines[0]!.split(",");
  return lines.slice(1).map((l) => {
    const f = l.split(",");
    return Object.fromEntries(header.map((h, i) => [h, f[i] ?? ""]));
  });
}

/** mdb-export prints a Single with 8 significant digits and a Double with up to 17. */
const close = (ours: number, ref: number, rel: number) => Math.abs(ours - ref) <= rel * Math.abs(ref) + 1e-12;

describe("Arbin .res", () => {
  it("reads through the dispatch: 7218 records, start from Global_Table", () => {
    expect(sniffCyclerFormat(res)).toBe("arbin-res");
    const rec = parseCycler(res, NAME);
    expect(rec.format).toBe("arbin-res");
    expect(rec.n).toBe(7218);
    expect(rec.metadata["Test_Name"]).toBe("20210210_batmar_FC_01_cc_01-01-032");
    // Start_DateTime 44326.42685185185 days since 1899-12-30 = 2021-05-10 10:14:40 local.
    expect(rec.startLocal).toBe("2021-05-10T10:14:40");
    expect(rec.unixTimeS).toBeNull();
  });

  it("every record equals mdb-export's Channel_Normal_Table (mdbtools)", (ctx) => {
    if (!toolAvailable("mdbtools (mdb-export)", hasMdbtools)) return ctx.skip();
    const rows = mdbExport("Channel_Normal_Table").sort(
      (a, b) => Number(a["Data_Point"]) - Number(b["Data_Point"]),
    );
    const rec = parseArbinRes(res, NAME);
    expect(rec.n).toBe(rows.length);
    const bad: string[] = [];
    const num = (i: number, k: string) => Number(rows[i]![k]);
    for (let i = 0; i < rec.n; i++) {
      const row = (what: string, ours: unknown, theirs: unknown) =>
        bad.push(`row ${i + 1} ${what}: ${ours} vs ${theirs}`);
      if (!close(rec.timeS[i]!, num(i, "Test_Time"), 1e-14))
        row("Test_Time", rec.timeS[i], rows[i]!["Test_Time"]);
      if (!close(rec.currentMA[i]!, 1000 * num(i, "Current"), 1e-7))
        row("Current", rec.currentMA[i], rows[i]!["Current"]);
      if (!close(rec.eweV[i]!, num(i, "Voltage"), 1e-7)) row("Voltage", rec.eweV[i], rows[i]!["Voltage"]);
      if (rec.step![i] !== num(i, "Step_Index")) row("Step_Index", rec.step![i], rows[i]!["Step_Index"]);
      if (rec.cycle![i] !== num(i, "Cycle_Index")) row("Cycle_Index", rec.cycle![i], rows[i]!["Cycle_Index"]);
    }
    expect(bad.slice(0, 10)).toEqual([]);
    // Net charge: the export's counters [Ah] turned into increments as for the CSV exports.
    const t = rec.timeS;
    const chg = rows.map((_, i) => 1000 * num(i, "Charge_Capacity"));
    const dchg = rows.map((_, i) => 1000 * num(i, "Discharge_Capacity"));
    const incC = counterIncrements(chg, rec.step, intervalCharge(t, rec.currentMA, 1));
    const incD = counterIncrements(dchg, rec.step, intervalCharge(t, rec.currentMA, -1));
    const net = cumulative(incC.map((v, i) => v - incD[i]!));
    for (let i = 0; i < rec.n; i++) expect(rec.chargeMAh![i]).toBeCloseTo(net[i]!, 9);
    // The run charges and discharges: the net charge moves both ways.
    expect(Math.max(...rec.chargeMAh!)).toBeGreaterThan(0.1);
  });

  it("the start time equals mdb-export's Global_Table Start_DateTime", (ctx) => {
    if (!toolAvailable("mdbtools (mdb-export)", hasMdbtools)) return ctx.skip();
    const [g] = mdbExport("Global_Table");
    const ms = (Number(g!["Start_DateTime"]) - 25569) * 86_400_000;
    expect(parseArbinRes(res, NAME).startLocal).toBe(new Date(Math.round(ms)).toISOString().slice(0, 19));
  });

  it("refuses a truncated or damaged database with one line naming the file", () => {
    expectInputError(() => parseArbinRes(res.subarray(0, 100_000), "cut.res"), "cut.res", /Arbin \.res/);
    expectInputError(() => parseArbinRes(res.subarray(0, 10), "tiny.res"), "tiny.res", /not an Arbin \.res/);
    const wiped = res.slice();
    wiped.fill(0, 4096, 4096 * 8);
    expectInputError(() => parseArbinRes(wiped, "wiped.res"), "wiped.res", /Arbin \.res|Access/);
  });
});
