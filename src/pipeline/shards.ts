/**
 * Shards of a run (issue 16): `swaxs run --shard K/N` reduces the K-th of N contiguous parts of the
 * scan log into stores of its own, `<out>.partial/.work/shards/K-of-N/<det>.curves` (one Slurm
 * array task each, or a plain loop); `swaxs merge` joins them, in order, into the stores an
 * unsharded run would have made (each record is the same float32 curve whichever process reduced
 * it), then analyses as a run does, so its results equal an unsharded run's. A shard's store
 * carries the key of the settings and frames it was made from (reduce-stage.ts storeKey): a shard
 * made with other settings or of changed files is refused by name, never merged.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../util/errors.js";
import { CurveStore, type StoreHeader } from "./store.js";

export interface Shard {
  /** 0 … n − 1 */
  k: number;
  n: number;
}

/** "K/N" (K = 0 … N−1), or "auto" from Slurm's SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT. */
export function parseShard(text: string, env: NodeJS.ProcessEnv = process.env): Shard {
  const given =
    text === "auto" ? `${env["SLURM_ARRAY_TASK_ID"] ?? ""}/${env["SLURM_ARRAY_TASK_COUNT"] ?? ""}` : text;
  const m = /^(\d+)\/(\d+)$/.exec(given);
  const k = m ? Number(m[1]) : Number.NaN;
  const n = m ? Number(m[2]) : Number.NaN;
  if (!(n >= 1 && k >= 0 && k < n))
    throw new InputError(
      "--shard",
      text === "auto"
        ? `auto: SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT are "${given}", not K/N with 0 ≤ K < N (run it as a Slurm array task, or give K/N)`
        : `"${text}" is not K/N with 0 ≤ K < N (e.g. 0/4 … 3/4), or auto`,
    );
  return { k, n };
}

/** The scan-log lines [from, to) of shard k of n: contiguous, in order, covering the log once. */
export function shardLines(length: number, s: Shard): [number, number] {
  return [Math.floor((s.k * length) / s.n), Math.floor(((s.k + 1) * length) / s.n)];
}

export function shardDir(work: string, s: Shard): string {
  return join(work, "shards", `${s.k}-of-${s.n}`);
}

/** The shards found under `work`: their count N, or null where there are none. */
export function shardCount(work: string): number | null {
  const dir = join(work, "shards");
  if (!existsSync(dir)) return null;
  const ns = new Set(
    readdirSync(dir)
      .map((e) => /^\d+-of-(\d+)$/.exec(e)?.[1])
      .filter((x): x is string => x !== undefined)
      .map(Number),
  );
  if (ns.size === 0) return null;
  if (ns.size > 1)
    throw new InputError(dir, `shards of ${[...ns].join(" and ")} parts at once: remove the stale ones`);
  return [...ns][0]!;
}

/**
 * Copies every shard's records of detector `name` into `store` (of the whole run), in order, after
 * checking them all: a missing, incomplete or foreign shard is refused before anything is copied.
 * `expected(s)` is the header shard s must have (its key: the same settings and frames).
 */
export function mergeShards(
  store: CurveStore,
  work: string,
  name: string,
  n: number,
  expected: (s: Shard) => StoreHeader,
): void {
  const parts: CurveStore[] = [];
  try {
    for (let k = 0; k < n; k++) {
      const s = { k, n };
      const path = join(shardDir(work, s), `${name}.curves`);
      const want = expected(s);
      const rerun = `run \`swaxs run CONFIG --shard ${k}/${n}\``;
      if (!existsSync(path) || !existsSync(`${path}.json`))
        throw new InputError(path, `shard ${k}/${n} has not reduced detector ${name}: ${rerun}`);
      const part = CurveStore.open(path, want, { readOnly: true });
      parts.push(part);
      if (!part.matches)
        throw new InputError(
          path,
          `shard ${k}/${n} was reduced with other settings or other frames than this config's: ${rerun} again`,
        );
      if (!part.complete)
        throw new InputError(
          path,
          `shard ${k}/${n} holds ${part.length} of ${want.frames} frames: ${rerun} again`,
        );
    }
    // a merge cut short is made again whole, never resumed from its middle
    store.truncate(0);
    for (const part of parts)
      for (let a = 0; a < part.length; a += 64) {
        const b = Math.min(part.length, a + 64);
        store.appendBlock(part.readBlock(a, b), b - a);
      }
  } finally {
    for (const p of parts) p.close();
  }
}
