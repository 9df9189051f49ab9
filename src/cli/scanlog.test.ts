import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fixturePath } from "../../test/support/fixtures.js";
import { readScanLog } from "../scan/index.js";
import { InputError } from "../util/errors.js";
import { registerScanlog } from "./scanlog.js";

const dir = mkdtempSync(join(tmpdir(), "swaxs-scanlog-"));
const source = join(dir, "operando.spec");
copyFileSync(fixturePath("spec", "operando.spec"), source);

/** `swaxs scanlog ARGS…` in-process on a fresh program (main.ts registers it the same way); its stderr. */
async function scanlog(...args: string[]): Promise<string> {
  const program = new Command("swaxs").exitOverride();
  registerScanlog(program);
  let err = "";
  const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    err += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(["scanlog", ...args], { from: "user" });
  } finally {
    spy.mockRestore();
  }
  return err;
}

async function problem(...args: string[]): Promise<string> {
  const err = await scanlog(...args).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  expect((err as Error).message).not.toContain("\n");
  return (err as Error).message;
}

const ARGS = ["--x", "samx", "--y", "samy", "--i0", "Monitor", "--frames", "saxs=saxs/{index:05d}.cbf"];

afterEach(() => vi.restoreAllMocks());

describe("swaxs scanlog", () => {
  it("writes a scan log swaxs run reads, says what it wrote in one line, and will not overwrite it", async () => {
    const out = join(dir, "scan.csv");
    const args = [source, "--out", out, ...ARGS, "--frames", "waxs=waxs/s{scan}.h5", "--scan", "1,2"];
    const said = await scanlog(...args, "--y-scale", "0.001");
    expect(said).toBe(
      `scanlog: 12 rows (6 points × 2 detectors) from scans 1.1, 2.1 to ${out}; times from Epoch\n`,
    );
    const log = await readScanLog(out);
    expect(log.length).toBe(12);
    expect(log.file[1]).toBe(join(dir, "waxs/s1.h5"));
    expect([...log.frame.slice(6)]).toEqual([0, 0, 0, 1, 0, 2]);
    expect(log.yMm[0]).toBeCloseTo(-0.00325, 12);
    expect(log.timeS[11]).toBeCloseTo(1710406800 + 181.42, 3);

    expect(await problem(...args)).toBe(`${out}: exists (--force overwrites it)`);
    writeFileSync(out, "not a scan log");
    await scanlog(...args, "--force", "--scan", "1");
    expect(readFileSync(out, "utf8").split("\n")).toHaveLength(1 + 6 + 1);
  });

  it("names the skipped scans without data", async () => {
    const out = join(dir, "skip.csv");
    const said = await scanlog(source, "--out", out, ...ARGS, "--scan", "3-4", "--exposure", "Seconds");
    expect(said).toMatch(/^scanlog: 4 rows .* from scans 3\.1, 3\.2 .*; skipped \(no data\): scan 4\.1\n$/);
  });

  it("bad input: one line naming the file", async () => {
    const out = join(dir, "bad.csv");
    expect(await problem(source, "--out", out, ...ARGS, "--x", "samz")).toMatch(
      new RegExp(`^${source}: --x "samz": scan 1\\.1 has no such column or motor \\(columns: samx,`),
    );
    expect(await problem(source, "--out", out, ...ARGS, "--scan", "7")).toMatch(
      /: --scan: no scan 7 in the file/,
    );
    expect(await problem(source, "--out", out, ...ARGS, "--frames", "w=w{scan:5x}")).toMatch(
      /--frames "w=w\{scan:5x\}": unsupported format "5x"/,
    );
    expect(await problem(source, "--out", out, ...ARGS, "--x-scale", "zero")).toMatch(
      /--x-scale must be a non-zero number/,
    );
    expect(await problem(join(dir, "none.spec"), "--out", out, ...ARGS)).toMatch(/none\.spec: no such file/);
    expect(await problem(source, "--out", source, ...ARGS)).toMatch(/is the SPEC file itself/);
  });

  it("from a Bliss HDF5 scan file: frames referenced in their Lima files, file names relative to the log", async () => {
    const out = join(dir, "bliss.csv");
    const file = fixturePath("bliss", "bliss_sample.h5");
    const args = ["--x", "samy", "--y", "samz", "--i0", "mon", "--exposure", "sec", "--scan", "1,2"];
    const said = await scanlog(file, "--out", out, ...args);
    expect(said).toBe(
      `scanlog: 8 rows (8 points × 1 detector) from scans 1.1, 2.1 to ${out}; times from epoch and start_time + elapsed_time\n` +
        "scanlog: note: eiger: frames in scan 2.1 only, left out (--frames eiger asks for them)\n" +
        "scanlog: pilatus's frames are /entry_0000/measurement/data in their HDF5 files (detectors.pilatus.dataset in the config)\n",
    );
    const log = await readScanLog(out);
    expect(log.file[0]).toBe(fixturePath("bliss", "scan0001", "pilatus_0000.h5"));
    expect(await problem(file, "--out", join(dir, "b2.csv"), ...args, "--scan", "4")).toMatch(
      /bliss_sample\.h5: scan 4\.1\/measurement\/pilatus links to .*, which does not exist$/,
    );
  });

  it("from the frames' headers: --headers DET=GLOB, or files and --detector", async () => {
    const out = join(dir, "headers.csv");
    const glob = fixturePath("frame-headers", "saxs_*.edf");
    const said = await scanlog("--headers", `saxs=${glob}`, "--out", out, "--x", "samy", "--y", "samz");
    expect(said).toBe(
      `scanlog: 4 rows (frames of saxs) from their headers to ${out}; times from time_of_day\n`,
    );
    expect((await readScanLog(out)).file[1]).toBe(fixturePath("frame-headers", "saxs_0003.edf"));
    const one = fixturePath("frame-headers", "saxs_0001.edf");
    await scanlog(one, "--detector", "saxs", "--out", out, "--x", "samy", "--y", "samz", "--force");
    expect((await readScanLog(out)).length).toBe(1);
    expect(await problem(one, "--out", join(dir, "h2.csv"), "--x", "samy", "--y", "samz")).toMatch(
      /saxs_0001\.edf: whose detector\? give --detector NAME, or --headers DET=GLOB/,
    );
  });

  it("--help names every source", async () => {
    const program = new Command("swaxs").exitOverride();
    registerScanlog(program);
    const help = program.commands.find((c) => c.name() === "scanlog")!.helpInformation();
    for (const word of ["SPEC", "Bliss", "HDF5", "--headers", "EDF", "CBF", "--detector", "measurement/DET"])
      expect(help).toContain(word);
  });
});
