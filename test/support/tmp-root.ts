/**
 * Vitest global set-up: every test run gets one temporary folder of its own, removed when the run
 * ends. Tests make their scratch folders with `mkdtempSync(join(tmpdir(), …))`; pointing TMPDIR
 * here (before the test processes are forked, so they and every command they spawn inherit it)
 * means nothing a run writes outlives it. A run used to leave ~3 GB in /tmp, and a full disk is
 * what failed CI. Set SWAXS_KEEP_TEST_TMP=1 to keep the folder for a post-mortem.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), "swaxs-tests-"));
  const before = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    if (process.env.SWAXS_KEEP_TEST_TMP) console.log(`test scratch kept in ${root}`);
    else rmSync(root, { recursive: true, force: true });
  };
}
