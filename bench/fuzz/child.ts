/**
 * One fuzzing process (started by bench/fuzz/run.ts): feeds inputs START… of one target to its
 * reader and prints one line per input, `<index> <outcome>` (outcome ok | refused | crash:<msg> |
 * memory:<MB>), so the parent sees progress (a silent child is hung) and where it stopped. The
 * input being read is also in DIR/current, for the parent to keep when the child hangs or dies.
 *
 *   node --import tsx bench/fuzz/child.ts TARGET START END SEED DIR MEMORY_CAP_MB
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../src/util/errors.js";
import { mutate, rng } from "./mutate.js";
import { TARGETS } from "./targets.js";

const [name, startS, endS, seedS, dir, capS] = process.argv.slice(2);
const target = TARGETS.find((t) => t.name === name);
if (!target) throw new Error(`unknown target ${name}`);
// plain copies: a Buffer's slice() is a view, so mutating "copies" of a Buffer seed would corrupt it
const seeds = target.seeds().map((s) => Uint8Array.from(s));
const cap = Number(capS) * 2 ** 20;
const path = join(dir!, target.file);

/** Input i of the target: the same for the same seed, whatever process makes it. */
export function input(i: number): Uint8Array {
  const r = rng((Number(seedS) * 2654435761) ^ (i * 40503) ^ hash(name!));
  return mutate(seeds[i % seeds.length]!, r, target!.text);
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

const out: string[] = [];
let flushed = 0;
const flush = () => {
  if (out.length) process.stdout.write(`${out.join("\n")}\n`);
  out.length = 0;
};

for (let i = Number(startS); i < Number(endS); i++) {
  const bytes = input(i);
  writeFileSync(path, bytes);
  writeFileSync(join(dir!, "current"), `${i}\n`);
  let outcome = "ok";
  try {
    await target.read(path);
  } catch (err) {
    // refused as it should be: an InputError that names a file (one line is the CLI's job)
    if (err instanceof InputError && err.file !== "") outcome = "refused";
    else {
      const e = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      outcome = `crash:${e.replace(/\s+/g, " ").slice(0, 200)}`;
    }
  }
  // the input of a finding is kept by the child itself: the next input overwrites `path` at once
  if (outcome !== "ok" && outcome !== "refused") writeFileSync(join(dir!, `finding-${i}`), bytes);
  const rss = process.memoryUsage().rss;
  if (rss > cap) outcome = `memory:${Math.round(rss / 2 ** 20)}`;
  out.push(`${i} ${outcome}`);
  // a crash is printed at once (the next input may hang); otherwise every 50 inputs or each second
  if (outcome !== "ok" && outcome !== "refused") flush();
  else if (out.length >= 50 || performance.now() - flushed > 1000) {
    flush();
    flushed = performance.now();
  }
  if (outcome.startsWith("memory")) break;
}
flush();
process.stdout.write("done\n");
