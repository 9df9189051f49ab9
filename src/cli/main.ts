/**
 * The `swaxs` command line. Bad input ends with one line on stderr (`swaxs: <file>: <problem>`) and
 * exit code 2; usage errors also exit 2; anything else is a bug: one line and exit 1, its stack
 * only with --debug (see `reportFailure`).
 */
import { Command, CommanderError, Option } from "commander";
import { RADIAL_UNIT_NAMES } from "../geometry/index.js";
import { clip, clipMiddle, fsProblem, isInputError, VERSION } from "../util/index.js";
import { registerAlign } from "./align.js";
import { registerConfig } from "./config-check.js";
import { registerDesign } from "./design.js";
import { registerInit } from "./init.js";
import { registerScanlog } from "./scanlog.js";
import { registerSlurm } from "./slurm.js";

/** No line about a bug is longer than this, whatever its source. */
const MAX_MESSAGE = 300;
/** A line about bad input names files, and users' paths are long (three 100-character paths are
 * common at a beamline), so it may be longer; cut in the middle, keeping the first file and the
 * cause at the end. */
const MAX_INPUT_MESSAGE = 1000;

export function buildProgram(): Command {
  const program = new Command("swaxs")
    .description(
      "Operando scanning SAXS/WAXS of battery cells: frames in, integrated curves, maps and time series out",
    )
    .version(VERSION)
    .option("--debug", "on an internal error, print its stack trace too (anywhere on the line)")
    .showHelpAfterError()
    .exitOverride();

  program
    .command("inspect")
    .description("show format, shape, dtype, frame count, metadata and statistics of a detector file")
    .argument("<file>", "CBF, EDF, TIFF or HDF5/NeXus file")
    .option("--dataset <path>", "HDF5 dataset holding the frames")
    .option("--frame <n>", "frame index for the statistics", "0")
    .option("--json", "print a JSON object")
    .action(async (file: string, o) => (await import("./inspect.js")).inspectCommand(file, o));

  program
    .command("integrate")
    .description("azimuthal integration (pyFAI-exact) of one or more frames")
    .argument("<files...>", "detector frames (CBF, EDF, TIFF, HDF5/NeXus)")
    .requiredOption("--poni <file>", "pyFAI calibration (PONI v1, v2 or 2.1)")
    .requiredOption("--out <file>", "one frame: .csv, .xy or .dat; many frames: .h5 or .nxs (NeXus NXdata)")
    .option("--mask <file>", "mask image (nonzero = invalid), added to the detector's gap mask")
    .option("--dark <file>", "dark image, subtracted from every frame")
    .option("--flat <file>", "flat-field image, divides every frame")
    .option("--npt <n>", "number of radial bins", "1000")
    .addOption(new Option("--unit <unit>", "radial unit").choices(RADIAL_UNIT_NAMES).default("q_nm^-1"))
    .addOption(
      new Option("--method <split>", "pixel splitting").choices(["no", "bbox", "full"]).default("bbox"),
    )
    .option("--polarization <f>", "polarisation factor in [-1, 1] (default: no correction)")
    .addOption(new Option("--error-model <m>", "error model").choices(["poisson", "none"]).default("poisson"))
    .option("--radial-range <A:B>", "radial range in the chosen unit")
    .option(
      "--flip-ud",
      "flip frames (and mask, dark, flat) top-to-bottom first, as Dioptas-made PONI files need",
    )
    .option("--dataset <path>", "HDF5 dataset holding the frames")
    .option("--frame <n>", "integrate only this frame of each file")
    .option("--workers <n>", "worker threads for many frames (default: cores, at most 4)")
    .action(async (files: string[], o) => (await import("./integrate.js")).integrateCommand(files, o));

  program
    .command("echem")
    .description(
      "read a cycler log (EC-Lab .mpt/.mpr, Neware, Arbin, Maccor, CSV): half-cycles, capacities, SODC",
    )
    .argument("<file>", "cycler file")
    .option("--mass-mg <m>", "active-material mass [mg], for mAh/g")
    .option("--timezone <tz>", "the cycler clock's time zone: IANA name (Europe/Berlin) or offset (+01:00)")
    .option("--clock-offset-s <s>", "or: seconds the cycler clock runs ahead of UTC")
    .option(
      "--columns <map>",
      "generic CSV: time=COL,voltage=COL,current=COL[,charge=COL,step=COL,cycle=COL]",
    )
    .option("--json", "print the summary as JSON")
    .option(
      "--csv <out>",
      "write one row per record: time_s, ewe_v, i_ma, unix_time, q_mah, step, cycle, sodc_pct",
    )
    .option("--dqdv", "dQ/dV per half-cycle instead (voltage bins; CSV to --csv or stdout, or --json)")
    .option("--bin-mv <mv>", "dQ/dV voltage bin width [mV] (default 5)")
    .action(async (file: string, o) => (await import("./echem.js")).echemCommand(file, o));

  program
    .command("simulate")
    .description("simulate an operando scanning SAXS/WAXS experiment (the digital twin) in real file formats")
    .requiredOption("--preset <name>", "paper-assb | paper-liquid | demo | tiny")
    .requiredOption("--out <dir>", "output folder (replaced when the simulation completes)")
    .option("--seed <n>", "random seed (same seed, same files)", "1")
    .option("--grid <RxC>", "scan grid rows x columns (rows along the stack)")
    .option("--sweeps <n>", "number of sweeps over the grid")
    .action(async (o) => (await import("./simulate.js")).simulateCommand(o));

  program
    .command("run")
    .description(
      "reduce and analyse an operando scanning experiment from its config: maps, region time series, crystallite sizes, results.h5",
    )
    .argument(
      "<config>",
      "experiment.yaml, or a folder holding one (every key: docs/config.md; swaxs init FOLDER writes a starter)",
    )
    .option(
      "--allow-missing",
      "go on past missing frame files and frames outside the cycler log, and count them",
    )
    .option(
      "--shard <K/N>",
      "reduce only the K-th of N contiguous parts of the scan log (K = 0…N−1; auto: from SLURM_ARRAY_TASK_ID/_COUNT), then `swaxs merge`",
    )
    .option(
      "--follow",
      "follow the experiment while it runs: reduce frames as they are complete on disk, update the results after each batch",
    )
    .option("--poll-s <s>", "with --follow: seconds between looks (default 2)")
    .option("--idle-s <s>", "with --follow: stop once nothing new has come for this many seconds")
    .option(
      "--slurm",
      "run it on Slurm instead: as `swaxs slurm` (its options: --shards, --partition, --time, …)",
    )
    .option("--shards <n>", "with --slurm: number of shards (default 4)")
    .option("--partition <p>", "with --slurm: Slurm partition")
    .option("--time <t>", "with --slurm: wall-clock limit per job")
    .option("--cpus <n>", "with --slurm: CPUs per shard")
    .option("--array-max <m>", "with --slurm: at most this many shards at once")
    .option("--no-wait", "with --slurm: submit and return")
    .option("--dry-run", "with --slurm: print the batch scripts, submit nothing")
    .action(async (config: string, o) =>
      o.slurm
        ? (await import("./slurm.js")).slurmCommand(config, o)
        : (await import("./run.js")).runCommand(config, o),
    );

  program
    .command("merge")
    .description("join the shards of `swaxs run --shard K/N` and analyse, as one whole run would")
    .argument("<config>", "experiment.yaml, or a folder holding one")
    .action(async (config: string) => (await import("./run.js")).runCommand(config, { merge: true }));

  program
    .command("regions")
    .description(
      "show what the regions of the last `swaxs run` were found from: per row transmission and each layer's fingerprint, boundaries and margins",
    )
    .argument("<config>", "experiment.yaml (its results folder is read)")
    .option("--svg <file>", "also draw the evidence against y with the boundaries")
    .option("--json", "print JSON instead of a table")
    .action(async (config: string, o) => (await import("./regions.js")).regionsCommand(config, o));

  program
    .command("view")
    .description("look at a results folder of `swaxs run` in the browser (local web server)")
    .argument("<results>", "results folder")
    .option("--port <n>", "port (default 8750, or any free port when it is taken)")
    .option("--host <h>", "address to listen on (default 127.0.0.1: this machine only)")
    .option("--no-open", "do not open a browser, only print the URL")
    .action(async (results: string, o) => (await import("./view.js")).viewCommand(results, o));

  program
    .command("report")
    .description(
      "write a self-contained HTML report with the paper's figure types (and PNG figures beside it)",
    )
    .argument("<results>", "results folder written by swaxs run")
    .requiredOption("--out <file>", "report.html")
    .action(async (results: string, o) => (await import("./report.js")).reportCommand(results, o));

  program
    .command("demo")
    .description(
      "simulate the paper's solid-state experiment, run the pipeline, write the report and open the viewer",
    )
    .option("--out <dir>", "where everything lands (default: a new folder swaxs-demo-<time> here)")
    .option("--no-view", "stop after the report")
    .option("--no-open", "serve the viewer but do not open a browser")
    .option("--port <n>", "viewer port (default: a free one)")
    .addOption(new Option("--preset <name>", "twin preset").choices(["demo", "tiny"]).default("demo"))
    .action(async (o) => (await import("./demo.js")).demoCommand(o, viewForDemo));

  registerScanlog(program);
  registerInit(program);
  registerConfig(program);
  registerDesign(program);
  registerAlign(program);
  registerSlurm(program);
  return program;
}

/** The viewer for `swaxs demo`, loaded only when it is asked for. */
async function viewForDemo(results: string, port: number | undefined, open: boolean): Promise<void> {
  const { viewCommand } = await import("./view.js");
  await viewCommand(results, { ...(port !== undefined && { port: String(port) }), open });
}

/** `--debug` anywhere on the command line (or SWAXS_DEBUG=1): a bug prints its stack too. */
function takeDebug(argv: string[]): { argv: string[]; debug: boolean } {
  const rest = argv.filter((a) => a !== "--debug");
  return { argv: rest, debug: rest.length !== argv.length || process.env.SWAXS_DEBUG === "1" };
}

const oneLine = (s: string, n: number) => clip(s.replace(/\s+/g, " ").trim(), n);
const oneInputLine = (s: string) => clipMiddle(s.replace(/\s+/g, " ").trim(), MAX_INPUT_MESSAGE - 7);

/**
 * The one way a failure ends the command, whatever raised it (our code, h5wasm, a worker thread,
 * a rejected promise): one line on stderr and the exit code — 2 for bad input, 1 for a bug, with
 * the stack only under --debug. Never the thrower's source: Node prints the source line of an
 * uncaught error, which for h5wasm is its whole minified module (megabytes), so nothing is left
 * uncaught.
 */
export function reportFailure(err: unknown, debug: boolean): number {
  const fs = fileSystemProblem(err);
  if (fs) {
    process.stderr.write(`swaxs: ${oneInputLine(fs)}\n`);
    return 2;
  }
  if (isInputError(err)) {
    // one line, whatever the input put into the message (a 300,000-character path, a newline)
    process.stderr.write(`swaxs: ${oneInputLine(err.message)}\n`);
    return 2;
  }
  const e = err instanceof Error ? err : new Error(typeof err === "string" ? err : String(err));
  const head = "swaxs: internal error: ";
  const tail = ` (a bug in swaxs${debug ? "" : "; --debug shows the stack"})`;
  const what = oneLine(e.message || e.name || "unknown error", MAX_MESSAGE - head.length - tail.length);
  process.stderr.write(`${head}${what}${tail}\n`);
  if (debug && e.stack) {
    // frames only (file:line:column), each line cut: never a library's source text
    const frames = e.stack.split("\n").filter((l) => /^\s*at /.test(l));
    for (const l of frames.slice(0, 40)) process.stderr.write(`  ${oneLine(l, MAX_MESSAGE)}\n`);
  }
  return 1;
}

/** "PATH: problem" for a Node file-system error the machine raised, else null. */
function fileSystemProblem(err: unknown): string | null {
  const e = err as NodeJS.ErrnoException | null;
  // what the machine refused (a full disk, a read-only or forbidden folder), not a bug of ours
  const what = e && typeof e === "object" && typeof e.code === "string" ? fsProblem(e.code) : undefined;
  if (!what) return null;
  return `${e!.path ?? e!.syscall ?? "a file"}: ${what}`;
}

/** Run the CLI; returns the exit code instead of exiting, so tests can call it in-process. */
export async function run(argv: string[]): Promise<number> {
  const { argv: args, debug } = takeDebug(argv);
  const program = buildProgram();
  try {
    await program.parseAsync(args, { from: "user" });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version") return 0;
      return 2;
    }
    return reportFailure(err, debug);
  }
}

/**
 * The process entry (bin/swaxs.js): `run`, and whatever escapes it later — an exception in a
 * callback, a promise rejected with no handler — goes the same one-line way and ends the process.
 */
export async function main(argv: string[]): Promise<void> {
  const { debug } = takeDebug(argv);
  const fatal = (err: unknown) => {
    process.exitCode = reportFailure(err, debug);
    process.exit();
  };
  process.on("uncaughtException", fatal);
  process.on("unhandledRejection", fatal);
  process.exitCode = await run(argv);
}
