import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { swaxs } from "../../test/support/cli.js";
import { parseXml } from "../../test/support/xml.js";
import { runExperiment } from "../pipeline/run.js";
import { PRESETS, simulate } from "../simulate/index.js";

const dir = join(mkdtempSync(join(tmpdir(), "swaxs-regions-cli-")), "tiny");
const yaml = join(dir, "experiment.yaml");

beforeAll(async () => {
  await simulate({ ...PRESETS.tiny, cols: 1, sweeps: 2 }, dir, { seed: 4 });
}, 60_000);

describe("swaxs regions", () => {
  it("before a run: one line saying to run first, exit 2", () => {
    const r = swaxs("regions", yaml);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/regions_evidence\.csv yet: run `swaxs run .*experiment\.yaml` first$/);
  });

  it("after a run: the per-row table, the boundaries with margins, and an SVG of the evidence", async () => {
    await runExperiment(yaml);
    const svg = join(dir, "evidence.svg");
    const r = swaxs("regions", yaml, "--svg", svg);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^regions by (fingerprint|footprint\+fingerprint)/);
    expect(lines[1]).toMatch(
      /row\s+y_mm\s+transmission\s+layer0_other\s+layer1_cathode\s+layer2_separator\s+layer3_anode/,
    );
    const truth = JSON.parse(readFileSync(join(dir, "truth.json"), "utf8")) as { layers: string[] };
    expect(lines.slice(2, 2 + truth.layers.length).map((l) => l.trim().split(/\s+/).at(-1))).toEqual(
      truth.layers,
    );
    expect(
      lines.filter((l) => /^\w+\|\w+ between rows \d+ and \d+ .*margin/.test(l)).length,
    ).toBeGreaterThanOrEqual(3);
    expect(parseXml(readFileSync(svg, "utf8")).name).toBe("svg");
    const j = JSON.parse(swaxs("regions", yaml, "--json").stdout);
    expect(j.rows).toHaveLength(truth.layers.length);
  }, 60_000);
});
