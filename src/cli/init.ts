/**
 * `swaxs init FOLDER`: a commented starter experiment.yaml for a folder of raw data (issue 14):
 * what was found, by content (pipeline/starter.ts), and TODO values for what was not, which
 * `swaxs run` names one at a time. Writes FOLDER/experiment.yaml (or --out), never over a file
 * that exists unless --force.
 */
import { stat } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import type { Command } from "commander";
import { InputError } from "../util/errors.js";

interface InitCliOptions {
  out?: string;
  force?: boolean;
}

export function registerInit(program: Command): void {
  program
    .command("init")
    .description(
      "write a starter experiment.yaml for a folder of raw data (frames, PONI files, masks, cycler log, scan log)",
    )
    .argument("<folder>", "the beamtime folder")
    .option("--out <file>", "where to write it (default: FOLDER/experiment.yaml)")
    .option("--force", "overwrite --out if it exists")
    .action((folder: string, o: InitCliOptions) => initCommand(folder, o));
}

async function initCommand(folder: string, o: InitCliOptions): Promise<void> {
  // loaded when the command runs (every reader of the folder's files), not at every start of swaxs
  const { cyclerClockHint, inspectFolder, matchDetectors } = await import("../pipeline/starter.js");
  const { starterYaml, TODO } = await import("../pipeline/starter-yaml.js");
  const { writeAtomic } = await import("./curves.js");
  const dir = resolve(folder);
  const st = await stat(dir).catch(() => null);
  if (!st?.isDirectory()) throw new InputError(folder, st ? "not a folder" : "no such folder");
  const out = resolve(o.out ?? join(dir, "experiment.yaml"));
  if (!o.force && (await stat(out).catch(() => null)))
    throw new InputError(out, "exists already (--force overwrites it)");
  let seen = 0;
  const found = await inspectFolder(dir, () => {
    seen++;
    if (seen % 500 === 0) process.stderr.write(`init: ${seen} files looked at…\n`);
  });
  found.unknown = found.unknown.filter((f) => f !== out);
  const dets = matchDetectors(found);
  const cycler = found.cyclers[0];
  const clock = cycler
    ? await cyclerClockHint(cycler.file, found.scanLogs.find((s) => s.kind === "csv")?.file ?? null)
    : undefined;
  const text = starterYaml(found, dets, dirname(out), clock);
  await writeAtomic(out, text);
  const todo = text
    .split("\n")
    .filter((l) => new RegExp(`:\\s*${TODO}\\b`).test(l) && !/^\s*#/.test(l)).length;
  const say = (s: string) => process.stderr.write(`${s}\n`);
  for (const d of dets)
    say(
      `${d.name}: ${d.group.frames} frames ${d.group.shape.join("×")}${d.poni ? `, ${relative(dir, d.poni)}` : ", no PONI"}${d.mask ? `, mask ${relative(dir, d.mask)}` : ""}${d.empty ? `, empty cell ${relative(dir, d.empty)}` : ""}`,
    );
  if (found.cyclers.length > 0)
    say(`cycler log: ${found.cyclers.map((c) => `${relative(dir, c.file)} (${c.format})`).join(", ")}`);
  if (found.scanLogs.length > 0)
    say(`scan log: ${found.scanLogs.map((s) => `${relative(dir, s.file)} (${s.kind})`).join(", ")}`);
  if (found.unknown.length > 0)
    say(`not recognised: ${found.unknown.length} files (listed at the end of the config)`);
  say(
    `wrote ${out}${todo > 0 ? `: ${todo} ${TODO}${todo > 1 ? "s" : ""} left to fill in (swaxs run names each)` : ": nothing left to fill in; try swaxs run on it"}`,
  );
}
