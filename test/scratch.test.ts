import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { expect, it } from "vitest";

// Tests make scratch folders under tmpdir(); the global set-up (test/support/tmp-root.ts) points
// it at one folder per run, removed when the run ends, for this process and what it spawns.
it("scratch folders live in the run's own folder, for tests and the commands they spawn", () => {
  expect(tmpdir()).toMatch(/[/\\]swaxs-tests-[^/\\]+$/);
  expect(
    execFileSync(process.execPath, ["-p", "require('node:os').tmpdir()"], { encoding: "utf8" }).trim(),
  ).toBe(tmpdir());
});
