import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { swaxs } from "../../test/support/cli.js";

const SCAN = fileURLToPath(new URL("../../test/fixtures/align/linescan.csv", import.meta.url));
const GOLDEN = JSON.parse(
  readFileSync(
    fileURLToPath(new URL("../../test/fixtures/align/linescan.golden.json", import.meta.url)),
    "utf8",
  ),
) as { vertical: { scipy: { edges: number[]; edges_err: number[] } } };

describe("swaxs align", () => {
  it("--json: the edges scipy finds, the stack, and a grid whose by_row block names the layers", () => {
    const dir = mkdtempSync(join(tmpdir(), "swaxs-align-cli-"));
    const out = join(dir, "align.json");
    const r = swaxs("align", SCAN, "--json", "--layers", "cathode,separator", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(JSON.parse(readFileSync(out, "utf8"))).toEqual(o);
    expect(o.scan).toBe("vertical");
    const { edges, edges_err } = GOLDEN.vertical.scipy;
    expect(o.edges).toHaveLength(edges.length);
    o.edges.forEach((e: { pos_mm: number }, k: number) => {
      expect(Math.abs(e.pos_mm - edges[k]!)).toBeLessThan(0.05 * edges_err[k]!);
    });
    expect(o.stack.from_mm).toBe(o.edges[0].pos_mm);
    expect(o.stack.to_mm).toBe(o.edges[2].pos_mm);
    expect(o.grid.by_row["0"]).toBe("other");
    expect(new Set(Object.values(o.grid.by_row))).toEqual(new Set(["other", "cathode", "separator"]));
    expect(o.grid.yaml).toMatch(/^regions:\n {2}by_row:\n {4}'0': other\n/);
  });

  it("the table: edges in µm with errors, the grid at --step-mm, the YAML block; --scan horizontal", () => {
    const r = swaxs("align", SCAN, "--step-mm", "0.1");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/: vertical scan, 111 points along y_mm\n3 edges/);
    expect(r.stdout).toMatch(/^1 {5}-?\d+\.\d ± \d+\.\d/m);
    expect(r.stdout).toMatch(/proposed grid: \d+ rows, step 100\.0 µm \(--step-mm\)/);
    expect(r.stdout).toMatch(/regions:\n {2}by_row:\n {4}'0': other\n {4}'1': cathode\n/);
    const h = swaxs("align", SCAN, "--scan", "horizontal", "--json");
    expect(h.code, h.stderr).toBe(0);
    const o = JSON.parse(h.stdout);
    expect(o.axis).toBe("x_mm");
    expect(o.edges).toHaveLength(2);
    expect(o.edges[0].pos_mm).toBeCloseTo(-2.5, 1);
    expect(o.edges[1].pos_mm).toBeCloseTo(2.5, 1);
    expect(o.stack.height_mm).toBeCloseTo(5, 1);
  });

  it("bad input: one line, exit 2; --out never overwrites the scan", () => {
    const dir = mkdtempSync(join(tmpdir(), "swaxs-align-cli-bad-"));
    const cases: [string[], RegExp][] = [
      [[join(dir, "none.csv")], /none\.csv: no such file$/],
      [[SCAN, "--out", SCAN], /linescan\.csv: is the input scan: --out would overwrite it$/],
      [[SCAN, "--step-mm", "-1"], /--step-mm must be a number > 0, got "-1"$/],
      [
        [SCAN, "--layers", "cathode,lid"],
        /--layers: "lid" is not a region \(anode \| separator \| cathode \| other\)$/,
      ],
      [
        [SCAN, "--layers", "cathode"],
        /--layers names 1 layer, but the scan shows 2 between its outer edges$/,
      ],
    ];
    for (const [args, msg] of cases) {
      const r = swaxs("align", ...args);
      expect(r.code, args.join(" ")).toBe(2);
      const lines = r.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^swaxs: /);
      expect(lines[0]).toMatch(msg);
    }
    expect(readFileSync(SCAN, "utf8").startsWith("scan,x_mm,y_mm,i0,it\n")).toBe(true);
    expect(existsSync(join(dir, "none.csv"))).toBe(false);
  });
});
