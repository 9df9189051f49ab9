/**
 * `npm run fuzz`: mutation fuzzing of every reader of user files (issue 13). For each target
 * (bench/fuzz/targets.ts) N inputs are made from its seeds (bench/fuzz/mutate.ts) and read in a child
 * process with a memory cap; the child reports each input's outcome. Findings: an exception other
 * than an InputError naming the file (crash), no progress for --hang-s seconds (hang: the child is
 * killed and the run goes on after that input), a process above the memory cap or killed for it
 * (memory). Each finding's input is kept in --keep DIR (default: a folder in the system's temporary
 * folder) so it can become a test. Prints one JSON object; exit 1 when anything was found.
 *
 *   npm run fuzz [-- --n 10000 --targets cbf,edf --seed 1 --hang-s 10 --memory-mb 1024 --keep DIR]
 */
import { spawn } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { arg } from "../args.js";
import { TARGETS } from "./targets.js";

const N = Number(arg("--n") ?? 10000);
const SEED = Number(arg("--seed") ?? 1);
const HANG_S = Number(arg("--hang-s") ?? 10);
const MEMORY_MB = Number(arg("--memory-mb") ?? 1024);
const names = (arg("--targets") ?? TARGETS.map((t) => t.name).join(",")).split(",");
const keep = arg("--keep") ?? mkdtempSync(join(tmpdir(), "swaxs-fuzz-findings-"));
const CHILD = fileURLToPath(new URL("./child.ts", import.meta.url));
const TSX = new URL("../../node_modules/tsx/dist/loader.mjs", import.meta.url).href;
const log = (s: string) => process.stderr.write(`${s}\n`);

interface Finding {
  target: string;
  index: number;
  kind: "crash" | "hang" | "memory" | "died";
  detail: string;
  input: string;
}

/** Run inputs [start, N) of `name` in one child; resolves with where it got to and why it stopped. */
function runChild(
  name: string,
  start: number,
  work: string,
  onLine: (i: number, outcome: string) => void,
): Promise<{
  next: number;
  stop: "done" | "hang" | "died" | "memory";
  code: number | null;
  firstError: string;
}> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        `--max-old-space-size=${MEMORY_MB}`,
        "--import",
        TSX,
        CHILD,
        name,
        String(start),
        String(N),
        String(SEED),
        work,
        String(MEMORY_MB),
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let next = start;
    let done = false;
    let memory = false;
    let buf = "";
    let hung = false;
    // the first answer may take the child's start-up too (loading TypeScript on a busy machine)
    let timer = setTimeout(kill, (HANG_S + 60) * 1000);
    function kill() {
      hung = true;
      child.kill("SIGKILL");
    }
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (s: string) => {
      clearTimeout(timer);
      timer = setTimeout(kill, HANG_S * 1000);
      buf += s;
      const lines = buf.split("\n");
      buf = lines.pop()!;
      for (const l of lines) {
        if (l === "done") done = true;
        else {
          const sp = l.indexOf(" ");
          const i = Number(l.slice(0, sp));
          const outcome = l.slice(sp + 1);
          next = i + 1;
          if (outcome.startsWith("memory")) memory = true;
          onLine(i, outcome);
        }
      }
    });
    let err = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (s: string) => {
      if (err.length < 4000) err += s;
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      const firstError = err.split("\n").find((l) => /Error/.test(l)) ?? err.slice(0, 300);
      resolve({ next, stop: done ? "done" : hung ? "hang" : memory ? "memory" : "died", code, firstError });
    });
  });
}

async function fuzz(name: string) {
  const work = mkdtempSync(join(tmpdir(), `swaxs-fuzz-${name}-`));
  const counts: Record<string, number> = { ok: 0, refused: 0 };
  const findings: Finding[] = [];
  const keepInput = (index: number, kind: Finding["kind"], detail: string) => {
    const file = join(
      keep,
      `${name}-${index}-${kind}${TARGETS.find((t) => t.name === name)!.file.replace(/^[^.]*/, "")}`,
    );
    try {
      // a crash's input the child kept; a hang's or a death's is the one it was reading
      const kept = join(work, `finding-${index}`);
      copyFileSync(existsSync(kept) ? kept : join(work, TARGETS.find((t) => t.name === name)!.file), file);
    } catch {
      writeFileSync(file, "");
    }
    findings.push({ target: name, index, kind, detail, input: file });
  };
  const t0 = performance.now();
  let start = 0;
  try {
    while (start < N) {
      const r = await runChild(name, start, work, (i, outcome) => {
        const kind = outcome.split(":")[0]!;
        if (kind === "ok" || kind === "refused") counts[kind]!++;
        else keepInput(i, kind as Finding["kind"], outcome.slice(kind.length + 1));
      });
      if (r.stop === "done") break;
      if (r.stop === "died" && r.next === start && r.firstError)
        throw new Error(`fuzz ${name}: the child could not start: ${r.firstError}`);
      // the input it was on when it hung or died: from DIR/current
      let at = r.next;
      try {
        at = Number(readFileSync(join(work, "current"), "utf8"));
      } catch {}
      if (r.stop === "hang" || r.stop === "died") keepInput(at, r.stop, `exit code ${r.code}`);
      start = at + 1;
      log(`fuzz ${name}: child stopped (${r.stop}) at input ${at}; going on from ${start}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const seconds = (performance.now() - t0) / 1000;
  log(`fuzz ${name}: ${N} inputs in ${seconds.toFixed(1)} s, ${findings.length} findings`);
  return {
    target: name,
    inputs: N,
    ...counts,
    findings: findings.length,
    seconds: Math.round(seconds),
    list: findings,
  };
}

mkdirSync(keep, { recursive: true });
const results = [];
for (const name of names) {
  if (!TARGETS.some((t) => t.name === name))
    throw new Error(`unknown target ${name} (${TARGETS.map((t) => t.name)})`);
  results.push(await fuzz(name));
}
const total = results.reduce((n, r) => n + r.findings, 0);
console.log(
  JSON.stringify(
    {
      seed: SEED,
      inputs_per_target: N,
      memory_cap_mb: MEMORY_MB,
      hang_s: HANG_S,
      findings: total,
      kept_in: keep,
      targets: results.map(({ list, ...r }) => ({ ...r, examples: list.slice(0, 5) })),
    },
    null,
    2,
  ),
);
process.exitCode = total > 0 ? 1 : 0;
