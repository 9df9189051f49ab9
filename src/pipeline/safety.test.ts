/**
 * Data safety (issue 18): hostile configs and logs, one mistake at a time, on the tiny twin. Each
 * must end with exit 2 and one line naming the key, and leave every file of the experiment as it
 * was; the monitor must be the column the config names; missing frames follow one rule.
 */
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { swaxsIn } from "../../test/support/cli.js";
import { readCsvCells } from "../../test/support/fixtures.js";
import { PRESETS, simulate } from "../simulate/index.js";
import { InputError } from "../util/index.js";
import { runExperiment } from "./run.js";

const root = mkdtempSync(join(tmpdir(), "swaxs-safety-"));
const base = join(root, "base");

beforeAll(async () => {
  await simulate(PRESETS.tiny, base, { seed: 11 });
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Every file under `dir` with its SHA-1. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), createHash("sha1").update(readFileSync(p)).digest("hex"));
    }
  };
  walk(dir);
  return out;
}

let n = 0;
let previous: string | undefined;
/** A fresh copy of the twin's experiment inside its own parent folder (the last case's copy is
 * removed first: the cases run one after another, and 30 copies with their results are 1.5 GB). */
function copy(): { parent: string; exp: string } {
  if (previous) rmSync(previous, { recursive: true, force: true });
  const parent = join(root, `case${n++}`);
  previous = parent;
  const exp = join(parent, "exp");
  mkdirSync(parent);
  cpSync(base, exp, { recursive: true });
  return { parent, exp };
}

const edit = (file: string, f: (s: string) => string) => writeFileSync(file, f(readFileSync(file, "utf8")));
const setOut = (exp: string, out: string) =>
  edit(join(exp, "experiment.yaml"), (s) => s.replace(/^out: .*$/m, `out: ${out}`));

interface Case {
  name: string;
  /** Makes the mistake; `parent` holds `exp/`. */
  make: (exp: string, parent: string) => void;
  /** What the one line must say. */
  says: RegExp;
  /** Working folder of the run (default: the experiment's parent). */
  cwd?: (exp: string, parent: string) => string;
}

const CASES: Case[] = [
  {
    name: "out: . (the config's folder)",
    make: (e) => setOut(e, "."),
    says: /out: .* is the config's folder/,
  },
  {
    name: "out: .. (its parent, the working folder)",
    make: (e) => setOut(e, ".."),
    says: /out: .* is the working folder/,
  },
  {
    name: "out: .. run from elsewhere (holds the config's folder)",
    make: (e) => setOut(e, ".."),
    cwd: () => root,
    says: /out: .* holds the config's folder/,
  },
  {
    name: "out: the config's folder, absolute",
    make: (e) => setOut(e, e),
    says: /out: .* is the config's folder/,
  },
  {
    name: "out: frames (holds inputs)",
    make: (e) => setOut(e, "frames"),
    says: /out: .*frames (holds the input|exists and was not made)/,
  },
  {
    name: "out: a user's folder",
    make: (e) => {
      mkdirSync(join(e, "mine"));
      writeFileSync(join(e, "mine", "notes.txt"), "my notes\n");
      setOut(e, "mine");
    },
    says: /out: .*mine exists and was not made by swaxs run; remove it or choose another out/,
  },
  {
    name: "out: 300,000 characters",
    make: (e) => setOut(e, "a".repeat(300_000)),
    says: /out: path too long/,
  },
  {
    name: "monitor: a column that does not exist",
    make: (e) => edit(join(e, "experiment.yaml"), (s) => s.replace("monitor: i0", "monitor: ion_chamber_7")),
    says: /detectors\.saxs\.monitor: no column "ion_chamber_7" in .*scan\.csv \(columns: time, detector/,
  },
  {
    name: "x_mm = 1e308 on one line",
    make: (e) =>
      edit(join(e, "scan.csv"), (s) => {
        const lines = s.split("\n");
        const f = lines[5]!.split(",");
        f[4] = "1e308";
        lines[5] = f.join(",");
        return lines.join("\n");
      }),
    says: /scan\.csv: line 6: x_mm = 1e\+308 is off the scan grid/,
  },
  {
    name: "a band in Å⁻¹ (outside the detector)",
    make: (e) => edit(join(e, "experiment.yaml"), (s) => s.replace("q: [18.3, 20.8]", "q: [1.83, 2.08]")),
    says: /bands\[0\]\.q: \[1\.83, 2\.08\] is not inside detector waxs's range 1\d\.\d+\.\.3\d\.\d+ q_nm\^-1 — Å⁻¹\? the unit is nm⁻¹: \[18\.3, 20\.8\]$/m,
  },
  {
    name: "the mask given where the PONI belongs",
    make: (e) => edit(join(e, "experiment.yaml"), (s) => s.replace("poni: waxs.poni", "poni: waxs_mask.edf")),
    says: /experiment\.yaml: detectors\.waxs\.poni: .*waxs_mask\.edf is an EDF image, not a PONI file$/m,
  },
  {
    name: "the SAXS PONI given for the WAXS frames",
    make: (e) => edit(join(e, "experiment.yaml"), (s) => s.replace("poni: waxs.poni", "poni: saxs.poni")),
    // named by its key before any frame, calibrant or empty cell is read with it
    says: /experiment\.yaml: detectors\.waxs\.poni: .*saxs\.poni describes a Pilatus300k \(619×487\), but waxs's frames are 195×487 \(.*waxs.*\.cbf\)$/m,
  },
  {
    name: "a PONI given as the cycler log",
    make: (e) => edit(join(e, "experiment.yaml"), (s) => s.replace("file: cycling.mpt", "file: saxs.poni")),
    says: /experiment\.yaml: echem\.file: .*saxs\.poni is a PONI file, not a cycler log$/m,
  },
  {
    name: "a band partly outside",
    make: (e) => edit(join(e, "experiment.yaml"), (s) => s.replace("q: [18.3, 20.8]", "q: [30, 40]")),
    // partly outside: refused (never empty bins averaged in), and no unit hint (×10 does not fit)
    says: /bands\[0\]\.q: \[30, 40\] is not inside detector waxs's range [\d.]+\.\.[\d.]+ q_nm\^-1$/m,
  },
  {
    name: "npt: 10000000",
    make: (e) => edit(join(e, "experiment.yaml"), (s) => s.replace("npt: 800", "npt: 10000000")),
    says: /detectors\.waxs\.npt: expected radial bins: an integer in 2\.\.20000, got 10000000/,
  },
  {
    name: "workers: 1000",
    make: (e) => edit(join(e, "experiment.yaml"), (s) => `${s}workers: 1000\n`),
    says: /workers: expected worker threads: an integer in 0\.\.256, got 1000/,
  },
  {
    name: "caking npt_azim: 1e6",
    make: (e) => edit(join(e, "experiment.yaml"), (s) => `${s}caking: {detector: waxs, npt_azim: 1000000}\n`),
    says: /caking\.npt_azim: expected azimuthal bins: an integer in 1\.\.3600/,
  },
  {
    name: "a PONI with Distance: 1e-9",
    make: (e) => edit(join(e, "waxs.poni"), (s) => s.replace(/^Distance: .*$/m, "Distance: 1e-9")),
    says: /waxs\.poni: Distance: 1e-9 m is outside the allowed 0\.0001\.\.100 m/,
  },
  {
    name: "a PONI with a wavelength in Å",
    make: (e) => edit(join(e, "waxs.poni"), (s) => s.replace(/^Wavelength: .*$/m, "Wavelength: 0.77")),
    says: /waxs\.poni: Wavelength: 0\.77 m is outside/,
  },
  {
    name: "__proto__ inside a nested map",
    make: (e) =>
      edit(join(e, "experiment.yaml"), (s) =>
        s.replace("  file: cycling.mpt", "  file: cycling.mpt\n  __proto__: {polluted: 1}"),
      ),
    says: /line \d+: "__proto__" is not allowed as a key/,
  },
  {
    name: "constructor inside a flow map",
    make: (e) =>
      edit(join(e, "experiment.yaml"), (s) =>
        s.replace("calibrant: {waxs: {file", "calibrant: {waxs: {constructor: 1, file"),
      ),
    says: /line \d+: "constructor" is not allowed as a key/,
  },
  {
    name: "a band named ../../escaped",
    make: (e) => edit(join(e, "experiment.yaml"), (s) => s.replace("name: S,", "name: ../../escaped,")),
    says: /bands\[1\]\.name: expected a name of letters/,
  },
  {
    name: "a frame file missing at the start",
    make: (e) => rmSync(join(e, "frames/waxs/waxs_s002_r004_c01.cbf")),
    says: /waxs_s002_r004_c01\.cbf: frame file missing \(scan log line \d+\); --allow-missing goes on without it/,
  },
  {
    name: "a monitor of 0 at one frame",
    make: (e) =>
      edit(join(e, "scan.csv"), (s) => {
        const lines = s.split("\n");
        const f = lines[7]!.split(",");
        f[7] = "0";
        lines[7] = f.join(",");
        return lines.join("\n");
      }),
    says: /scan\.csv: line 8: monitor i0 is 0 at this frame \(must be > 0\)/,
  },
];

describe("swaxs run refuses hostile input in one line, exit 2, every file intact", () => {
  it.each(CASES)(
    "$name",
    (c) => {
      const { parent, exp } = copy();
      c.make(exp, parent);
      const before = snapshot(parent);
      const r = swaxsIn(c.cwd?.(exp, parent) ?? parent, "run", join(exp, "experiment.yaml"));
      expect(r.code).toBe(2);
      const lines = r.stderr.trimEnd().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]!.length).toBeLessThanOrEqual(1000);
      expect(lines[0]).toMatch(/^swaxs: /);
      expect(lines[0]).toMatch(c.says);
      expect(snapshot(parent)).toEqual(before);
      expect(readdirSync(root).filter((f) => f.includes("escaped"))).toEqual([]);
    },
    30_000,
  );
});

describe("output folders of simulate and demo", () => {
  it("simulate --out into a user's folder is refused and the folder kept; into ., refused", () => {
    const dir = join(root, "sim");
    mkdirSync(join(dir, "mine"), { recursive: true });
    writeFileSync(join(dir, "mine", "notes.txt"), "keep\n");
    const a = swaxsIn(dir, "simulate", "--preset", "tiny", "--out", "mine");
    expect(a.code).toBe(2);
    expect(a.stderr.trim()).toMatch(/^swaxs: --out: .*mine exists and was not made by swaxs simulate/);
    expect(readFileSync(join(dir, "mine", "notes.txt"), "utf8")).toBe("keep\n");
    const b = swaxsIn(dir, "simulate", "--preset", "tiny", "--out", ".");
    expect(b.code).toBe(2);
    expect(b.stderr.trim()).toMatch(/^swaxs: --out: .* is the working folder/);
    expect(readdirSync(dir).sort()).toEqual(["mine"]);
  });

  it("a folder swaxs made is replaced by the next run", async () => {
    const { exp } = copy();
    await runExperiment(join(exp, "experiment.yaml"));
    writeFileSync(join(exp, "results", "stale.txt"), "old\n");
    await runExperiment(join(exp, "experiment.yaml"));
    expect(readdirSync(join(exp, "results"))).not.toContain("stale.txt");
    expect(readdirSync(join(exp, "results"))).toContain(".swaxs");
  }, 60_000);
});

describe("the monitor is the column the config names", () => {
  it("a column counting 2 × i0 halves every absolute value to 1e-6; normalised ones unchanged", async () => {
    const { exp } = copy();
    await runExperiment(join(exp, "experiment.yaml"));
    const ref = readCsvCells(join(exp, "results", "frames.csv"));
    edit(join(exp, "scan.csv"), (s) =>
      s
        .trimEnd()
        .split("\n")
        .map((l, k) => {
          const f = l.split(",");
          return `${l},${k === 0 ? "mon2" : String(2 * Number(f[7]))}`;
        })
        .join("\n"),
    );
    edit(join(exp, "experiment.yaml"), (s) => s.replaceAll("monitor: i0", "monitor: mon2"));
    await runExperiment(join(exp, "experiment.yaml"));
    const got = readCsvCells(join(exp, "results", "frames.csv"));
    const col = (name: string) => ref[0]!.indexOf(name);
    const S = col("band_S"); // SAXS, normalize: none → absolute
    const L = col("band_Li2S"); // WAXS, normalised by its own OCV mean
    let absolute = 0;
    let normalised = 0;
    for (let r = 1; r < ref.length; r++) {
      if (ref[r]![S] !== "" && Number(ref[r]![S]) !== 0) {
        expect(Number(got[r]![S]) / Number(ref[r]![S])).toBeCloseTo(0.5, 6);
        absolute++;
      }
      if (ref[r]![L] !== "" && Number(ref[r]![L]) !== 0) {
        expect(Number(got[r]![L]) / Number(ref[r]![L])).toBeCloseTo(1, 6);
        normalised++;
      }
    }
    expect(absolute).toBeGreaterThan(100);
    expect(normalised).toBeGreaterThan(100);
    const run = JSON.parse(readFileSync(join(exp, "results", "run.json"), "utf8"));
    expect(run.monitor).toEqual({ saxs: "mon2", waxs: "mon2" });
  }, 90_000);
});

describe("missing frames: one rule", () => {
  const victim = "frames/waxs/waxs_s003_r005_c00.cbf";

  it("a frame deleted while the run goes is refused, naming the file", async () => {
    const { exp } = copy();
    let deleted = false;
    const run = runExperiment(join(exp, "experiment.yaml"), {
      onProgress: () => {
        if (!deleted) rmSync(join(exp, victim));
        deleted = true;
      },
    });
    await expect(run).rejects.toThrow(InputError);
    await expect(run).rejects.toThrow(/waxs_s003_r005_c00\.cbf: .*--allow-missing goes on without it/);
  }, 60_000);

  it("a frame cut short while the run goes: one line naming it, no results/, and once it is whole again the re-run resumes", async () => {
    const { exp } = copy();
    const whole = readFileSync(join(exp, victim));
    let cut = false;
    const run = runExperiment(join(exp, "experiment.yaml"), {
      onProgress: () => {
        if (!cut) writeFileSync(join(exp, victim), whole.subarray(0, whole.length >> 1));
        cut = true;
      },
    });
    await expect(run).rejects.toThrow(
      /waxs_s003_r005_c00\.cbf: .*truncated.*--allow-missing goes on without it/,
    );
    expect(existsSync(join(exp, "results"))).toBe(false);
    writeFileSync(join(exp, victim), whole);
    const notes: string[] = [];
    const s = await runExperiment(join(exp, "experiment.yaml"), { onNote: (m) => notes.push(m) });
    expect(s.missing).toBe(0);
    expect(notes.some((m) => /^resumed: \d+ frames were already reduced/.test(m))).toBe(true);
    expect(existsSync(join(exp, "results", "run.json"))).toBe(true);
  }, 90_000);

  it("with --allow-missing it is listed in run.json and NaN in frames.csv, never zero", async () => {
    const { exp } = copy();
    let deleted = false;
    const notes: string[] = [];
    const s = await runExperiment(join(exp, "experiment.yaml"), {
      allowMissing: true,
      onNote: (m) => notes.push(m),
      onProgress: () => {
        if (!deleted) rmSync(join(exp, victim));
        deleted = true;
      },
    });
    expect(s.missing).toBe(1);
    const run = JSON.parse(readFileSync(join(exp, "results", "run.json"), "utf8"));
    expect(run.missing_frames).toEqual([join(exp, victim)]);
    expect(notes.filter((m) => m.startsWith("warning: 1 frames missing"))).toHaveLength(1);
    const frames = readCsvCells(join(exp, "results", "frames.csv"));
    const scan = readCsvCells(join(exp, "scan.csv"));
    const k = scan.findIndex((r) => r[2] === victim);
    const L = frames[0]!.indexOf("band_Li2S");
    expect(frames[k]![L]).toBe("");
    // its neighbours in the log were reduced
    expect(Number(frames[k - 2]![L])).toBeGreaterThan(0);
  }, 60_000);
});
