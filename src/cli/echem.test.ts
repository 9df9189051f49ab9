import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { swaxs } from "../../test/support/cli.js";
import { fixturePath } from "../../test/support/fixtures.js";

const tmp = mkdtempSync(join(tmpdir(), "swaxs-echem-"));
const fx = (name: string) => fixturePath("echem", name);

function summary(...args: string[]) {
  const r = swaxs("echem", ...args, "--json");
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe("swaxs echem on real cycler files", () => {
  it("the EC-Lab .mpr and its .mpt export give the same records, start and half-cycles", () => {
    const mpr = summary(fx("yadg_gcpl.issue_149.mpr"), "--timezone", "Europe/Paris");
    const mpt = summary(fx("yadg_gcpl.issue_149.mpt"), "--timezone", "Europe/Paris");
    expect(mpr.format).toBe("biologic-mpr");
    expect(mpt.format).toBe("biologic-mpt");
    expect(mpr.records).toBe(132);
    expect(mpt.records).toBe(132);
    expect(mpr.start_local).toBe("2024-01-10T11:02:29.886");
    expect(mpr.start_utc).toBe("2024-01-10T10:02:29.886Z");
    expect(mpt.start_utc).toBe(mpr.start_utc);
    expect(mpr.half_cycles.length).toBe(mpt.half_cycles.length);
    for (const [i, h] of mpr.half_cycles.entries()) {
      expect(h.kind).toBe(mpt.half_cycles[i].kind);
      expect(h.capacity_mah).toBeCloseTo(mpt.half_cycles[i].capacity_mah, 9);
    }
  });

  it("the operando LNO cell (perex .mpt, decimal commas): charge first, capacities and mAh/g", () => {
    const s = summary(fx("perex_220726cell4operandoxascontinuation_C06.mpt.gz"), "--mass-mg", "5");
    expect(s.records).toBe(1402);
    expect(s.start_utc).toBeNull(); // no time zone stated
    const kinds = s.half_cycles.map((h: { kind: string }) => h.kind);
    expect(kinds.slice(0, 3)).toEqual(["charge", "discharge", "charge"]);
    const first = s.half_cycles[0];
    expect(first.capacity_mah).toBeGreaterThan(0.9);
    expect(first.capacity_mah).toBeLessThan(1.1);
    expect(first.capacity_mah_per_g).toBeCloseTo(first.capacity_mah / 0.005, 9);
    expect(first.c_rate_per_h).toBeGreaterThan(0.25);
    expect(first.c_rate_per_h).toBeLessThan(0.4);
  });

  it("reads the active-material mass from the EC-Lab header, unless --mass-mg states one; EC-Lab's unset 0.001 mg is not a mass", () => {
    // perex: "Mass of active material : 7000,000 mg" (decimal comma)
    const own = summary(fx("perex_220726cell4operandoxascontinuation_C06.mpt.gz"));
    expect(own.mass_mg).toBe(7000);
    expect(own.mass_from).toBe("file header");
    expect(own.half_cycles[0].capacity_mah_per_g).toBeCloseTo(own.half_cycles[0].capacity_mah / 7, 9);
    const stated = summary(fx("perex_220726cell4operandoxascontinuation_C06.mpt.gz"), "--mass-mg", "5");
    expect(stated.mass_mg).toBe(5);
    expect(stated.mass_from).toBe("--mass-mg");
    // yadg ocv: "Mass of active material : 0.001 mg", EC-Lab's value when none was entered
    const unset = summary(fx("yadg_ocv.mpt"), "--timezone", "UTC");
    expect(unset.mass_mg).toBeNull();
    expect(unset.mass_from).toBeNull();
  });

  it.each([
    ["neware_uio_head2599.csv.gz", "neware-csv", 2599, "2022-05-18T16:27:52"],
    ["FastCharge_000025_CH8.csv", "arbin-csv", 248, null],
    ["PredictionDiagnostics_000151_test.052", "maccor-txt", 333, "2019-10-13T02:18:52.330"],
  ])("%s is read as %s with %i records", (file, format, n, start) => {
    const s = summary(fx(file));
    expect(s.format).toBe(format);
    expect(s.records).toBe(n);
    expect(s.start_local).toBe(start);
  });

  it.each([
    // The first record is stamped 08:02:53.970 at step time 0.01 s: the clock's zero is 10 ms earlier.
    ["neware_TestFile_head1500.nda", "neware-nda", 1500, "2024-05-27T08:02:53.960Z"],
    ["neware_Test_Data_Collection_Ndc17.ndax", "neware-ndax", 80, "2025-09-24T14:20:56.575Z"],
  ])("the Neware binary %s is read as %s (%i records, UTC from the file)", (file, format, n, startUtc) => {
    const s = summary(fx(file));
    expect(s.format).toBe(format);
    expect(s.records).toBe(n);
    expect(s.start_utc).toBe(startUtc);
    expect(s.half_cycles.length).toBeGreaterThan(0);
  });

  it("the Arbin .res (gzipped) is read as arbin-res, its start on the local clock", () => {
    const s = summary(fx("cellpy_20210210_FC_01_cc_01.res.gz"), "--timezone", "Europe/Oslo");
    expect(s.format).toBe("arbin-res");
    expect(s.records).toBe(7218);
    expect(s.start_local).toBe("2021-05-10T10:14:40");
    expect(s.start_utc).toBe("2021-05-10T08:14:40.000Z");
    expect(s.half_cycles.map((h: { kind: string }) => h.kind)).toContain("discharge");
  });

  it("a cut Neware .nda → one line naming the file, exit 2", () => {
    const cut = join(tmp, "cut.nda");
    writeFileSync(cut, readFileSync(fx("neware_TestFile_head1500.nda")).subarray(0, 1024 + 56 * 10 + 7));
    const r = swaxs("echem", cut);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n").length).toBe(1);
    expect(r.stderr).toMatch(/cut\.nda: truncated \.nda/);
  });

  it("Arbin gives UTC itself (DateTime is a Unix epoch): start_utc without a time zone", () => {
    expect(summary(fx("FastCharge_000025_CH8.csv")).start_utc).toMatch(/^20\d\d-\d\d-\d\dT/);
  });

  it("--csv writes one row per record with time_s, ewe_v, i_ma, unix_time, q_mah, step, cycle, sodc_pct", () => {
    const out = join(tmp, "neware.csv");
    const r = swaxs("echem", fx("neware_uio_head2599.csv.gz"), "--timezone", "+02:00", "--csv", out);
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(out, "utf8").trim().split("\n");
    const head = lines[0]!.split(",");
    expect(head).toEqual([
      "time_s",
      "ewe_v",
      "i_ma",
      "unix_time",
      "q_mah",
      "step",
      "cycle",
      "half_cycle",
      "sodc_pct",
    ]);
    expect(lines.length).toBe(2600);
    const rows = lines.slice(1).map((l) => l.split(",").map(Number));
    expect(rows[0]![0]).toBe(0);
    // unix_time = start (16:27:52 at +02:00 = 14:27:52Z) + time_s
    expect(rows[0]![3]).toBe(Date.UTC(2022, 4, 18, 14, 27, 52) / 1000);
    const sod = rows.map((x) => x[8]!);
    expect(Math.max(...sod)).toBeCloseTo(100, 6);
    expect(sod[0]).toBe(0);
  });
});

describe("swaxs echem --csv keeps the file's own time axis", () => {
  it("a log whose time starts at 30 s writes time_s from 30 s, not re-zeroed", () => {
    const src = join(tmp, "late.csv");
    writeFileSync(
      src,
      `t,v,i\n${Array.from({ length: 20 }, (_, k) => `${30 + 10 * k},${(3 - 0.01 * k).toFixed(3)},-0.1`).join("\n")}\n`,
    );
    const out = join(tmp, "late_out.csv");
    const r = swaxs("echem", src, "--columns", "time=t,voltage=v,current=i", "--csv", out);
    expect(r.code, r.stderr).toBe(0);
    const rows = readFileSync(out, "utf8").trim().split("\n").slice(1);
    expect(Number(rows[0]!.split(",")[0])).toBe(30);
    expect(Number(rows[19]!.split(",")[0])).toBe(220);
  });
});

describe("swaxs echem: bad input", () => {
  it.each([
    ["a frame file", fixturePath("pyfai", "ref_waxs.poni"), /ref_waxs\.poni: not a cycler file/],
    ["a missing file", join(tmp, "none.mpt"), /none\.mpt: no such file/],
  ])("%s → one line, exit 2", (_w, file, msg) => {
    const r = swaxs("echem", file);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n").length).toBe(1);
    expect(r.stderr).toMatch(msg);
  });

  it("an unknown time zone", () => {
    const r = swaxs("echem", fx("yadg_gcpl.issue_149.mpt"), "--timezone", "Mars/Base");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown time zone/);
  });
});
