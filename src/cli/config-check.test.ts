import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { swaxs } from "../../test/support/cli.js";
import { PRESETS, simulate } from "../simulate/index.js";

const root = mkdtempSync(join(tmpdir(), "swaxs-config-check-"));
const twin = join(root, "twin");
afterAll(() => rmSync(root, { recursive: true, force: true }));
beforeAll(() => simulate({ ...PRESETS.tiny, rows: 2, cols: 1, sweeps: 2 }, twin, { seed: 2 }), 60_000);

/** A variant of the twin's config, written beside it. */
function variant(name: string, edit: (s: string) => string): string {
  const p = join(twin, name);
  writeFileSync(p, edit(readFileSync(join(twin, "experiment.yaml"), "utf8")));
  return p;
}

describe("swaxs config check: every problem at once", () => {
  it("a sound config: exit 0 and one line", () => {
    const r = swaxs("config", "check", twin);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/experiment\.yaml: no problems found$/);
  });

  it("an almost empty config: each missing key on its own line, where run names only the first", () => {
    const p = join(root, "empty.yaml");
    writeFileSync(p, "detectors: {}\n");
    const r = swaxs("config", "check", p);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toEqual([
      expect.stringMatching(/empty\.yaml: scan: missing/),
      expect.stringMatching(/empty\.yaml: line 1: detectors: expected at least one detector/),
      expect.stringMatching(/empty\.yaml: echem: missing/),
      expect.stringMatching(/^swaxs: .*empty\.yaml: 3 problems \(listed above\)$/),
    ]);
    const run = swaxs("run", p);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toMatch(
      /scan: missing .*\(and 2 more problems: swaxs config check lists them all\)$/,
    );
  });

  it("schema problems in several keys, each with its line", () => {
    const p = variant("bad.yaml", (s) =>
      s.replace("npt: 800", "npt: 1e9").replace("monitor: i0", "monitor: [i0]"),
    );
    const r = swaxs("config", "check", p);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /bad\.yaml: line \d+: detectors\.\w+\.npt: expected radial bins: an integer in 2\.\.20000/,
    );
    expect(r.stderr).toMatch(/bad\.yaml: line \d+: detectors\.\w+\.monitor: /);
    expect(r.stderr).toMatch(/2 problems \(listed above\)/);
  });

  it("every missing or wrong file, not only the first", () => {
    const p = variant("files.yaml", (s) =>
      s.replace("file: cycling.mpt", "file: gone.mpt").replace("poni: waxs.poni", "poni: waxs_mask.edf"),
    );
    const r = swaxs("config", "check", p);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /files\.yaml: detectors\.waxs\.poni: .*waxs_mask\.edf is an EDF image, not a PONI file/,
    );
    expect(r.stderr).toMatch(/files\.yaml: echem\.file: file not found: .*gone\.mpt/);
  });

  it("TODOs left by swaxs init, each with its line", () => {
    const p = variant("todo.yaml", (s) =>
      s.replace(/timezone: .*/, "timezone: TODO").replace("npt: 500", "npt: TODO"),
    );
    const r = swaxs("config", "check", p);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/todo\.yaml: line \d+: detectors\.saxs\.npt: TODO left to fill in/);
    expect(r.stderr).toMatch(/todo\.yaml: line \d+: echem\.timezone: TODO left to fill in/);
    expect(r.stderr).toMatch(/2 problems/);
  });
});
