/**
 * Crash and resume (issue 13): `swaxs run` killed with SIGKILL at random moments, then run again,
 * must end with the outputs of an uninterrupted run — every CSV byte for byte, every HDF5 dataset
 * equal, run.json equal but for its date — and a killed run must never leave a folder that looks
 * complete (`results/` appears only when everything is in it). The same for `swaxs report`: killed,
 * it leaves no report or a whole one, and its re-run writes the same bytes (but the written-on line).
 * A script, not a test: the moments are random (seeded), the runs take minutes.
 *
 *   npm run build && npm run kill-resume [-- --kills 20 --workers 2 --preset tiny --seed 1]
 *
 * Prints one JSON object; exit 1 when any trial ended differently.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { type H5File, initH5, openH5 } from "../src/formats/h5.js";
import { arg } from "./args.js";
import { rng } from "./fuzz/mutate.js";
import { round } from "./measure.js";

const KILLS = Number(arg("--kills") ?? 20);
const WORKERS = arg("--workers");
const PRESET = arg("--preset") ?? "tiny";
const random = rng(Number(arg("--seed") ?? 1) * 7919);
const CLI = fileURLToPath(new URL("../bin/swaxs.js", import.meta.url));
const log = (s: string) => process.stderr.write(`${s}\n`);

function swaxs(cwd: string, ...args: string[]): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`swaxs ${args.join(" ")} (in ${cwd}) failed: ${r.stderr.slice(-500)}`);
  return (performance.now() - t) / 1000;
}

/** Start `swaxs ARGS` and SIGKILL it after `afterS` seconds; resolves with how it ended. */
function killed(cwd: string, afterS: number, ...args: string[]): Promise<"killed" | "finished"> {
  return new Promise((done) => {
    const child: ChildProcess = spawn(process.execPath, [CLI, ...args], { cwd, stdio: "ignore" });
    const timer = setTimeout(() => child.kill("SIGKILL"), afterS * 1000);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      done(signal === "SIGKILL" ? "killed" : code === 0 ? "finished" : "killed");
    });
  });
}

function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

function h5Paths(f: H5File): string[] {
  const out: string[] = [];
  const walk = (path: string) => {
    const node = f.get(path) as unknown as { keys?: () => string[]; type?: string } | null;
    if (node && typeof node.keys === "function")
      for (const k of node.keys()) walk(`${path === "/" ? "" : path}/${k}`);
    else out.push(path);
  };
  walk("/");
  return out.sort();
}

const same = (a: unknown, b: unknown): boolean => {
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    const x = a as unknown as ArrayLike<number>;
    const y = b as unknown as ArrayLike<number>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++)
      if (!(x[i] === y[i] || (Number.isNaN(x[i]) && Number.isNaN(y[i])))) return false;
    return true;
  }
  return JSON.stringify(a) === JSON.stringify(b);
};

/** Datasets that hold when a file was written, not what: not compared. */
const WHEN = /\/(date|file_time|start_time|end_time)$/;

/** `b`'s values with the folder of its run (`from`) written as the reference's (`to`): paths in provenance strings. */
const relocate = (v: unknown, from: string, to: string): unknown =>
  typeof v === "string" ? v.split(from).join(to) : Array.isArray(v) ? v.map((x) => relocate(x, from, to)) : v;

async function sameH5(a: string, b: string, from: string, to: string): Promise<string | null> {
  const [fa, fb] = [await openH5(a), await openH5(b)];
  try {
    const pa = h5Paths(fa);
    const pb = h5Paths(fb);
    if (pa.join() !== pb.join()) return "different datasets";
    for (const p of pa) {
      if (WHEN.test(p)) continue;
      const va = (fa.get(p) as unknown as { value: unknown }).value;
      const vb = relocate((fb.get(p) as unknown as { value: unknown }).value, from, to);
      if (!same(va, vb)) return `dataset ${p} differs`;
    }
    return null;
  } finally {
    fa.close();
    fb.close();
  }
}

/** Where the first difference is (a few characters of each side), for the message. */
function keepDiff(got: string, ref: string): string {
  let i = 0;
  while (i < got.length && got[i] === ref[i]) i++;
  return ` at character ${i}: ${JSON.stringify(got.slice(i, i + 60))} vs ${JSON.stringify(ref.slice(i, i + 60))}`;
}

const withoutDate = (text: string, from = "", to = "") =>
  (from ? text.split(from).join(to) : text).replace(/Written by operando-swaxs on [^<]*</, "");

/**
 * Why `got` differs from the uninterrupted `ref` results, or null when they are the same. The runs
 * sit in different folders (`gotRoot`, `refRoot`): paths in provenance are compared relocated.
 */
async function difference(
  ref: string,
  got: string,
  refRoot: string,
  gotRoot: string,
): Promise<string | null> {
  const fr = files(ref);
  const fg = files(got);
  if (fr.join() !== fg.join())
    return `files differ: ${fr
      .filter((f) => !fg.includes(f))
      .concat(fg.filter((f) => !fr.includes(f)))
      .join(", ")}`;
  for (const f of fr) {
    const [a, b] = [join(ref, f), join(got, f)];
    if (f.endsWith(".h5")) {
      const d = await sameH5(a, b, gotRoot, refRoot);
      if (d) return `${f}: ${d}`;
    } else if (f === "run.json" || f === ".swaxs") {
      const strip = (p: string, from: string, to: string) => ({
        ...JSON.parse(readFileSync(p, "utf8").split(from).join(to)),
        date: null,
      });
      if (JSON.stringify(strip(a, refRoot, refRoot)) !== JSON.stringify(strip(b, gotRoot, refRoot)))
        return `${f} differs (beyond its date)`;
    } else if (f.endsWith(".html")) {
      if (withoutDate(readFileSync(a, "utf8")) !== withoutDate(readFileSync(b, "utf8")))
        return `${f} differs`;
    } else if (!readFileSync(a).equals(readFileSync(b))) return `${f} differs`;
  }
  return null;
}

async function main() {
  if (!existsSync(join(CLI, "..", "..", "dist", "cli", "main.js")))
    throw new Error("run `npm run build` first");
  await initH5(); // now, not while a child blocks this thread (h5wasm would complain of waiting)
  const root = mkdtempSync(join(tmpdir(), "swaxs-kill-resume-"));
  try {
    const exp = join(root, "experiment");
    log(`kill-resume: simulating the ${PRESET} twin…`);
    swaxs(root, "simulate", "--preset", PRESET, "--out", exp);
    if (WORKERS !== undefined) appendFileSync(join(exp, "experiment.yaml"), `workers: ${WORKERS}\n`);
    const ref = join(root, "reference");
    cpSync(exp, ref, { recursive: true });
    const runS = swaxs(ref, "run", "experiment.yaml");
    const reportS = swaxs(ref, "report", "results", "--out", "report.html");
    log(`kill-resume: uninterrupted run ${runS.toFixed(1)} s, report ${reportS.toFixed(1)} s`);
    const trials = [];
    for (let k = 0; k < KILLS; k++) {
      const dir = join(root, `trial-${k}`);
      cpSync(exp, dir, { recursive: true });
      // one kill, or (every third trial) a second one during the resumed run
      const moments = Array.from({ length: k % 3 === 2 ? 2 : 1 }, () =>
        round((0.03 + 0.95 * random()) * runS, 2),
      );
      const ends: string[] = [];
      let lookedComplete = false;
      for (const t of moments) {
        // results/ of a run that finished before stays until a new run completes: only a killed
        // run's own results/ would be a lie
        const before = existsSync(join(dir, "results"));
        const end = await killed(dir, t, "run", "experiment.yaml");
        ends.push(end);
        if (end === "killed" && !before && existsSync(join(dir, "results"))) lookedComplete = true;
      }
      swaxs(dir, "run", "experiment.yaml");
      const runDiff = await difference(join(ref, "results"), join(dir, "results"), ref, dir);
      // the report: killed once at a random moment, then written again
      const tr = round((0.03 + 0.95 * random()) * reportS, 2);
      const reportEnd = await killed(dir, tr, "report", "results", "--out", "report.html");
      const html = join(dir, "report.html");
      const refHtml = withoutDate(readFileSync(join(ref, "report.html"), "utf8"));
      const gotHtml = () => withoutDate(readFileSync(html, "utf8"), dir, ref);
      const partialReport = reportEnd === "killed" && existsSync(html) && gotHtml() !== refHtml;
      swaxs(dir, "report", "results", "--out", "report.html");
      const reportDiff =
        gotHtml() !== refHtml
          ? `report.html differs${keepDiff(gotHtml(), refHtml)}`
          : await difference(join(ref, "report_figures"), join(dir, "report_figures"), ref, dir);
      const ok = !lookedComplete && !partialReport && runDiff === null && reportDiff === null;
      trials.push({
        kill_at_s: moments,
        ended: ends,
        report_kill_at_s: tr,
        report_ended: reportEnd,
        looked_complete_after_kill: lookedComplete,
        partial_report_left: partialReport,
        run_difference: runDiff,
        report_difference: reportDiff,
        ok,
      });
      log(
        `kill-resume: trial ${k + 1}/${KILLS}: killed at ${moments.join(", ")} s (${ends.join(", ")}) → ${ok ? "same" : `DIFFERENT: ${runDiff ?? reportDiff ?? "looked complete"}`}`,
      );
      rmSync(dir, { recursive: true, force: true });
    }
    const bad = trials.filter((t) => !t.ok).length;
    console.log(
      JSON.stringify(
        {
          preset: PRESET,
          workers: WORKERS ?? "default",
          uninterrupted_run_s: round(runS),
          uninterrupted_report_s: round(reportS),
          kills: trials.reduce((n, t) => n + t.ended.filter((e) => e === "killed").length, 0),
          report_kills: trials.filter((t) => t.report_ended === "killed").length,
          trials: trials.length,
          identical: trials.length - bad,
          different: bad,
          list: trials,
        },
        null,
        2,
      ),
    );
    process.exitCode = bad > 0 ? 1 : 0;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
