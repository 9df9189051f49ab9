/**
 * `swaxs scanlog SOURCE.spec --out scan.csv --x NAME --y NAME --frames DET=PATTERN …`: the canonical
 * scan log `swaxs run` reads, made from a beamline's SPEC file. Registered by `registerScanlog`, which
 * loads the SPEC reader only when the command runs.
 */
import { access } from "node:fs/promises";
import { resolve } from "node:path";
import type { Command } from "commander";
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
  xScale?: string;
  yScale?: string;
  timezone?: string;
  force?: boolean;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function registerScanlog(program: Command): void {
  program
    .command("scanlog")
    .description("write the canonical scan log (scan.csv for swaxs run) from a beamline's SPEC file")
    .argument("<source>", "SPEC data file")
    .requiredOption("--out <file>", "scan log to write (time,detector,file,frame,x_mm,y_mm,exposure_s,i0,it)")
    .requiredOption(
      "--x <name>",
      "horizontal beam position: a #L column, or a motor (#O name or #o mnemonic)",
    )
    .requiredOption("--y <name>", "vertical beam position: a #L column, or a motor")
    .option("--i0 <name>", "monitor column (incident beam); without it the log holds 0")
    .option("--it <name>", "transmitted-beam column; without it the log holds 0")
    .option("--exposure <name|seconds>", "exposure: a column or seconds (default: each scan's #T)")
    .option(
      "--scan <list>",
      "scans, e.g. 3,5-7 or 3.2 for the second scan numbered 3 (default: all with data)",
    )
    .option(
      "--frames <DET=PATTERN>",
      "a detector's frame files, relative to the scan log's folder; {scan}, {point} (0-based in the scan), {index} (over all points), formats as {point:05d}; repeat per detector",
      collect,
    )
    .option("--x-scale <f>", "factor from the x values to mm", "1")
    .option("--y-scale <f>", "factor from the y values to mm", "1")
    .option(
      "--timezone <tz>",
      "the beamline clock's zone for #D dates, needed without an Epoch column (Europe/Paris, +01:00)",
    )
    .option("--force", "overwrite --out if it exists")
    .action((source: string, o: ScanlogCliOptions) => scanlogCommand(source, o));
}

/** A finite, non-zero factor. */
function factor(v: string | undefined, flag: string): number {
  const f = Number(v ?? "1");
  if (!Number.isFinite(f) || f === 0 || (v ?? "1").trim() === "")
    throw new InputError("", `${flag} must be a non-zero number, got "${v}"`);
  return f;
}

export async function scanlogCommand(source: string, o: ScanlogCliOptions): Promise<void> {
  const xScale = factor(o.xScale, "--x-scale");
  const yScale = factor(o.yScale, "--y-scale");
  if (resolve(o.out) === resolve(source)) throw new InputError(o.out, "is the SPEC file itself");
  if (!o.force && (await exists(o.out))) throw new InputError(o.out, "exists (--force overwrites it)");
  const [{ readSpecFile, specScanLog }, { writeAtomic }] = await Promise.all([
    import("../scan/index.js"),
    import("./curves.js"),
  ]);
  const spec = await readSpecFile(source);
  const log = specScanLog(spec, {
    x: o.x,
    y: o.y,
    frames: o.frames ?? [],
    xScale,
    yScale,
    ...(o.i0 !== undefined && { i0: o.i0 }),
    ...(o.it !== undefined && { it: o.it }),
    ...(o.exposure !== undefined && { exposure: o.exposure }),
    ...(o.scan !== undefined && { scans: o.scan }),
    ...(o.timezone !== undefined && { timezone: o.timezone }),
  });
  await writeAtomic(o.out, log.csv);
  const from = [...new Set(log.timeFrom)].join(" and ");
  const skipped = log.empty.length ? `; skipped (no data): ${scanList(log.empty)}` : "";
  process.stderr.write(
    `scanlog: ${log.rows} rows (${log.points} points × ${log.detectors.length} detector${log.detectors.length > 1 ? "s" : ""}) from ${scanList(log.scans)} to ${o.out}; times from ${from}${skipped}\n`,
  );
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
