/**
 * Import rules of `src/` (issue 10), checked on every `npm test`: one folder per concept, lower
 * layers never import higher ones, `report` does not import `viewer`, `plot` uses neither Node nor
 * the DOM (it draws SVG strings for the viewer and the report alike), and only `cli` imports the
 * simulator. Tests and test support may import anything.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { schemaMarkdown } from "../src/results/index.js";

const SRC = fileURLToPath(new URL("../src", import.meta.url));

/** Each folder's layer: a folder may import only folders of a lower layer (and itself). */
const LAYERS: Record<string, number> = {
  util: 0,
  numeric: 0,
  geometry: 1,
  physics: 1,
  echem: 1,
  formats: 1,
  plot: 1,
  integrate: 2,
  scan: 2,
  analysis: 2,
  design: 2,
  align: 2,
  cluster: 2,
  results: 3,
  simulate: 3,
  live: 3,
  pipeline: 4,
  viewer: 5,
  report: 5,
  cli: 6,
};

/** Pairs that the layers alone would allow but the design forbids: [from, to, why]. */
const FORBIDDEN: [string, string, string][] = [
  ["report", "viewer", "the report reads results through results/, not the viewer"],
  // the design commands compute from physics alone: no detector, cycler or figure code
  ...["numeric", "geometry", "echem", "formats", "plot", "integrate", "scan", "analysis"].map(
    (to): [string, string, string] => ["design", to, "design/ computes from physics/ and util/ alone"],
  ),
];
/** Only these folders may import the simulator. */
const SIMULATE_USERS = new Set(["simulate", "cli"]);

interface Violation {
  file: string;
  target: string;
  why: string;
}

/** The violations of one source file, given its folder and text. */
function checkFile(file: string, folder: string, text: string): Violation[] {
  const out: Violation[] = [];
  const own = LAYERS[folder];
  if (own === undefined) return [{ file, target: folder, why: `folder "${folder}" has no layer in LAYERS` }];
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)) {
    const spec = m[1]!;
    if (folder === "plot" && (spec.startsWith("node:") || /^(fs|path|os)$/.test(spec)))
      out.push({ file, target: spec, why: "plot/ must not use Node" });
    const up = /^\.\.\/([a-z]+)\//.exec(spec);
    if (!up) continue;
    const target = up[1]!;
    const layer = LAYERS[target];
    if (layer === undefined) out.push({ file, target, why: `folder "${target}" has no layer` });
    else if (target !== folder && layer >= own)
      out.push({ file, target, why: `${folder} (layer ${own}) imports ${target} (layer ${layer})` });
    for (const [from, to, why] of FORBIDDEN)
      if (folder === from && target === to) out.push({ file, target, why });
    if (target === "simulate" && !SIMULATE_USERS.has(folder))
      out.push({ file, target, why: "only cli/ imports the simulator" });
  }
  if (folder === "plot" && /\b(document|window|HTMLElement)\./.test(text))
    out.push({ file, target: "DOM", why: "plot/ must not use the DOM" });
  return out;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.(ts|js)$/.test(e) && !/\.test\.ts$/.test(e) ? [p] : [];
  });
}

describe("import rules", () => {
  it("every source file of src/ keeps to its layer", () => {
    const all: Violation[] = [];
    for (const file of sources(SRC)) {
      const rel = relative(SRC, file);
      if (!rel.includes(sep)) continue; // src/index.ts, the library's face, may re-export any folder
      all.push(...checkFile(rel, rel.split(sep)[0]!, readFileSync(file, "utf8")));
    }
    expect(all).toEqual([]);
  });

  it("finds what it must (self-test on planted violations)", () => {
    const v = (folder: string, text: string) => checkFile("x.ts", folder, text).map((x) => x.why);
    expect(v("geometry", 'import { a } from "../pipeline/run.js";')).toEqual([
      "geometry (layer 1) imports pipeline (layer 4)",
    ]);
    expect(v("report", 'import type { A } from "../viewer/data.js";')).toHaveLength(2);
    expect(v("pipeline", 'import { simulate } from "../simulate/index.js";')).toEqual([
      "only cli/ imports the simulator",
    ]);
    expect(v("plot", 'import { readFile } from "node:fs";')).toEqual(["plot/ must not use Node"]);
    expect(v("plot", "document.createElement('svg')")).toEqual(["plot/ must not use the DOM"]);
    expect(v("newthing", "")).toEqual(['folder "newthing" has no layer in LAYERS']);
    expect(v("pipeline", 'import { x } from "../analysis/index.js";')).toEqual([]);
  });
});

describe("docs/architecture.md", () => {
  it("holds the results schema as the code declares it (scripts/docs-architecture.ts writes it)", () => {
    const doc = readFileSync(new URL("../docs/architecture.md", import.meta.url), "utf8");
    const block = /<!-- schema -->\n([\s\S]*?)<!-- \/schema -->/.exec(doc);
    expect(block?.[1]).toBe(schemaMarkdown());
  });
});
