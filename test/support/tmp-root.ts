/**
 * Vitest global set-up: every test run gets one temporary folder of its own, removed when the run
 * ends. Tests make their scratch folders with `mkdtempSync(join(tmpdir(), …))`; pointing TMPDIR
 * here (before the test processes are forked, so they and every command they spawn inherit it)
 * means nothing a run writes outlives it. A run used to leave ~3 GB in /tmp, and a full disk is
 * what failed CI. Set SWAXS_KEEP_TEST_TMP=1 to keep the folder for a post-mortem.
 */
import { mkdtempSync, rmSync, statfsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Scratch a whole run needs at its peak (twins, results, the safety cases one at a time). */
export const SCRATCH_NEEDED_BYTES = 2 * 2 ** 30;

/**
 * Why a run cannot start in `dir`, or null: with less free space than it needs, tests fail midway
 * with errors far from the cause (CI once printed only "0 tests" for the files after the disk
 * filled), so the run stops first with one line that says it.
 */
export function scratchProblem(
  dir: string,
  needBytes = SCRATCH_NEEDED_BYTES,
  statfs: (p: string) => { bavail: number; bsize: number } = statfsSync,
): string | null {
  const s = statfs(dir);
  const free = s.bavail * s.bsize;
  if (free >= needBytes) return null;
  const mb = (b: number) => `${Math.round(b / 2 ** 20)} MB`;
  return `${dir}: ${mb(free)} free, the tests need ~${mb(needBytes)} of scratch (free some space, or set TMPDIR to a roomier disk)`;
}

export default function setup(): () => void {
  const problem = scratchProblem(tmpdir());
  if (problem) throw new Error(problem);
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
