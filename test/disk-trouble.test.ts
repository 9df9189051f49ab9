/**
 * A full disk and a read-only output folder (issue 13): `swaxs run` ends with one line naming the
 * place and saying what the machine refused (exit 2), leaves no `results/` that looks complete,
 * and — once there is room — the re-run resumes and finishes. Real small file systems (tmpfs) where
 * this machine lets the tests mount them (root with CAP_SYS_ADMIN, as in CI's container); elsewhere
 * the test says plainly that it skips (mounting is a privilege, not an installable tool).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PRESETS, simulate } from "../src/simulate/index.js";
import { swaxsIn } from "./support/cli.js";

const root = mkdtempSync(join(tmpdir(), "swaxs-disk-"));
const mounts: string[] = [];

/** A tmpfs of `size` at a new folder (read-only with `ro`), or null where mounting is not allowed. */
function tmpfs(name: string, size: string, ro = false): string | null {
  const at = join(root, name);
  mkdirSync(at);
  const r = spawnSync("mount", ["-t", "tmpfs", "-o", `size=${size}${ro ? ",ro" : ""}`, "tmpfs", at]);
  if (r.status !== 0) return null;
  mounts.push(at);
  return at;
}

let exp = "";
let canMount = false;

beforeAll(async () => {
  canMount = tmpfs("probe", "1m") !== null;
  if (!canMount) {
    console.warn(
      "SKIP: this machine does not let the tests mount a tmpfs (needs root): disk-full tests skipped",
    );
    return;
  }
  exp = join(root, "twin");
  await simulate({ ...PRESETS.tiny, rows: 6, sweeps: 3 }, exp, { seed: 3 });
}, 120_000);

afterAll(() => {
  for (const m of mounts.reverse()) spawnSync("umount", [m]);
  rmSync(root, { recursive: true, force: true });
});

/** The twin's config with its results sent to `out`. */
function configTo(out: string, name: string): string {
  const text = readFileSync(join(exp, "experiment.yaml"), "utf8").replace(/^out: .*$/m, `out: ${out}`);
  writeFileSync(join(exp, name), text);
  return name;
}

describe("disk trouble", () => {
  it("a disk that fills up: one line, exit 2, no results/, and the re-run resumes once there is room", () => {
    if (!canMount) return;
    const small = tmpfs("small", "600k")!;
    const r = swaxsIn(exp, "run", configTo(join(small, "results"), "full.yaml"));
    expect(r.code).toBe(2);
    const lines = r.stderr
      .trim()
      .split("\n")
      .filter((l) => l.startsWith("swaxs:"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/no space left on the device/);
    expect(lines[0]).toContain(small);
    expect(existsSync(join(small, "results"))).toBe(false);
    // room again (a bigger file system at the same place): the run goes on from what was reduced
    spawnSync("mount", ["-o", "remount,size=64m", small]);
    const again = swaxsIn(exp, "run", "full.yaml");
    expect(again.code, again.stderr).toBe(0);
    expect(existsSync(join(small, "results", "run.json"))).toBe(true);
    expect(existsSync(join(small, "results.partial"))).toBe(false);
  }, 180_000);

  it("a read-only output folder: one line saying so, exit 2", () => {
    if (!canMount) return;
    const ro = tmpfs("ro", "1m", true)!;
    const r = swaxsIn(exp, "run", configTo(join(ro, "results"), "ro.yaml"));
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      `swaxs: ${join(ro, "results.partial")}: cannot create the output folder: ${ro} is on a read-only file system`,
    );
  }, 120_000);
});
