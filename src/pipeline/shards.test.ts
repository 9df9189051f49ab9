/**
 * Shards (issue 16): `run --shard K/N` for every K, then `merge`, gives the results of one whole
 * run — every CSV byte for byte, every HDF5 dataset value for value — and a shard that is missing,
 * incomplete or made with other settings is refused by name rather than merged.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { expectSameResults } from "../../test/support/results.js";
import { PRESETS, simulate } from "../simulate/index.js";
import { InputError } from "../util/errors.js";
import { runExperiment } from "./run.js";
import { parseShard, shardLines } from "./shards.js";

const root = mkdtempSync(join(tmpdir(), "swaxs-shards-"));
const dir = join(root, "sim");
const yaml = join(dir, "experiment.yaml");
const small = { ...PRESETS.tiny, rows: 6, cols: 2, sweeps: 4 };

beforeAll(async () => {
  await simulate(small, dir, { seed: 11 });
  await runExperiment(yaml);
  cpSync(join(dir, "results"), join(root, "whole"), { recursive: true });
  rmSync(join(dir, "results"), { recursive: true });
}, 120_000);

describe("swaxs run --shard K/N, then swaxs merge", () => {
  it("refuses to merge before any shard exists", async () => {
    await expect(runExperiment(yaml, { merge: true })).rejects.toThrow(/no shards to merge/);
  });

  it("3 shards merged equal the whole run: CSVs byte for byte, HDF5 datasets value for value", async () => {
    const n = 3;
    const notes: string[] = [];
    const lines = readFileSync(join(dir, "scan.csv"), "utf8").trim().split("\n").length - 1;
    for (let k = 0; k < n; k++) {
      const s = await runExperiment(yaml, { shard: { k, n } });
      expect(s.shard!.lines).toEqual(shardLines(lines, { k, n }));
    }
    // a shard never writes the results folder
    expect(readdirSync(dir)).not.toContain("results");
    await runExperiment(yaml, { merge: true, onNote: (m) => notes.push(m) });
    expect(notes).toContain(`merged: ${lines} frames from ${n} shards`);
    await expectSameResults(join(root, "whole"), join(dir, "results"));
  }, 240_000);

  it("a missing shard, and one made with other settings, are refused by name", async () => {
    const n = 2;
    await runExperiment(yaml, { shard: { k: 0, n } });
    await expect(runExperiment(yaml, { merge: true })).rejects.toThrow(/shard 1\/2 has not reduced detector/);
    // shard 1 made with more bins than the config now asks for
    const text = readFileSync(yaml, "utf8");
    writeFileSync(
      yaml,
      text.replace(/npt: (\d+)/, (_, v: string) => `npt: ${Number(v) + 10}`),
    );
    try {
      await runExperiment(yaml, { shard: { k: 1, n } });
    } finally {
      writeFileSync(yaml, text);
    }
    const err = await runExperiment(yaml, { merge: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/shard 1\/2 was reduced with other settings or other frames/);
  }, 240_000);
});

describe("parseShard", () => {
  it("K/N and auto (Slurm's array variables); anything else is one line naming --shard", () => {
    expect(parseShard("2/5")).toEqual({ k: 2, n: 5 });
    expect(parseShard("auto", { SLURM_ARRAY_TASK_ID: "3", SLURM_ARRAY_TASK_COUNT: "4" })).toEqual({
      k: 3,
      n: 4,
    });
    for (const bad of ["5/5", "-1/3", "a/b", "3", ""]) expect(() => parseShard(bad)).toThrow(/--shard/);
    expect(() => parseShard("auto", {})).toThrow(/SLURM_ARRAY_TASK_ID/);
  });
  it("the lines of N shards cover the log once, in order", () => {
    for (const [len, n] of [
      [48, 3],
      [7, 3],
      [5, 8],
    ] as const) {
      const parts = Array.from({ length: n }, (_, k) => shardLines(len, { k, n }));
      expect(parts[0]![0]).toBe(0);
      expect(parts.at(-1)![1]).toBe(len);
      for (let k = 1; k < n; k++) expect(parts[k]![0]).toBe(parts[k - 1]![1]);
    }
  });
});
