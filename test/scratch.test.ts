import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { expect, it } from "vitest";
import { SCRATCH_NEEDED_BYTES, scratchProblem } from "./support/tmp-root.js";

// Tests make scratch folders under tmpdir(); the global set-up (test/support/tmp-root.ts) points
// it at one folder per run, removed when the run ends, for this process and what it spawns.
it("scratch folders live in the run's own folder, for tests and the commands they spawn", () => {
  expect(tmpdir()).toMatch(/[/\\]swaxs-tests-[^/\\]+$/);
  expect(
    execFileSync(process.execPath, ["-p", "require('node:os').tmpdir()"], { encoding: "utf8" }).trim(),
  ).toBe(tmpdir());
});

it("a disk too full for the run's scratch stops it first, in one line that says so", () => {
  const fs = (freeBytes: number) => () => ({ bavail: freeBytes / 4096, bsize: 4096 });
  expect(scratchProblem("/scratch", SCRATCH_NEEDED_BYTES, fs(SCRATCH_NEEDED_BYTES))).toBeNull();
  expect(scratchProblem("/scratch", SCRATCH_NEEDED_BYTES, fs(275 * 2 ** 20))).toBe(
    "/scratch: 275 MB free, the tests need ~2048 MB of scratch (free some space, or set TMPDIR to a roomier disk)",
  );
  // this machine has room now (or the run would not have started)
  expect(scratchProblem(tmpdir())).toBeNull();
});
