/**
 * `swaxs config check experiment.yaml|FOLDER`: every problem of a config at once, one line each
 * (`line N: key: problem`), where `swaxs run` stops at the first (issue 21). Exit 0 and one line
 * when there is none; otherwise the lines, then the error path's last line and exit 2.
 */
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { InputError } from "../util/errors.js";
import { configOf } from "./config-path.js";

export function registerConfig(program: Command): void {
  const config = program.command("config").description("look at an experiment config without running it");
  config
    .command("check")
    .description("list every problem of a config at once (swaxs run stops at the first)")
    .argument("<config>", "experiment.yaml, or a folder holding one")
    .action((path: string) => checkCommand(path));
}

async function checkCommand(path: string): Promise<void> {
  const file = await configOf(path);
  const text = await readFile(file, "utf8").catch(() => null);
  if (text === null) throw new InputError(file, "no such file or not readable");
  const { configProblems } = await import("../pipeline/config.js");
  const problems = await configProblems(text, file);
  if (problems.length === 0) {
    process.stdout.write(`${file}: no problems found\n`);
    return;
  }
  for (const p of problems) process.stderr.write(`${file}: ${p}\n`);
  // the one error path: a last line naming the file, and exit 2
  throw new InputError(file, `${problems.length} problem${problems.length > 1 ? "s" : ""} (listed above)`);
}
