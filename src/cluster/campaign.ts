/**
 * What runs on the cluster: one experiment, or a campaign file listing several (each becomes its
 * own job array and merge job). A campaign file is YAML:
 *
 *   shards: 8            # options for every experiment (each may override them)
 *   partition: short
 *   time: "02:00:00"
 *   cpus: 4
 *   array_max: 4
 *   experiments:
 *     - cell1/experiment.yaml          # relative to the campaign file
 *     - {config: cell2/experiment.yaml, shards: 16}
 *
 * or simply a YAML list of experiment.yaml paths. An experiment's results folder is its config's
 * `out` (default "results", relative to the config), read here without loading the whole config so
 * that submitting needs no frame files on the login node.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { clip, InputError } from "../util/errors.js";
import { readYaml } from "../util/yaml.js";
import type { SlurmResources } from "./script.js";
import { slurmDirOf } from "./script.js";

/** Options of a sharded run, from the command line or a campaign file. */
export interface ShardOptions extends SlurmResources {
  /** N, the number of shards (array tasks) */
  shards?: number;
  /** at most this many tasks of one array at once */
  arrayMax?: number;
}

/** One experiment ready to submit. */
export interface ExperimentPlan extends SlurmResources {
  /** absolute path of its experiment.yaml */
  config: string;
  /** a short name for the jobs (the config's folder) */
  name: string;
  shards: number;
  arrayMax?: number;
  /** its results folder (absolute) */
  out: string;
  /** where its scripts, logs and report go: `<out>.slurm/` */
  slurmDir: string;
}

/** Without --shards: 4 shards, a start that keeps a small cluster share busy without flooding it. */
export const DEFAULT_SHARDS = 4;

/** Keys of a campaign file and of one of its entries, with their types. */
const OPTION_KEYS: Record<string, "int" | "text"> = {
  shards: "int",
  array_max: "int",
  cpus: "int",
  partition: "text",
  time: "text",
  mem: "text",
};

/** A file that holds a campaign (a list, or a map with `experiments:`) rather than one experiment. */
export function isCampaign(data: unknown): boolean {
  return Array.isArray(data) || (isMap(data) && "experiments" in data);
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Reads the options at a map's top level; unknown keys are refused (a typo must not pass silently). */
function optionsOf(m: Record<string, unknown>, file: string, where: string, allowed: string[]): ShardOptions {
  const o: ShardOptions = {};
  for (const [k, v] of Object.entries(m)) {
    if (allowed.includes(k)) continue;
    const kind = OPTION_KEYS[k];
    if (!kind)
      throw new InputError(
        file,
        `${where}unknown key "${clip(k, 40)}" (known: ${[...allowed, ...Object.keys(OPTION_KEYS)].join(", ")})`,
      );
    if (kind === "int") {
      if (typeof v !== "number" || !Number.isInteger(v) || v < 1)
        throw new InputError(
          file,
          `${where}${k} must be a whole number ≥ 1, got ${clip(JSON.stringify(v), 40)}`,
        );
      if (k === "shards") o.shards = v;
      else if (k === "array_max") o.arrayMax = v;
      else o.cpus = v;
    } else {
      if (typeof v !== "string" && typeof v !== "number")
        throw new InputError(file, `${where}${k} must be text, got ${clip(JSON.stringify(v), 40)}`);
      (o as Record<string, string>)[k] = String(v);
    }
  }
  return o;
}

/** The experiments a campaign file names, with each one's options (entry over file over `given`). */
export function readCampaign(file: string, given: ShardOptions = {}): ExperimentPlan[] {
  const data = readYaml(readFileSync(file, "utf8"), file).data;
  if (!isCampaign(data))
    throw new InputError(
      file,
      "not a campaign: expected a list of experiment.yaml paths or experiments: [...]",
    );
  const top = Array.isArray(data)
    ? {}
    : optionsOf(data as Record<string, unknown>, file, "", ["experiments"]);
  const list = Array.isArray(data) ? data : (data as Record<string, unknown>).experiments;
  if (!Array.isArray(list) || list.length === 0)
    throw new InputError(file, "experiments: expected a non-empty list of experiment.yaml paths");
  const dir = dirname(resolve(file));
  return list.map((entry, i) => {
    const where = `experiments[${i}]: `;
    const path = typeof entry === "string" ? entry : isMap(entry) ? entry.config : undefined;
    if (typeof path !== "string" || path === "")
      throw new InputError(file, `${where}expected a path or {config: PATH, …}`);
    const own = isMap(entry) ? optionsOf(entry, file, where, ["config"]) : {};
    return planExperiment(resolve(dir, path), { ...given, ...top, ...own }, `${file}: ${where}`);
  });
}

/** One experiment's plan: its config (a file or a folder holding experiment.yaml) and options. */
export function planExperiment(config: string, o: ShardOptions = {}, namedBy = ""): ExperimentPlan {
  let file = resolve(config);
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "experiment.yaml");
  if (!existsSync(file))
    throw new InputError(namedBy ? `${namedBy}${config}` : config, "no such config file");
  const data = readYaml(readFileSync(file, "utf8"), file).data;
  const outKey = isMap(data) ? data.out : undefined;
  if (outKey !== undefined && (typeof outKey !== "string" || outKey === ""))
    throw new InputError(file, "out: expected a folder name");
  const out = resolve(dirname(file), outKey ?? "results");
  const shards = o.shards ?? DEFAULT_SHARDS;
  if (!Number.isInteger(shards) || shards < 1)
    throw new InputError(file, `shards must be ≥ 1, got ${shards}`);
  return {
    ...o,
    config: file,
    name: basename(dirname(file)) || "experiment",
    shards,
    out,
    slurmDir: slurmDirOf(out),
  };
}
