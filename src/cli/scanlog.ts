/**
 * `swaxs scanlog SOURCE… --out scan.csv --x NAME --y NAME …`: the canonical scan log `swaxs run`
 * reads, made from what a beamline wrote: a SPEC file, an HDF5 scan file in the Bliss (NeXus)
 * layout, or the frames' own headers (EDF, CBF). The source's kind is found from its content.
 * Registered by `registerScanlog`, which loads the readers only when the command runs.
 */
import { access } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import type { HeaderSet, MadeScanLog, ScanSource } from "../scan/index.js";
import { InputError } from "../util/errors.js";

export interface ScanlogCliOptions {
  out: string;
  x: string;
  y: string;
  i0?: string;
  it?: string;
  exposure?: string;
  scan?: string;
  frames?: string[];
  headers?: string[];
  detector?: string;
  xScale?: string;
  yScale?: string;
  timezone?: string;
  force?: boolean;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function registerScanlog(program: Command): void {
  program
    .command("scanlog")
    .description(
      "write the canonical scan log (scan.csv for swaxs run) from a SPEC file, a Bliss/NeXus HDF5 scan file, or the frames' headers (EDF, CBF)",
    )
    .argument(
      "[source...]",
      "a SPEC data file; a Bliss HDF5 scan file (/<n>.1/measurement, instrument/positioners); or EDF/CBF frame files or globs, read for their headers",
    )
    .requiredOption("--out <file>", "scan log to write (time,detector,file,frame,x_mm,y_mm,exposure_s,i0,it)")
    .requiredOption(
      "--x <name>",
      "horizontal beam position: a column (SPEC #L, Bliss measurement counter, header motor/counter/key), or a motor held during the scan (#O/#o, instrument/positioners)",
    )
    .requiredOption("--y <name>", "vertical beam position, as --x")
    .option("--i0 <name>", "monitor (incident beam) column; without it the log holds 0")
    .option("--it <name>", "transmitted-beam column; without it the log holds 0")
    .option(
      "--exposure <name|seconds>",
      "exposure: a column or seconds (default: SPEC's #T, a header's exposure time; Bliss needs it)",
    )
    .option(
      "--scan <list>",
      "scans, e.g. 3,5-7; SPEC: 3.2 for the second scan numbered 3; Bliss: 1.1,2.1 (3 means 3.1) (default: all with data)",
    )
    .option(
      "--frames <DET=PATTERN|DET>",
      "a detector's frame files, relative to the scan log's folder; {scan}, {point} (0-based in the scan), {index} (over all points), formats as {point:05d}; Bliss: DET alone for the frames in measurement/DET (default: every detector there); repeat per detector",
      collect,
    )
    .option(
      "--headers <DET=GLOB|GLOB>",
      "frame files whose headers make the log (EDF motor_mne/motor_pos, counter_mne/counter_pos, time_of_day, time; miniCBF date and Exposure_time), a glob such as 'frames/saxs_*.edf'; repeat per detector",
      collect,
    )
    .option("--detector <name>", "the detector of frame files given without DET= (headers)")
    .option("--x-scale <f>", "factor from the x values to mm", "1")
    .option("--y-scale <f>", "factor from the y values to mm", "1")
    .option(
      "--timezone <tz>",
      "the beamline clock's zone for local times: SPEC #D without an Epoch column, a start_time or header time without a zone (Europe/Paris, +01:00)",
    )
    .option("--force", "overwrite --out if it exists")
    .action((sources: string[], o: ScanlogCliOptions) => scanlogCommand(sources, o));
}

/** A finite, non-zero factor. */
function factor(v: string | undefined, flag: string): number {
  const f = Number(v ?? "1");
  if (!Number.isFinite(f) || f === 0 || (v ?? "1").trim() === "")
    throw new InputError("", `${flag} must be a non-zero number, got "${v}"`);
  return f;
}

export async function scanlogCommand(sources: string | string[], o: ScanlogCliOptions): Promise<void> {
  const given = [sources].flat();
  const xScale = factor(o.xScale, "--x-scale");
  const yScale = factor(o.yScale, "--y-scale");
  const [scan, { writeAtomic }] = await Promise.all([import("../scan/index.js"), import("./curves.js")]);
  const source = await sourceOf(given, o, scan.scanSourceKind, { xScale, yScale });
  if (given.some((s) => resolve(s) === resolve(o.out)))
    throw new InputError(o.out, `is the ${source.kind === "spec" ? "SPEC" : "source"} file itself`);
  if (!o.force && (await exists(o.out))) throw new InputError(o.out, "exists (--force overwrites it)");
  const log = await scan.makeScanLog(source);
  await writeAtomic(o.out, log.csv);
  process.stderr.write(summary(log, source.kind, o.out));
}

/** The options every source shares. */
function columns(o: ScanlogCliOptions, scales: { xScale: number; yScale: number }) {
  return {
    x: o.x,
    y: o.y,
    ...scales,
    ...(o.i0 !== undefined && { i0: o.i0 }),
    ...(o.it !== undefined && { it: o.it }),
    ...(o.exposure !== undefined && { exposure: o.exposure }),
    ...(o.timezone !== undefined && { timezone: o.timezone }),
  };
}

/** What to read: the kind of the first source decides, by its content. */
async function sourceOf(
  given: string[],
  o: ScanlogCliOptions,
  kindOf: (file: string) => Promise<ScanSource["kind"]>,
  scales: { xScale: number; yScale: number },
): Promise<ScanSource> {
  const common = columns(o, scales);
  // file names in the log are relative to its own folder, where `swaxs run` resolves them
  const relativeTo = dirname(resolve(o.out));
  const kind = o.headers?.length ? "headers" : given.length ? await kindOf(given[0]!) : null;
  if (kind === null)
    throw new InputError(
      "",
      "no source: give a SPEC file, a Bliss HDF5 file, or frame files (--headers DET=GLOB)",
    );
  if (kind === "headers") {
    if (o.frames?.length)
      throw new InputError(
        "",
        "--frames applies to SPEC and Bliss sources; frame headers name their files with --headers DET=GLOB",
      );
    if (o.scan !== undefined)
      throw new InputError("", "--scan applies to SPEC and Bliss sources, not to frame headers");
    return { kind, sets: headerSets(given, o), options: { ...common, relativeTo } };
  }
  if (given.length > 1)
    throw new InputError(
      given[1]!,
      `one ${kind === "spec" ? "SPEC" : "HDF5 scan"} file at a time (${given[0]} is one)`,
    );
  if (o.detector !== undefined) throw new InputError("", "--detector applies to frame headers (--headers)");
  const scans = o.scan !== undefined && { scans: o.scan };
  const frames = o.frames ?? [];
  if (kind === "spec") return { kind, file: given[0]!, options: { ...common, ...scans, frames } };
  return { kind, file: given[0]!, options: { ...common, ...scans, frames, relativeTo } };
}

/** `--headers DET=GLOB`, `--headers GLOB` and files given as sources, grouped by detector. */
function headerSets(given: string[], o: ScanlogCliOptions): HeaderSet[] {
  const sets = new Map<string, string[]>();
  const add = (det: string | undefined, glob: string) => {
    if (det === undefined)
      throw new InputError(glob, "whose detector? give --detector NAME, or --headers DET=GLOB");
    sets.set(det, [...(sets.get(det) ?? []), glob]);
  };
  for (const h of o.headers ?? []) {
    const m = /^([A-Za-z0-9_.-]+)=(.+)$/.exec(h);
    if (m) add(m[1], m[2]!);
    else add(o.detector, h);
  }
  for (const s of given) add(o.detector, s);
  return [...sets].map(([detector, files]) => ({ detector, files }));
}

/** The one summary line, then the notes and what the config needs, one line each. */
function summary(log: MadeScanLog, kind: ScanSource["kind"], out: string): string {
  const dets = `${log.detectors.length} detector${log.detectors.length > 1 ? "s" : ""}`;
  const from = [...new Set(log.timeFrom)].join(" and ");
  const lines =
    kind === "headers"
      ? [
          `scanlog: ${log.rows} rows (frames of ${log.detectors.join(", ")}) from their headers to ${out}; times from ${from}`,
        ]
      : [
          `scanlog: ${log.rows} rows (${log.points} points × ${dets}) from ${scanList(log.scans)} to ${out}; times from ${from}${log.empty.length ? `; skipped (no data): ${scanList(log.empty)}` : ""}`,
        ];
  for (const n of log.notes) lines.push(`scanlog: note: ${n}`);
  for (const [det, ds] of Object.entries(log.datasets))
    lines.push(
      `scanlog: ${det}'s frames are ${ds} in their HDF5 files (detectors.${det}.dataset in the config)`,
    );
  return `${lines.join("\n")}\n`;
}

/** Scan keys for the one summary line: all of a few, the ends of many. */
function scanList(keys: string[]): string {
  const s = keys.length > 1 ? "scans" : "scan";
  if (keys.length <= 8) return `${s} ${keys.join(", ")}`;
  return `${keys.length} ${s} ${keys.slice(0, 3).join(", ")}, …, ${keys.slice(-2).join(", ")}`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
