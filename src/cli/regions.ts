/**
 * `swaxs regions experiment.yaml [--svg FILE] [--json]`: what the regions of the last `swaxs run`
 * were found from, per row — transmission and each stack layer's fingerprint — with the boundaries
 * and their margins, so that a user can check them, and write `regions: {by_row: …}` by hand, in a
 * minute. `--svg` draws the evidence against y with the boundaries marked.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../pipeline/config.js";
import { CATEGORICAL, linePlot } from "../plot/index.js";
import { numbers, RESULTS, type RegionCheck, readCsvSync, readRunJson, strings } from "../results/index.js";
import { InputError } from "../util/index.js";
import { writeAtomic } from "./curves.js";

export async function regionsCommand(config: string, o: { svg?: string; json?: boolean }): Promise<void> {
  const cfg = await loadConfig(config);
  const file = join(cfg.out, RESULTS.regionEvidence.path);
  if (!existsSync(file)) throw new InputError(config, `no ${file} yet: run \`swaxs run ${config}\` first`);
  const run = readRunJson(cfg.out);
  const regions: RegionCheck = run.regions ?? { method: "?", boundaries: [] };
  const t = readCsvSync(file);
  const layers = t.header.filter((h) => /^layer\d+_/.test(h));
  const y = numbers(t, "y_mm");
  const tr = numbers(t, "transmission");
  const label = strings(t, "region");
  if (o.json) {
    process.stdout.write(
      `${JSON.stringify(
        {
          method: regions.method,
          boundaries: regions.boundaries,
          rows: t.rows.map((_, r) => ({
            row: r,
            y_mm: y[r],
            transmission: tr[r],
            region: label[r],
            ...Object.fromEntries(layers.map((l) => [l, numbers(t, l)[r]])),
          })),
        },
        null,
        2,
      )}\n`,
    );
  } else {
    const cols = ["row", "y_mm", "transmission", ...layers, "region"];
    const cells = t.rows.map((_, r) => [
      String(r),
      y[r]!.toFixed(3),
      tr[r]!.toFixed(4),
      ...layers.map((l) => {
        const v = numbers(t, l)[r]!;
        return Number.isFinite(v) ? v.toFixed(1) : "-";
      }),
      label[r]!,
    ]);
    const w = cols.map((c, k) => Math.max(c.length, ...cells.map((row) => row[k]!.length)));
    const line = (row: string[]) => row.map((v, k) => v.padStart(w[k]!)).join("  ");
    const out = [
      `regions by ${regions.method} (fingerprints in noise units)`,
      line(cols),
      ...cells.map(line),
    ];
    for (const b of regions.boundaries)
      out.push(
        `${b.below}|${b.above} between rows ${b.rows[0]} and ${b.rows[1]}${b.col === undefined ? "" : ` in column ${b.col}`} (y ${b.y_mm.toFixed(3)} mm): margin ${b.margin}${b.uncertain ? `, UNCERTAIN: ${b.why ?? ""}` : ""}`,
      );
    process.stdout.write(`${out.join("\n")}\n`);
  }
  if (o.svg) {
    const scaled = (v: Float64Array) => {
      const max = Math.max(...Array.from(v).filter(Number.isFinite), 1e-300);
      return Float64Array.from(v, (x) => (Number.isFinite(x) ? x / max : Number.NaN));
    };
    const series = [
      { x: y, y: scaled(tr), label: "transmission", color: "#444", dash: "4 3", markers: true },
      ...layers
        .filter((l) => Array.from(numbers(t, l)).some(Number.isFinite))
        .map((l, k) => ({
          x: y,
          y: scaled(numbers(t, l)),
          label: l.replace(/^layer\d+_/, ""),
          color: CATEGORICAL[k % CATEGORICAL.length],
          markers: true,
        })),
    ];
    const svg = linePlot({
      width: 720,
      height: 380,
      title: "Region evidence per row (each relative to its largest row)",
      xLabel: "y (mm)",
      yLabel: "relative fingerprint / transmission",
      series,
      ticks: [
        {
          label: "boundary",
          color: "#000",
          x: regions.boundaries.filter((b) => !b.uncertain).map((b) => b.y_mm),
        },
        {
          label: "uncertain",
          color: "#d62728",
          x: regions.boundaries.filter((b) => b.uncertain).map((b) => b.y_mm),
        },
      ],
    });
    await writeAtomic(o.svg, svg);
    process.stderr.write(`figure → ${o.svg}\n`);
  }
}
