/**
 * Issue 14, `swaxs init FOLDER`: on the twin's raw files (frames, PONI files, masks, empty cells,
 * cycler log, scan log; no experiment.yaml), the starter config names what was found, leaves a TODO
 * for what could not be (the cycler's time zone, with the offsets that fit), `swaxs run` names that
 * TODO by key and line, and runs once it is filled in. A SPEC file instead of a scan log leaves the
 * scan's motor names as TODOs.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { zoneOffsetS } from "../src/echem/index.js";
import { readScanLog } from "../src/scan/index.js";
import { PRESETS, simulate } from "../src/simulate/index.js";
import { swaxs } from "./support/cli.js";

const root = mkdtempSync(join(tmpdir(), "swaxs-init-"));
const twin = join(root, "twin");
const raw = join(root, "raw");
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The twin's folder as a beamtime leaves it: no config, no truth, no results. */
function rawCopy(to: string): void {
  cpSync(twin, to, { recursive: true });
  for (const f of ["experiment.yaml", "truth.json"]) rmSync(join(to, f), { force: true });
}

beforeAll(async () => {
  await simulate({ ...PRESETS.tiny }, twin, { seed: 3 });
  rawCopy(raw);
}, 120_000);

const lineOf = (text: string, re: RegExp) => text.split("\n").findIndex((l) => re.test(l)) + 1;

describe("swaxs init on the twin's raw files", () => {
  it("finds each detector's frames, PONI, mask and empty cell, the scan log and the cycler log", async () => {
    const r = swaxs("init", raw);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(join(raw, "experiment.yaml"), "utf8");
    const cfg = parse(text);
    expect(cfg.scan).toBe("scan.csv");
    // two detectors told apart by their frames' shapes, named by distance (the longer is SAXS)
    expect(cfg.detectors.saxs).toEqual({ poni: "saxs.poni", mask: "saxs_mask.edf" });
    expect(cfg.detectors.waxs).toEqual({ poni: "waxs.poni", mask: "waxs_mask.edf" });
    expect(cfg.background).toEqual({ saxs: "empty_saxs.cbf", waxs: "empty_waxs.cbf" });
    expect(cfg.echem.file).toBe("cycling.mpt");
    // the .mpt has local times: its zone is left to the user, with the offset that fits every frame
    expect(cfg.echem.timezone).toBe("TODO");
    const twinCfg = parse(readFileSync(join(twin, "experiment.yaml"), "utf8"));
    const log = await readScanLog(join(raw, "scan.csv"));
    const h = zoneOffsetS(twinCfg.echem.timezone, log.timeS[0]!) / 3600;
    const offset = `${h < 0 ? "-" : "+"}${String(Math.abs(h)).padStart(2, "0")}:00`;
    expect(text.split("\n")[lineOf(text, /^\s+timezone: TODO/) - 1]).toContain(`at ${offset}`);
    expect(r.stderr).toMatch(/1 TODO left/);
  });

  it("swaxs run names the TODO left, by key and line, and exits 2", () => {
    const cfg = join(raw, "experiment.yaml");
    const text = readFileSync(cfg, "utf8");
    const r = swaxs("run", cfg);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(
      `experiment.yaml: line ${lineOf(text, /^\s+timezone: TODO/)}: echem.timezone: TODO left`,
    );
  });

  it("runs once the TODO is filled in with the offset it suggests", () => {
    const cfg = join(raw, "experiment.yaml");
    const text = readFileSync(cfg, "utf8");
    const offset = /every frame is inside the log at ([+-]\d\d:00)/.exec(text)![1]!;
    writeFileSync(cfg, text.replace(/^(\s+timezone:) TODO.*$/m, `$1 "${offset}"`));
    // the folder stands for its experiment.yaml
    const r = swaxs("run", raw);
    expect(r.code, r.stderr).toBe(0);
    expect(
      readFileSync(join(raw, "results", "frames.csv"), "utf8")
        .trim()
        .split("\n").length,
    ).toBeGreaterThan(10);
    // a starter config measures nothing yet: the run says so before it starts, and still runs
    expect(r.stderr).toMatch(/^note: no bands: in the config, so no maps, region time series or heatmaps/m);
    expect(r.stderr).toMatch(/^note: no peaks: in the config, so no crystallite sizes/m);
    // no mass_mg in the starter: the cycler file's header gives it, and run.json says so
    const mass = /Mass of active material : ([\d.]+) mg/.exec(
      readFileSync(join(raw, "cycling.mpt"), "latin1"),
    )![1]!;
    const run = JSON.parse(readFileSync(join(raw, "results", "run.json"), "utf8"));
    expect(run.echem.mass_mg).toBe(Number(mass));
    expect(run.echem.mass_from).toBe("cycler file header");
  }, 120_000);

  it("never overwrites a config without --force", () => {
    const cfg = join(raw, "experiment.yaml");
    const before = readFileSync(cfg, "utf8");
    const r = swaxs("init", raw);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/experiment\.yaml: exists already \(--force overwrites it\)/);
    expect(readFileSync(cfg, "utf8")).toBe(before);
  });

  it("a SPEC file instead of a scan log: the scan's position names are TODOs, named by the run", () => {
    const dir = join(root, "spec");
    rawCopy(dir);
    rmSync(join(dir, "scan.csv"));
    rmSync(join(dir, "results"), { recursive: true, force: true });
    // a folder without a config: said, with the command that writes one
    const none = swaxs("run", dir);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(
      /spec: a folder without experiment\.yaml \(swaxs init FOLDER writes a starter one\)/,
    );
    writeFileSync(
      join(dir, "align.spec"),
      "#F align.spec\n#E 1715673600\n#D Tue May 14 08:00:00 2024\n\n#S 1  ascan  samy 0 1 2 1\n#N 3\n#L samy  Epoch  Monitor\n0 0 10\n0.5 1 10\n1 2 10\n",
    );
    expect(swaxs("init", dir).code).toBe(0);
    const text = readFileSync(join(dir, "experiment.yaml"), "utf8");
    expect(parse(text).scan).toMatchObject({ spec: "align.spec", x: "TODO", y: "TODO" });
    const r = swaxs("run", join(dir, "experiment.yaml"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`line ${lineOf(text, /^\s+x: TODO/)}: scan.x: TODO left`);
  });
});
