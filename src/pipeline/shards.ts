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

/** Stores made for a range of scan-log lines (a shard's, or a live run's batch): what merging reads. */
export interface Part {
  /** Scan-log lines [from, to). */
  lines: [number, number];
  /** Its folder of stores (`<det>.curves`). */
  stores: string;
  /** How messages name it ("shard 1/3"). */
  name: string;
  /** What makes it again (said when it is missing or stale). */
  redo: string;
}

/** The n shards under `work` as parts of a scan log of `length` lines. */
export function shardParts(work: string, n: number, length: number, config: string): Part[] {
  return Array.from({ length: n }, (_, k) => ({
    lines: shardLines(length, { k, n }),
    stores: shardDir(work, { k, n }),
    name: `shard ${k}/${n}`,
    redo: `run \`swaxs run ${config} --shard ${k}/${n}\``,
  }));
}

/**
 * Copies every part's records of detector `name` into `store` (of the whole run), in order, after
 * checking them all: a missing, incomplete or foreign part is refused before anything is copied.
 * `expected(lines)` is the header the part of those lines must have (its key: the same settings
 * and frames).
 */
export function mergeParts(
  store: CurveStore,
  name: string,
  parts: Part[],
  expected: (lines: [number, number]) => StoreHeader,
): void {
  const open: CurveStore[] = [];
  try {
    for (const p of parts) {
      const path = join(p.stores, `${name}.curves`);
      const want = expected(p.lines);
      if (!existsSync(path) || !existsSync(`${path}.json`))
        throw new InputError(path, `${p.name} has not reduced detector ${name}: ${p.redo}`);
      const part = CurveStore.open(path, want, { readOnly: true });
      open.push(part);
      if (!part.matches)
        throw new InputError(
          path,
          `${p.name} was reduced with other settings or other frames than this config's: ${p.redo} again`,
        );
      if (!part.complete)
        throw new InputError(
          path,
          `${p.name} holds ${part.length} of ${want.frames} frames: ${p.redo} again`,
        );
    }
    // a merge cut short is made again whole, never resumed from its middle
    store.truncate(0);
    for (const part of open)
      for (let a = 0; a < part.length; a += 64) {
        const b = Math.min(part.length, a + 64);
        store.appendBlock(part.readBlock(a, b), b - a);
      }
  } finally {
    for (const p of open) p.close();
  }
}
