/**
 * Generates src/geometry/detector-table.ts from pyFAI 0.21.3's detector catalogue
 * (test/fixtures/detectors/pyfai_detectors.json, a copy of shared/reference/pyfai_detectors.json).
 *
 *   node --import tsx scripts/gen-detector-table.ts            # rewrite the table
 *   node --import tsx scripts/gen-detector-table.ts --check    # exit 1 when the committed table is stale
 *   node --import tsx scripts/gen-detector-table.ts [in.json] [out.ts]
 *
 * Every entry is checked while generating: the masked row/column runs must give exactly the
 * `masked_pixels` count pyFAI reported. The three circular detectors (whose pyFAI `calc_mask` masks
 * the corners outside the inscribed circle) have no runs; they are recognised by reproducing that
 * count with the circle rule and flagged `circularMask`. No two detectors may share a lookup key.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const DEFAULT_INPUT = resolve(ROOT, "test/fixtures/detectors/pyfai_detectors.json");
export const DEFAULT_OUTPUT = resolve(ROOT, "src/geometry/detector-table.ts");

type Pair = [number, number];

interface JsonEntry {
  cls: string;
  shape: Pair;
  pixel1: number;
  pixel2: number;
  module_size?: Pair | null;
  module_gap?: Pair | null;
  masked_pixels: number;
  masked_row_runs?: Pair[] | null;
  masked_col_runs?: Pair[] | null;
  aliases?: string[];
}

/** The lookup key of a name: lower case, without spaces, underscores or dashes. */
export function normaliseDetectorName(name: string): string {
  return name.toLowerCase().replace(/[\s_-]+/g, "");
}

function runsLength(runs: Pair[]): number {
  let n = 0;
  for (const [a, b] of runs) n += b - a + 1;
  return n;
}

/** pyFAI's circular `calc_mask` (Rayonix133, RayonixSx165, Mar345): count of pixels outside the circle. */
function circleMaskedCount(n1: number, n2: number): number {
  const c1 = Math.floor(n1 / 2);
  const c2 = Math.floor(n2 / 2);
  let count = 0;
  for (let i = 0; i < n1; i++) {
    const di = i + 0.5 - c1;
    for (let j = 0; j < n2; j++) {
      const dj = j + 0.5 - c2;
      if (di * di + dj * dj > c1 * c1) count++;
    }
  }
  return count;
}

function checkRuns(cls: string, runs: Pair[], n: number, what: string): void {
  let prev = -1;
  for (const [a, b] of runs) {
    if (!Number.isInteger(a) || !Number.isInteger(b) || a > b || a <= prev || b >= n) {
      throw new Error(`${cls}: bad masked ${what} run [${a}, ${b}]`);
    }
    prev = b;
  }
}

/**
 * Registry keys of pyFAI 0.21.3 that the JSON's alias lists lack (found by the pyFAI cross-check in
 * src/geometry/detectors.test.ts): `Xpad_flat.aliases = ["Xpad S540 flat", "d5"]`.
 */
const EXTRA_ALIASES: Record<string, string[]> = { Xpad_flat: ["d5"] };

/**
 * pyFAI classes whose shape follows the pixel size (binned CCDs/flat panels: `BINNED_PIXEL_SIZE`
 * tables, Mar345's 345 mm plate, Perkin's binning); the JSON does not say so. Found by constructing
 * every class of pyFAI 0.21.3 with other pixel sizes. Their `shape` here is the default binning's.
 */
const SHAPE_FROM_PIXEL = new Set([
  "Mar345",
  "Perkin",
  "Rayonix133",
  "RayonixLx170",
  "RayonixLx255",
  "RayonixMx170",
  "RayonixMx225",
  "RayonixMx225hs",
  "RayonixMx300",
  "RayonixMx300hs",
  "RayonixMx325",
  "RayonixMx340hs",
  "RayonixMx425hs",
  "RayonixSx165",
  "RayonixSx200",
  "RayonixSx30hs",
  "RayonixSx85hs",
]);

const num = (x: number): string => String(x);
const pair = (p: Pair | null | undefined): string => (p ? `[${num(p[0])}, ${num(p[1])}]` : "null");
const runs = (r: Pair[]): string => `[${r.map((p) => pair(p)).join(", ")}]`;

/** The TypeScript source of the table for the parsed JSON catalogue. */
export function renderDetectorTable(catalogue: Record<string, JsonEntry>): string {
  for (const n of [...SHAPE_FROM_PIXEL, ...Object.keys(EXTRA_ALIASES)]) {
    if (!(n in catalogue)) throw new Error(`${n} is not in the catalogue`);
  }
  const keys = new Map<string, string>();
  const lines: string[] = [];
  for (const [name, e] of Object.entries(catalogue)) {
    if (e.cls !== name) throw new Error(`${name}: cls is ${e.cls}`);
    const [n1, n2] = e.shape;
    const rows = e.masked_row_runs ?? [];
    const cols = e.masked_col_runs ?? [];
    checkRuns(name, rows, n1, "row");
    checkRuns(name, cols, n2, "column");
    const r = runsLength(rows);
    const c = runsLength(cols);
    const fromRuns = r * n2 + c * n1 - r * c;
    let circular = false;
    if (fromRuns !== e.masked_pixels) {
      if (rows.length === 0 && cols.length === 0 && circleMaskedCount(n1, n2) === e.masked_pixels) {
        circular = true;
      } else {
        throw new Error(`${name}: runs mask ${fromRuns} pixels, pyFAI masks ${e.masked_pixels}`);
      }
    }
    const aliases = [...new Set([...(e.aliases ?? []), ...(EXTRA_ALIASES[name] ?? [])])].sort();
    for (const a of [name, ...aliases]) {
      const k = normaliseDetectorName(a);
      const owner = keys.get(k);
      if (owner !== undefined && owner !== name)
        throw new Error(`lookup key ${k} names ${owner} and ${name}`);
      keys.set(k, name);
    }
    lines.push(
      `  { cls: ${JSON.stringify(name)}, shape: ${pair(e.shape)}, pixel: ${pair([e.pixel1, e.pixel2])}, ` +
        `moduleSize: ${pair(e.module_size)}, moduleGap: ${pair(e.module_gap)}, maskedPixels: ${e.masked_pixels}, ` +
        `rows: ${runs(rows)}, cols: ${runs(cols)}, circularMask: ${circular}, binned: ${SHAPE_FROM_PIXEL.has(name)}, ` +
        `aliases: [${aliases.map((a) => JSON.stringify(a)).join(", ")}] },`,
    );
  }
  return `// biome-ignore-all format: generated table, one line per detector
/**
 * pyFAI 0.21.3's detector catalogue, GENERATED by scripts/gen-detector-table.ts from
 * test/fixtures/detectors/pyfai_detectors.json. Do not edit by hand; rerun
 * \`node --import tsx scripts/gen-detector-table.ts\`.
 *
 * shape = [rows (d1), cols (d2)]; pixel = [pixel1, pixel2] in metres; rows/cols = inclusive runs of
 * masked rows/columns (module gaps, pyFAI \`calc_mask\`); circularMask = pyFAI masks every pixel whose
 * centre lies outside the circle of radius floor(rows/2) about (floor(rows/2), floor(cols/2));
 * binned = pyFAI derives the shape from the pixel size (binning), so another pixel size means another
 * shape; maskedPixels = the count pyFAI reported; aliases = pyFAI's registry keys.
 */

export interface DetectorTableRow {
  readonly cls: string;
  readonly shape: readonly [number, number];
  readonly pixel: readonly [number, number];
  readonly moduleSize: readonly [number, number] | null;
  readonly moduleGap: readonly [number, number] | null;
  readonly maskedPixels: number;
  readonly rows: readonly (readonly [number, number])[];
  readonly cols: readonly (readonly [number, number])[];
  readonly circularMask: boolean;
  readonly binned: boolean;
  readonly aliases: readonly string[];
}

export const DETECTOR_TABLE: readonly DetectorTableRow[] = [
${lines.join("\n")}
];
`;
}

function main(argv: string[]): number {
  const check = argv.includes("--check");
  const paths = argv.filter((a) => a !== "--check");
  const input = paths[0] ?? DEFAULT_INPUT;
  const output = paths[1] ?? DEFAULT_OUTPUT;
  const text = renderDetectorTable(JSON.parse(readFileSync(input, "utf8")) as Record<string, JsonEntry>);
  if (check) {
    let current = "";
    try {
      current = readFileSync(output, "utf8");
    } catch {
      // missing counts as stale
    }
    if (current !== text) {
      console.error(`${output} is stale: rerun node --import tsx scripts/gen-detector-table.ts`);
      return 1;
    }
    console.log(`${output} is up to date`);
    return 0;
  }
  writeFileSync(output, text);
  console.log(`wrote ${output}`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
