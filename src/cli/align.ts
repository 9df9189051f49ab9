/**
 * `swaxs align SCAN.csv [--scan vertical|horizontal] [--step-mm S] [--layers A,B,…] [--json] [--out FILE.json]`
 * (issue 15): the stack's edges and layers from a transmission line scan (align/), a table or
 * JSON on stdout, and the `regions.by_row` block to paste into experiment.yaml.
 */
import { resolve } from "node:path";
import type { Command } from "commander";
import { Option } from "commander";
import type { AlignmentResult } from "../align/index.js";
import { InputError } from "../util/errors.js";
import { writeAtomic } from "./curves.js";

export interface AlignCliOptions {
  scan?: "vertical" | "horizontal";
  stepMm?: string;
  layers?: string;
  marginRows?: string;
  json?: boolean;
  out?: string;
}

const say = (s: string): void => {
  process.stdout.write(`${s}\n`);
};
/** µm with one decimal, for positions and widths given in mm. */
const um = (mm: number) => (Number.isFinite(mm) ? (mm * 1000).toFixed(1) : "—");

export function registerAlign(program: Command): void {
  program
    .command("align")
    .description(
      "the stack's extent and layer edges from a transmission line scan (erf fits with widths and errors), and a proposed scan grid",
    )
    .argument("<scan>", "CSV with columns scan,x_mm,y_mm,i0,it (the simulator's alignment.csv)")
    .addOption(
      new Option("--scan <direction>", "which scan of the file (default: vertical when present)").choices([
        "vertical",
        "horizontal",
      ]),
    )
    .option("--step-mm <S>", "row spacing of the proposed grid [mm] (default: the edges' median FWHM)")
    .option(
      "--layers <names>",
      "the layers between the stack's outer edges, lowest first, comma-separated region names (default: cathode,separator,anode)",
    )
    .option("--margin-rows <n>", "grid rows outside the stack at each end", "1")
    .option("--json", "print a JSON object")
    .option("--out <file>", "also save the JSON object to this file")
    .action(async (scan: string, o: AlignCliOptions) => alignCommand(scan, o));
}

function positive(v: string, flag: string): number {
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n <= 0)
    throw new InputError("", `${flag} must be a number > 0, got "${v}"`);
  return n;
}

async function layerNames(spec: string | undefined): Promise<string[] | undefined> {
  if (spec === undefined) return undefined;
  const { REGION_NAMES } = await import("../pipeline/config.js");
  const names = spec.split(",").map((s) => s.trim());
  for (const n of names)
    if (!(REGION_NAMES as readonly string[]).includes(n))
      throw new InputError("", `--layers: "${n}" is not a region (${REGION_NAMES.join(" | ")})`);
  return names;
}

export async function alignCommand(file: string, o: AlignCliOptions): Promise<void> {
  if (o.out !== undefined && resolve(o.out) === resolve(file))
    throw new InputError(o.out, "is the input scan: --out would overwrite it");
  const margin = Number(o.marginRows ?? "1");
  if (!Number.isInteger(margin) || margin < 0)
    throw new InputError("", `--margin-rows must be a whole number ≥ 0, got "${o.marginRows}"`);
  const layers = await layerNames(o.layers);
  const { alignScan, readLineScan } = await import("../align/index.js");
  const scan = await readLineScan(file, o.scan);
  const r = alignScan(scan, {
    ...(o.stepMm !== undefined && { stepMm: positive(o.stepMm, "--step-mm") }),
    ...(layers && { layers }),
    marginRows: margin,
  });
  if (o.out !== undefined) await writeAtomic(o.out, `${JSON.stringify(r, null, 1)}\n`);
  if (o.json) say(JSON.stringify(r, null, 2));
  else printTable(r);
}

function printTable(r: AlignmentResult): void {
  say(`${r.file}: ${r.scan} scan, ${r.points} points along ${r.axis}`);
  say(
    `${r.edges.length} edge${r.edges.length === 1 ? "" : "s"} (χ²_red ${r.fit.chi2_red.toPrecision(3)}; F-test p < 0.001 for each edge added)`,
  );
  say("edge  position_um        width_sigma_um    fwhm_um  step_T");
  r.edges.forEach((e, k) => {
    say(
      `${String(k + 1).padEnd(4)}  ${`${um(e.pos_mm)} ± ${um(e.pos_err_mm)}`.padEnd(17)}  ${`${um(e.width_sigma_mm)} ± ${um(e.width_sigma_err_mm)}`.padEnd(16)}  ${um(e.fwhm_mm).padStart(7)}  ${e.step_transmission.toFixed(4)} ± ${e.step_err.toFixed(4)}${e.at_bound ? "  (on a bound)" : ""}`,
    );
  });
  say("plateau  from_um   to_um     transmission");
  r.plateaus.forEach((p, j) => {
    const span = (v: number | null) => (v === null ? "—" : um(v)).padEnd(8);
    say(
      `${String(j).padEnd(7)}  ${span(p.from_mm)}  ${span(p.to_mm)}  ${p.transmission.toFixed(4)} ± ${p.err.toFixed(4)}`,
    );
  });
  const last = r.fit.selection.at(-1);
  if (last && !last.accepted) say(`not added: ${last.edges} edges (${last.why})`);
  if (r.stack)
    say(
      `stack: ${um(r.stack.from_mm)} to ${um(r.stack.to_mm)} µm, height ${um(r.stack.height_mm)} ± ${um(r.stack.height_err_mm)} µm`,
    );
  if (!r.grid) return;
  say(`proposed grid: ${r.grid.rows.length} rows, step ${um(r.grid.step_mm)} µm (${r.grid.step_from})`);
  say("row  pos_mm    layer");
  for (const row of r.grid.rows)
    say(
      `${String(row.row).padEnd(3)}  ${row.pos_mm.toFixed(4).padStart(8)}  ${row.layer}${row.near_edge ? " (beam on an edge)" : ""}`,
    );
  if (r.scan === "vertical") {
    say("for experiment.yaml (rows from the lowest y; check the layer names):");
    process.stdout.write(r.grid.yaml);
  }
}
