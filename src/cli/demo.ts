/**
 * `swaxs demo [--out DIR] [--no-view]`: the README's first command. Simulates the paper's
 * solid-state experiment (the digital twin's `demo` preset), runs the pipeline on it, writes the
 * report and serves the viewer. Everything lands under DIR: experiment/ (frames, logs, config),
 * experiment/results/ and report.html.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { runExperiment } from "../pipeline/run.js";
import { writeReport } from "../report/index.js";
import { PRESETS, simulate } from "../simulate/index.js";
import { checkOutputFolder, madeBySwaxs, markFolder } from "../util/index.js";
import { progress } from "./progress.js";

export interface DemoOptions {
  out?: string;
  view?: boolean;
  port?: string;
  open?: boolean;
  preset?: string;
}

const stamp = () => new Date().toISOString().slice(0, 19).replace(/[-:]/g, "").replace("T", "-");

export async function demoCommand(
  o: DemoOptions,
  view: (results: string, port: number | undefined, open: boolean) => Promise<void>,
): Promise<void> {
  const dir = resolve(o.out ?? `swaxs-demo-${stamp()}`);
  const preset = o.preset === "tiny" ? PRESETS.tiny : PRESETS.demo;
  const exp = join(dir, "experiment");
  const yaml = join(exp, "experiment.yaml");
  // a folder of an earlier demo is reused (its simulation kept); any other non-empty one is refused,
  // as are the working folder and its ancestors
  checkOutputFolder(dir, { namedBy: "--out", key: "--out", command: "swaxs demo" });
  const reuse = existsSync(yaml) && madeBySwaxs(exp);
  mkdirSync(dir, { recursive: true });
  markFolder(dir, "swaxs demo");
  const t0 = performance.now();
  const say = (m: string) => process.stderr.write(`${m}\n`);
  if (reuse) say(`demo: reusing the simulated experiment in ${exp}`);
  else {
    const total = preset.rows * preset.cols * preset.sweeps;
    say(
      `demo: simulating the paper's solid-state Li–S cell (${preset.rows}×${preset.cols} grid, ${preset.sweeps} sweeps, ${2 * total} frames)…`,
    );
    const bar = progress("simulate", total, "scan points");
    let last = 0;
    await simulate(preset, exp, {
      seed: 1,
      onProgress: (done) => {
        bar.tick(done - last);
        last = done;
      },
    });
    bar.stop();
  }
  say("demo: reducing and analysing (swaxs run)…");
  let seen = 0;
  let runBar: ReturnType<typeof progress> | null = null;
  const s = await runExperiment(yaml, {
    onProgress: (done, total) => {
      runBar ??= progress("reduce", total);
      runBar.tick(done - seen);
      seen = done;
    },
    onNote: say,
  });
  (runBar as ReturnType<typeof progress> | null)?.stop();
  const report = await writeReport(s.out, join(dir, "report.html"));
  say(
    `demo: ${s.frames} frames on a ${s.rows}×${s.cols} grid reduced and analysed; ${report.figures.length} figures in ${((performance.now() - t0) / 1000).toFixed(0)} s\n` +
      `  experiment: ${exp}\n  results:    ${s.out}\n  report:     ${report.html}` +
      (report.pngs ? `\n  figures:    ${join(dir, "report_figures")}` : ""),
  );
  if (o.view === false) return;
  await view(s.out, o.port === undefined ? undefined : Number(o.port), o.open !== false);
}
